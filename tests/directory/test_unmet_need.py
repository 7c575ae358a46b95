"""An unmet need (the directory had nothing that fitted) stays on the enquiry record with its theme
and area, whatever the outcome becomes: accepting the bot's offer of a person outranks
no_service_found as the outcome, but not the unmet need."""
from __future__ import annotations


from alembic import command
from sqlalchemy import inspect, text

from channels.bot import BotReply
from channels.conversations import ConversationService
from channels.hub import Hub
from iaa.db import make_engine, session_scope
from tests import factories
from frontdoor.migrate import alembic_config, upgrade
from iaa.models import Conversation, Enquiry
from iaa.payloads import Enquiry as Codes, Handoff
from iaa.profile import cached_profile
from iaa.settings import ROOT

NOTHING_FOUND = {"topic": "find_service", "theme": "older_people", "area": "Llandeilo", "outcome": "no_service_found"}


def _conversation(channel: str = "sms") -> str:
    return factories.conversation("bot", channel=channel)


def _service() -> ConversationService:
    profile = cached_profile(str(ROOT / "data" / "council" / "example.yml"))
    return ConversationService(bot=None, profile=lambda: profile, hub=Hub(), detector=None)


def _enquiry(cid: str) -> Enquiry:
    with session_scope() as db:
        enquiry = db.get(Conversation, cid).enquiry
        db.expunge(enquiry)
        return enquiry


def test_accepting_a_person_after_nothing_was_found_keeps_the_unmet_need():
    service, cid = _service(), _conversation()
    service._apply_bot_reply(cid, BotReply(messages=[{"text": "Nothing fits"}], enquiry=Codes(**NOTHING_FOUND)))
    record = _enquiry(cid)
    assert (record.outcome, record.unmet_need, record.area) == ("no_service_found", True, "Llandeilo")
    service._apply_bot_reply(cid, BotReply(messages=[{"text": "Passing you on"}],
                                           handoff=Handoff(reason="requested", priority="normal")))
    record = _enquiry(cid)
    assert record.outcome == "handoff_requested"
    assert (record.unmet_need, record.theme, record.area) == (True, "older_people", "Llandeilo")


def test_a_later_search_that_finds_something_elsewhere_keeps_the_unmet_needs_area():
    service, cid = _service(), _conversation()
    service._apply_bot_reply(cid, BotReply(enquiry=Codes(**NOTHING_FOUND)))
    service._apply_bot_reply(cid, BotReply(enquiry=Codes(topic="find_service", area="Cardigan",
                                                         outcome="signposted")))
    record = _enquiry(cid)
    assert (record.unmet_need, record.area, record.outcome) == (True, "Llandeilo", "no_service_found")
    # Another unmet need is where the gap is now.
    service._apply_bot_reply(cid, BotReply(enquiry=Codes(**{**NOTHING_FOUND, "area": "Lampeter"})))
    assert _enquiry(cid).area == "Lampeter"


def test_an_enquiry_that_found_something_has_no_unmet_need():
    service, cid = _service(), _conversation()
    service._apply_bot_reply(cid, BotReply(enquiry=Codes(topic="find_service", area="Cardigan", outcome="signposted")))
    assert (_enquiry(cid).unmet_need, _enquiry(cid).area) == (False, "Cardigan")


def test_the_migration_adds_the_column_and_marks_earlier_unmet_needs(tmp_path):
    url = f"sqlite:///{tmp_path / 'unmet.db'}"
    upgrade(url, "0011")
    engine = make_engine(url)
    with engine.begin() as c:
        for outcome in ("no_service_found", "signposted"):
            c.execute(text("INSERT INTO enquiry (day, financial_year, channel, language_requested, language_delivered,"
                           " theme, topic, outcome, enquirer) VALUES ('2026-11-23', '2026-27', 'web', 'en', 'en',"
                           " 'older_people', 'find_service', :o, 'self')"), {"o": outcome})
    engine.dispose()
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as c:
        rows = c.execute(text("SELECT outcome, unmet_need FROM enquiry ORDER BY id")).all()
        assert [(o, bool(u)) for o, u in rows] == [("no_service_found", True), ("signposted", False)]
    with engine.begin() as c:  # new rows default to no unmet need
        c.execute(text("INSERT INTO enquiry (day, financial_year, channel, language_requested, language_delivered,"
                       " theme, topic, outcome, enquirer) VALUES ('2026-11-24', '2026-27', 'web', 'en', 'en',"
                       " 'carers', 'other', 'unresolved', 'self')"))
        assert c.execute(text("SELECT unmet_need FROM enquiry WHERE day = '2026-11-24'")).scalar() in (0, False)
    engine.dispose()
    engine = make_engine(url)
    with engine.begin() as conn:
        cfg = alembic_config(url)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0011")
    with engine.connect() as c:
        assert "unmet_need" not in {col["name"] for col in inspect(c).get_columns("enquiry")}
    engine.dispose()
