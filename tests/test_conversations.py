"""Conversations with the real trained model, through the running front door, Rasa server and
action server. One test per statutory information topic, plus the conversation basics."""
import pytest
from sqlalchemy import create_engine, text

pytestmark = [pytest.mark.model, pytest.mark.servers]

# (what a citizen types, the topic recorded, words the answer must contain)
TOPICS = [
    ("how does care and support work here?", "how_care_works", ["care and support"]),
    ("what kinds of support are there for people who need help?", "how_care_works", ["equipment and adaptations", "reablement"]),
    ("how do I get an assessment for my mum", "assessment", ["assessment"]),
    ("can I have a carer's assessment? I look after my husband", "assessment", ["carer"]),
    ("what is the process for raising a concern with social services", "raising_concern", ["999"]),
    ("how much will I have to pay for care", "charges_finance", ["financial assessment"]),
    ("what are direct payments", "direct_payments", ["direct payment"]),
    ("what help is there for carers", "carer_support", ["carer"]),
    ("can I get an advocate", "advocacy", ["advoca"]),
    ("I want to make a complaint", "complaints", ["complain"]),
]


def enquiry_row(servers, conversation_id):
    engine = create_engine(servers.group.settings.database_url, future=True)
    with engine.connect() as c:
        row = c.execute(text(
            "SELECT e.* FROM enquiry e JOIN conversation c ON c.enquiry_id = e.id WHERE c.id = :id"),
            {"id": conversation_id}).mappings().one()
    engine.dispose()
    return dict(row)


@pytest.mark.parametrize("question, topic, words", TOPICS, ids=[t[1] + ":" + t[0][:20] for t in TOPICS])
def test_information_topics(servers, question, topic, words):
    body = servers.chat(question)
    assert body["status"] == "bot" and body["handoff"] is None
    answer = " ".join(m["text"] for m in body["messages"]).lower()
    for word in words:
        assert word.lower() in answer, answer
    assert "029 2018 0123" in answer or "example.org" in answer or "talk to a person" in str(body).lower()
    for never in ("not eligible", "ineligible", "won't qualify", "do not qualify"):
        assert never not in answer
    record = enquiry_row(servers, body["conversation_id"])
    assert record["topic"] == topic
    assert record["outcome"] == "information_given"


def test_greeting_makes_the_welsh_active_offer(servers):
    body = servers.chat("hello")
    first = body["messages"][0]
    assert "Sir Enghraifft County Council" in first["text"]
    assert "Cymraeg" in [b["title"] for b in first["buttons"]]
    assert "Gymraeg" in first["text"]


def test_choosing_welsh(servers):
    body = servers.chat('/choose_language{"language": "cy"}')
    assert body["language"] == "cy"
    assert "Gymraeg" in body["messages"][0]["text"]
    assert "029 2018 0123" in body["messages"][0]["text"]


@pytest.mark.parametrize("said, words", [
    ("bye", "goodbye"),
    ("thanks very much", "welcome"),
    ("am I talking to a robot?", "automated assistant"),
])
def test_small_talk(servers, said, words):
    body = servers.chat(said)
    assert words in body["messages"][0]["text"].lower()


def test_asking_for_a_person_hands_off_and_routes_away_from_the_bot(servers):
    body = servers.chat("can I speak to a real person please")
    assert body["status"] == "waiting"
    assert body["handoff"] == {"reason": "requested", "priority": "normal"}
    said = " ".join(m["text"] for m in body["messages"])
    assert "999" in said and ("member of" in said or "staff" in said)
    cid = body["conversation_id"]
    follow_up = servers.chat("how do I get an assessment", cid)
    # While waiting, messages go to staff, not to Rasa.
    assert follow_up["status"] == "waiting"
    assert [m["sender"] for m in follow_up["messages"]] == ["system"]
    assert "added to the conversation" in follow_up["messages"][0]["text"]
    assert enquiry_row(servers, cid)["outcome"] == "handoff_requested"


@pytest.mark.parametrize("said, reason", [
    # An age says the theme: a relationship alone does not (issue 11)
    ("what should I do about my mum, she's 88 and keeps forgetting things, I need some advice", "advice"),
    ("can you arrange for carers to come in and help my dad, he is 84", "assistance"),
])
def test_advice_and_assistance_need_a_person(servers, said, reason):
    body = servers.chat(said)
    assert body["status"] == "waiting"
    assert body["handoff"] == {"reason": reason, "priority": "normal"}
    record = enquiry_row(servers, body["conversation_id"])
    assert record["outcome"] == f"handoff_{reason}"
    assert record["enquirer"] == "family_friend" and record["theme"] == "older_people"


def test_two_misses_offer_a_person_and_yes_hands_off(servers):
    first = servers.chat("qwzx plork vrrm")
    assert "didn't understand" in first["messages"][0]["text"] or "only help" in first["messages"][0]["text"]
    cid = first["conversation_id"]
    second = servers.chat("blibble wozzle fnarg", cid)
    assert "pass this conversation to a member of our team" in second["messages"][0]["text"]
    assert second["status"] == "bot"
    third = servers.chat("yes please", cid)
    assert third["status"] == "waiting"
    assert third["handoff"] == {"reason": "fallback", "priority": "normal"}


def test_misses_count_only_in_a_row(servers):
    cid = servers.chat("qwzx plork vrrm")["conversation_id"]
    servers.chat("thank you", cid)
    again = servers.chat("blibble wozzle fnarg", cid)
    assert "pass this conversation to a member of our team" not in again["messages"][0]["text"]
    assert "pass this conversation to a member of our team" in servers.chat("zorp glimmet", cid)["messages"][0]["text"]


def test_declining_the_offer_keeps_the_bot(servers):
    cid = servers.chat("qwzx plork vrrm")["conversation_id"]
    servers.chat("blibble wozzle fnarg", cid)
    body = servers.chat("no thanks", cid)
    assert body["status"] == "bot"
    assert "what else" in body["messages"][0]["text"].lower()


def test_out_of_scope(servers):
    body = servers.chat("what's the football score tonight")
    text_ = body["messages"][0]["text"].lower()
    assert "social care" in text_ or "didn't understand" in text_


def test_enquiry_records_hold_no_text_or_identifiers(servers):
    servers.chat("how do I get an assessment for my mum")
    engine = create_engine(servers.group.settings.database_url, future=True)
    with engine.connect() as c:
        columns = {r[1] for r in c.execute(text("PRAGMA table_info(enquiry)"))}
    engine.dispose()
    assert columns == {"id", "day", "financial_year", "channel", "language_requested",
                       "language_delivered", "theme", "topic", "outcome", "enquirer", "area",
                       "staff_outcome", "feedback", "unmet_need", "contacted_before", "handoff_reason",
                       "response_working_days", "response_within_standard"}


def _records_since(servers, last_id):
    """The enquiry records made after record `last_id`, with the terms of the services offered
    (records carry no conversation id: they are anonymous)."""
    engine = create_engine(servers.group.settings.database_url, future=True)
    with engine.connect() as c:
        rows = c.execute(text("SELECT id, topic, outcome FROM enquiry WHERE id > :n ORDER BY id"), {"n": last_id}).all()
        terms = {r[0]: [t for (t,) in c.execute(text("SELECT term FROM enquiry_service WHERE enquiry_id = :e"), {"e": r[0]})]
                 for r in rows}
        last = c.execute(text("SELECT coalesce(max(id), 0) FROM enquiry")).scalar()
    engine.dispose()
    return rows, terms, last


def test_each_enquiry_in_a_conversation_is_its_own_record_with_the_services_offered(servers):
    _, _, before = _records_since(servers, 10**9)
    first = servers.chat("how do charges for care and support work?")
    servers.chat("and what are direct payments?", first["conversation_id"])
    rows, _, before = _records_since(servers, before)
    assert [(r[1], r[2]) for r in rows] == [("charges_finance", "information_given"),
                                            ("direct_payments", "information_given")], rows
    search = servers.chat("is there a lunch club in Llanelli")
    assert any(m.get("services") for m in search["messages"])
    rows, terms, _ = _records_since(servers, before)
    assert len(rows) == 1 and rows[0][2] == "signposted" and terms[rows[0][0]], (rows, terms)


@pytest.mark.parametrize("said, concern", [
    ("he hits me", "domestic_abuse"),
    ("can you tell me about day centres, also my son keeps taking money from my purse", "adult_abuse_neglect"),
])
def test_disclosure_hands_off_at_once_through_the_bot(servers, said, concern):
    body = servers.chat(said)
    assert body["status"] == "waiting"
    assert body["handoff"] == {"reason": "safeguarding", "priority": "urgent"}
    text_ = " ".join(m["text"] for m in body["messages"])
    assert "Thank you for telling us" in text_ and "999" in text_
    record = enquiry_row(servers, body["conversation_id"])
    assert record["outcome"] == "safeguarding_handoff"
    engine = create_engine(servers.group.settings.database_url, future=True)
    with engine.connect() as c:
        summary = c.execute(text("SELECT handoff_summary FROM conversation WHERE id = :id"),
                            {"id": body["conversation_id"]}).scalar()
    engine.dispose()
    assert concern in summary


def test_disclosure_while_waiting_raises_it_to_urgent(servers):
    cid = servers.chat("can I talk to a person please")["conversation_id"]
    body = servers.chat("my partner won't let me leave the house and takes my money", cid)
    assert body["handoff"] == {"reason": "safeguarding", "priority": "urgent"}


def test_finding_a_local_service(servers):
    body = servers.chat("is there a lunch club near Llandeilo for my dad")
    assert body["status"] == "bot"
    services = [s for m in body["messages"] for s in m.get("services", [])]
    assert 1 <= len(services) <= 3
    for card in services:
        assert card["name"] and card["last_checked"]
        assert "phone" in card or "email" in card or "url" in card
    assert any("lunch" in (c["name"] + c.get("description", "")).lower() or "cinio" in c["name"].lower()
               for c in services)
    record = enquiry_row(servers, body["conversation_id"])
    assert (record["topic"], record["outcome"], record["area"]) == ("find_service", "signposted", "Llandeilo")
    more = servers.chat("show me more", body["conversation_id"])
    shown_again = {s["name"] for m in more["messages"] for s in m.get("services", [])}
    assert not shown_again & {s["name"] for s in services}


def test_no_service_fits_is_recorded_as_unmet_need(servers):
    body = servers.chat("is there a scuba diving club in Llandeilo")
    said = " ".join(m["text"] for m in body["messages"])
    assert "couldn't find a service" in said
    assert "Talk to a person" in [b["title"] for m in body["messages"] for b in m.get("buttons", [])]
    record = enquiry_row(servers, body["conversation_id"])
    assert (record["outcome"], record["area"]) == ("no_service_found", "Llandeilo")
    assert record["unmet_need"]
    # Taking the offer of a person keeps the unmet need on the record.
    handed = servers.chat("/request_person", body["conversation_id"])
    assert handed["status"] == "waiting"
    record = enquiry_row(servers, body["conversation_id"])
    assert record["outcome"] == "handoff_requested" and record["unmet_need"] and record["area"] == "Llandeilo"


def test_staff_return_the_conversation_and_the_bot_carries_on(servers, staff_login):
    import httpx

    cid = servers.chat("can I talk to a person please")["conversation_id"]
    username, password, _ = staff_login("staff")
    staff = httpx.Client(base_url=servers.url, timeout=60)
    csrf = staff.post("/console/api/login", json={"username": username, "password": password}).json()["csrf_token"]
    staff.headers["X-CSRF-Token"] = csrf
    assert staff.post(f"/console/api/conversations/{cid}/claim").status_code == 200
    assert staff.post(f"/console/api/conversations/{cid}/return-to-bot").status_code == 200
    body = servers.chat("what are direct payments", cid)
    assert body["status"] == "bot" and body["handoff"] is None
    assert "direct payment" in " ".join(m["text"] for m in body["messages"]).lower()
    assert enquiry_row(servers, cid)["topic"] == "direct_payments"
