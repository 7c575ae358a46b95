"""action_safeguarding_handoff: a calm reply in the citizen's language (the council's helplines
for the concern, out of hours the emergency duty team), an urgent handoff with the concern, and
the bot paused, with no questions first. The verdict the front door screened the message with is
used as it came; with none, the real detector screens the words; with nothing found, a message
flagged upstream is still treated as immediate danger, never dropped."""
from __future__ import annotations

import pytest
from rasa_sdk.events import ConversationPaused, SlotSet

from actions.actions import ActionSafeguardingHandoff

from .conftest import enquiries, handoffs, responses, texts

PAUSED = [SlotSet("misses", 0.0), SlotSet("pending_question", None), ConversationPaused()]
IN_HOURS = ("Thank you for telling us. I'm passing this to a member of our team now, as a priority, and they will "
            "join this conversation as soon as they can. You don't need to answer any more questions first. "
            "If anyone is in immediate danger, call 999 now.")
IN_HOURS_CY = ("Diolch am ddweud wrthym. Rwy'n trosglwyddo hyn i aelod o'n tîm nawr, fel blaenoriaeth, a byddan nhw'n "
               "ymuno â'r sgwrs hon cyn gynted ag y gallant. Does dim rhaid i chi ateb rhagor o gwestiynau yn gyntaf. "
               "Os oes unrhyw un mewn perygl uniongyrchol, ffoniwch 999 nawr.")
DOMESTIC_ABUSE = {"tier": "urgent", "concern": "domestic_abuse", "theme": "vawdasv", "language": "en"}


def run(make_tracker, run_action, text, verdict=None, **slots):
    parse = {"safeguarding": verdict} if verdict is not None else {}
    return run_action(ActionSafeguardingHandoff(), make_tracker(text, "safeguarding_disclosure", parse=parse, **slots))


def test_the_front_doors_verdict_is_used_and_the_handoff_is_urgent(make_tracker, run_action, office_open):
    messages, events = run(make_tracker, run_action, "he hurts me", DOMESTIC_ABUSE, misses=1.0)
    assert texts(messages) == [
        IN_HOURS,
        "You can also talk to: Live Fear Free 0808 80 10 800 (24 hours, free).",
    ]
    assert responses(messages) == []  # the words are the front door's own, not a Rasa response
    assert handoffs(messages) == [{"reason": "safeguarding", "priority": "urgent", "summary": {
        "reason": "safeguarding", "concern": "domestic_abuse", "theme": "vawdasv", "topic": "other",
        "enquirer": "not_stated", "language": "en"}}]
    assert enquiries(messages) == [{"topic": "other", "outcome": "safeguarding_handoff", "theme": "vawdasv",
                                    "enquirer": "not_stated"}]
    assert events == PAUSED


def test_in_welsh_the_reply_and_the_helplines_are_welsh(make_tracker, run_action, office_open):
    messages, _ = run(make_tracker, run_action, "mae e'n fy mrifo i", DOMESTIC_ABUSE, language="cy")
    assert texts(messages) == [IN_HOURS_CY, "Gallwch hefyd siarad â: Byw Heb Ofn 0808 80 10 800 (24 awr, am ddim)."]
    assert texts(messages)[0].startswith("Diolch am ddweud wrthym.")
    assert handoffs(messages)[0]["summary"]["language"] == "cy"


@pytest.mark.parametrize("language, back_at, edt", [
    ("en", "9am on Monday 30 November", "call our emergency duty team on 029 2018 0999"),
    ("cy", "9yb dydd Llun 30 Tachwedd", "ffoniwch ein tîm dyletswydd argyfwng ar 029 2018 0999"),
])
def test_out_of_hours_it_says_when_staff_are_back_and_gives_the_emergency_duty_team(
        make_tracker, run_action, office_closed, language, back_at, edt):
    messages, _ = run(make_tracker, run_action, "he hurts me", DOMESTIC_ABUSE, language=language)
    first = texts(messages)[0]
    assert back_at in first and edt in first and "999" in first
    assert handoffs(messages)[0]["priority"] == "urgent"


def test_with_no_verdict_the_detector_screens_the_words(make_tracker, run_action, office_open):
    messages, events = run(make_tracker, run_action, "I want to kill myself")
    [handoff] = handoffs(messages)
    assert (handoff["priority"], handoff["summary"]["concern"], handoff["summary"]["theme"]) == (
        "urgent", "suicide_self_harm", "mental_health")
    assert texts(messages)[1] == "You can also talk to: Samaritans 116 123 (24 hours, free)."
    assert events == PAUSED


def test_a_verdict_with_no_concern_is_screened_again(make_tracker, run_action, office_open):
    messages, _ = run(make_tracker, run_action, "my partner hits me and I'm scared to go home", {"tier": "none"})
    assert handoffs(messages)[0]["summary"]["concern"] == "domestic_abuse"


def test_flagged_upstream_with_nothing_the_detector_finds_is_still_immediate_danger(
        make_tracker, run_action, office_open):
    messages, events = run(make_tracker, run_action, "please help")
    [handoff] = handoffs(messages)
    assert handoff["priority"] == "urgent" and handoff["summary"]["concern"] == "immediate_danger"
    assert handoff["summary"]["theme"] == "not_stated"
    # 999 is said in the reply itself, so it is not listed again as a helpline.
    assert texts(messages) == [IN_HOURS]
    assert events == PAUSED
