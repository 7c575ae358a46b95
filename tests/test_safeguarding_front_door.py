"""Safeguarding through the real front door, Rasa model and action server: everyday words reach
the bot; a possible concern gets one check-in question (talk to someone now hands off urgently,
no goes on to answer what was asked); the front door's verdict travels to Rasa, which does not
screen the message again; any message the web accepts is answered normally."""
import random

import httpx
import pytest
from sqlalchemy import create_engine, text

pytestmark = [pytest.mark.model, pytest.mark.servers]

FIRST_WORDS = ["hi", "hey", "no", "more", "not sure", "human", "nobody", "she's 84", "he lives with me",
               "helo", "shwmae", "na", "mwy", "mae hi'n 84"]


def flags(servers, cid):
    engine = create_engine(servers.group.settings.database_url, future=True)
    with engine.connect() as c:
        rows = c.execute(text("SELECT tier, cue, answer FROM safeguarding_flag WHERE conversation_id = :id "
                              "ORDER BY id"), {"id": cid}).all()
    engine.dispose()
    return [tuple(r) for r in rows]


@pytest.mark.parametrize("said", FIRST_WORDS)
def test_everyday_first_messages_reach_the_bot(servers, said):
    body = servers.chat(said)
    # "human" asks for a person (a normal handoff); nothing is a safeguarding one
    assert body["handoff"] is None or body["handoff"] == {"reason": "requested", "priority": "normal"}
    # (out of hours, a person asked for on the web is also offered a call back: the front door's)
    assert body["messages"] and body["messages"][0]["sender"] == "bot"
    assert all(m["sender"] == "bot" or (body["handoff"] and "phone you" in m["text"]) for m in body["messages"])
    assert flags(servers, body["conversation_id"]) == []


def test_everyday_replies_after_a_search_reach_the_bot(servers):
    body = servers.chat("is there a lunch club near Llandeilo for my dad")
    cid = body["conversation_id"]
    for said in ["more", "she's 84", "no", "hi", "mwy", "mae hi'n 84", "he lives with me", "ok thanks"]:
        body = servers.chat(said, cid)
        assert body["status"] == "bot" and body["handoff"] is None, said
    assert flags(servers, cid) == []


def check_in_buttons(body):
    return [b["payload"] for m in body["messages"] for b in m.get("buttons") or []]


def test_a_possible_concern_is_checked_in_on_and_talk_now_hands_off(servers):
    body = servers.chat("whats the number for womens aid")
    assert body["status"] == "bot" and body["handoff"] is None
    said = " ".join(m["text"] for m in body["messages"])
    assert "in danger or at risk of harm" in said and "999" in said
    assert check_in_buttons(body) == ["/safeguarding_talk", "/safeguarding_yes", "/safeguarding_no"]
    body = servers.chat("/safeguarding_talk", body["conversation_id"])
    assert body["status"] == "waiting"
    assert body["handoff"] == {"reason": "safeguarding", "priority": "urgent"}
    assert "Thank you for telling us" in " ".join(m["text"] for m in body["messages"])
    assert flags(servers, body["conversation_id"]) == [("check", "da.en.services-named", "yes")]


def test_a_check_in_answered_no_answers_what_was_asked(servers):
    body = servers.chat("how do I get a carer's assessment, also what's the number for women's aid")
    assert "/safeguarding_no" in check_in_buttons(body)
    body = servers.chat("/safeguarding_no", body["conversation_id"])
    assert body["status"] == "bot" and body["handoff"] is None
    assert body["messages"][0]["sender"] == "system" and "Thank you for letting me know" in body["messages"][0]["text"]
    answer = " ".join(m["text"] for m in body["messages"] if m["sender"] == "bot")
    assert "carer" in answer.lower()  # the bot answered the first question
    assert flags(servers, body["conversation_id"]) == [("check", "da.en.services-named", "no")]


def test_a_welsh_check_in_is_in_welsh(servers):
    body = servers.chat("rhif cymorth i fenywod plis")
    said = " ".join(m["text"] for m in body["messages"])
    assert "Ydych chi, neu rywun arall, mewn perygl" in said
    assert [b["title"] for m in body["messages"] for b in m.get("buttons") or []] == ["Siarad â rhywun nawr", "Ie", "Na"]
    body = servers.chat("ie", body["conversation_id"])
    assert body["handoff"] == {"reason": "safeguarding", "priority": "urgent"}
    assert "Diolch am ddweud wrthym" in " ".join(m["text"] for m in body["messages"])


def test_rasa_takes_the_front_doors_verdict_and_screens_only_what_arrives_without_one(servers):
    def rasa(sender, metadata):
        r = httpx.post(f"{servers.rasa_url}/webhooks/frontdoor/webhook", timeout=30,
                       headers={"Authorization": f"Bearer {servers.token}"},
                       json={"sender": sender, "message": "my husband hits me", "metadata": metadata})
        assert r.status_code == 200
        return [m.get("custom", {}).get("handoff") for m in r.json() if m.get("custom", {}).get("handoff")]

    # told it was screened and cleared: not screened again (so never twice, and never differently)
    cleared = rasa("verdict-none", {"language": "en", "channel": "web", "safeguarding": {"tier": "none"}})
    assert all(h["reason"] != "safeguarding" for h in cleared)  # (the words may still ask for advice)
    verdict = {"tier": "urgent", "concern": "domestic_abuse", "theme": "vawdasv", "cue": "da.en.partner-hurts"}
    handed = rasa("verdict-urgent", {"language": "en", "channel": "web", "safeguarding": verdict})
    assert handed and handed[0]["reason"] == "safeguarding" and handed[0]["summary"]["concern"] == "domestic_abuse"
    # no verdict (another channel): Rasa's own component screens it
    assert rasa("verdict-absent", {"language": "en", "channel": "web"})[0]["reason"] == "safeguarding"


def test_a_2000_letter_word_is_answered_normally(servers):
    word = "".join(random.Random(3).choice("abcdefghijklmnopqrstuvwxyz") for _ in range(2000))
    body = servers.chat(word)
    assert body["status"] == "bot" and body["handoff"] is None and body["messages"]
    assert flags(servers, body["conversation_id"]) == []
