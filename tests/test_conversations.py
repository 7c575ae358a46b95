"""Conversations with the real trained model, through the running front door, Rasa server and
action server. One test per statutory information topic, plus the conversation basics."""
import pytest
from sqlalchemy import create_engine, text

pytestmark = [pytest.mark.model, pytest.mark.servers]

# (what a citizen types, the topic recorded, words the answer must contain)
TOPICS = [
    ("how does care and support work here?", "how_care_works", ["care and support"]),
    ("what kinds of support are there for people who need help?", "how_care_works", ["help"]),
    ("how do I get an assessment for my mum", "assessment", ["assessment"]),
    ("can I have a carer's assessment? I look after my husband", "assessment", ["carer"]),
    ("how do I raise a concern about my neighbour's well-being", "raising_concern", ["999"]),
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
    ("my mum isn't coping at home any more and I don't know what to do", "advice"),
    ("can you arrange for carers to come in and help my dad", "assistance"),
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
                       "language_delivered", "theme", "topic", "outcome", "enquirer"}
