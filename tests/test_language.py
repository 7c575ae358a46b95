"""Which language a message is in, the conversation following the person when they switch, and
the enquiry record counting what was asked for and what was really given."""
import pytest

from channels.bot import BotClient, BotReply
from channels.conversations import ConversationService
from channels.hub import Hub
from iaa.db import session_scope
from iaa.language import detect
from iaa.models import Conversation
from iaa.profile import cached_profile
from iaa.settings import ROOT
from safeguarding import load_detector
from tests import factories


@pytest.mark.parametrize("text, language", [
    ("Sut ydw i'n cael asesiad gofalwr?", "cy"),
    ("sut dwin cael help i mam", "cy"),
    ("oes na day centre yn Llanelli?", "cy"),  # English mixed in
    ("mae tad-cu yn 90 ac angen help gartre", "cy"),
    ("ga i siarad efo rhywun plis", "cy"),
    ("Cymraeg", "cy"), ("yn Gymraeg plis", "cy"), ("English please", "en"), ("Saesneg", "en"),
    ("how do I get a carer's assessment", "en"),
    ("is there a lunch club in Llandeilo", "en"),
    ("my mum needs help at home", "en"),
    # Too short or too mixed to tell: the conversation's language stands.
    ("hi", None), ("ok", None), ("diolch", None), ("more", None), ("na", None), ("yes please", None),
    ("Llanelli", None), ("", None), ("123", None),
])
def test_detect(text, language):
    assert detect(text) == language


class ScriptedBot(BotClient):
    """Rasa at the edge of the world: answers each message with the next scripted reply."""

    def __init__(self, *replies: str) -> None:
        self.replies = list(replies)
        self.sent: list = []

    def check_actions(self) -> None:
        return None

    def send(self, conversation_id, text, metadata, **_):
        self.sent.append(metadata["language"])
        return BotReply(messages=[{"sender": "bot", "text": self.replies.pop(0)}])


WELSH_ANSWER = "Mae asesiad gofalwr ar gael i unrhyw un sy'n gofalu am rywun. Gallwch ofyn amdano yma."
ENGLISH_ANSWER = "A carer's assessment is for anyone who looks after someone. You can ask for one here."


def service(bot: ScriptedBot) -> ConversationService:
    profile = cached_profile(str(ROOT / "data" / "council" / "example.yml"))
    return ConversationService(bot=bot, profile=lambda: profile, hub=Hub(), detector=load_detector())


def record(cid: str):
    with session_scope() as db:
        conv = db.get(Conversation, cid)
        return conv.language, conv.enquiry.language_requested, conv.enquiry.language_delivered


def test_writing_in_welsh_switches_the_conversation_and_a_short_reply_keeps_it():
    bot = ScriptedBot(WELSH_ANSWER, WELSH_ANSWER)
    conversations = service(bot)
    # The widget sends the language its buttons show (en); the words say Welsh, and the reply's
    # language (cy) makes the widget follow.
    turn = conversations.handle_citizen_message(None, "Sut ydw i'n cael asesiad gofalwr?", "en", "web")
    cid = turn.conversation_id
    assert turn.language == "cy" and bot.sent == ["cy"] and record(cid) == ("cy", "cy", "cy")
    turn = conversations.handle_citizen_message(cid, "ok", None, "sms")  # too short to tell
    assert turn.language == "cy" and bot.sent == ["cy", "cy"] and record(cid) == ("cy", "cy", "cy")


def test_a_welsh_question_answered_in_english_is_not_counted_as_delivered_in_welsh():
    conversations = service(ScriptedBot(ENGLISH_ANSWER))
    cid = conversations.handle_citizen_message(None, "Sut ydw i'n cael asesiad gofalwr?", None, "sms").conversation_id
    assert record(cid) == ("cy", "cy", "en")  # unmet need through the medium of Welsh, visible


def test_switching_back_to_english_updates_what_was_asked_for():
    bot = ScriptedBot(WELSH_ANSWER, ENGLISH_ANSWER)
    conversations = service(bot)
    cid = conversations.handle_citizen_message(None, "Cymraeg", None, "web").conversation_id
    conversations.handle_citizen_message(cid, "how do I get a carers assessment", "cy", "web")
    assert bot.sent == ["cy", "en"] and record(cid) == ("en", "en", "en")


def test_a_button_press_is_never_read_as_words():
    bot = ScriptedBot(WELSH_ANSWER)
    cid = factories.conversation("bot")
    service(bot).handle_citizen_message(cid, "/choose_language{\"language\": \"cy\"}", "cy", "web")
    assert bot.sent == ["cy"]


def test_once_a_welsh_conversation_was_answered_in_english_it_is_not_counted_as_welsh_again():
    bot = ScriptedBot(ENGLISH_ANSWER, WELSH_ANSWER)
    conversations = service(bot)
    cid = conversations.handle_citizen_message(None, "Sut ydw i'n cael asesiad gofalwr?", None, "web").conversation_id
    conversations.handle_citizen_message(cid, "ydw i'n gallu cael help gyda hyn?", "cy", "web")
    assert record(cid) == ("cy", "cy", "en")
