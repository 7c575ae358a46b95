"""The retention purge deletes what the council's profile says must go, and nothing else."""
import datetime as dt

from sqlalchemy import create_engine, text

from frontdoor.cli import main
from iaa.db import session_scope
from iaa.models import Conversation, Enquiry, Message, utcnow
from iaa.profile import load_profile
from frontdoor.retention import purge
from iaa.settings import ROOT
from tests import factories

PROFILE = load_profile(ROOT / "data" / "council" / "example.yml")  # 30 / 400 days, numbers 7 days


def conversation(age_days: int, handed_off: bool = False, status: str = "bot", **extra) -> str:
    when = utcnow() - dt.timedelta(days=age_days)
    cid = factories.conversation(status, messages=["hello"], with_enquiry=False, created_at=when,
                                 handoff_reason="requested" if handed_off else None,
                                 waiting_since=when if handed_off else None, **extra)
    with session_scope() as db:  # set after insert: updated_at moves on every write
        db.execute(text("UPDATE conversation SET updated_at = :w WHERE id = :id"), {"w": when, "id": cid})
    return cid


def exists(cid: str) -> bool:
    with session_scope() as db:
        return db.get(Conversation, cid) is not None


def test_purge_follows_the_profile(tmp_path):
    old_bot = conversation(31)
    recent_bot = conversation(29)
    old_closed = conversation(401, handed_off=True, status="closed")
    month_old_closed = conversation(31, handed_off=True, status="closed")
    ancient_waiting = conversation(500, handed_off=True, status="waiting")  # never purged while open
    with session_scope() as db:
        sms = Conversation(channel="sms", language="en", status="bot", sms_number="+447700900123",
                           callback_phone=None)
        db.add(sms)
        db.flush()
        sms_id = sms.id
        old_day = dt.date.today() - dt.timedelta(days=365 * 8)
        db.add(Enquiry(day=old_day, financial_year="2018-19", channel="web", language_requested="en",
                       language_delivered="en"))
    with session_scope() as db:
        db.execute(text("UPDATE conversation SET updated_at = :w WHERE id = :id"),
                   {"w": utcnow() - dt.timedelta(days=8), "id": sms_id})
    tracker = tmp_path / "tracker.db"
    engine = create_engine(f"sqlite:///{tracker}", future=True)
    with engine.begin() as c:
        c.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)"))
        for sid in (old_bot, recent_bot):
            c.execute(text("INSERT INTO events (sender_id, data) VALUES (:s, 'x')"), {"s": sid})

    summary = purge(PROFILE, f"sqlite:///{tracker}")

    assert not exists(old_bot) and exists(recent_bot)
    assert not exists(old_closed) and exists(month_old_closed)
    assert exists(ancient_waiting)
    assert summary.bot_only >= 1 and summary.handed_off >= 1 and summary.enquiries >= 1
    assert summary.rasa_events == 1
    with engine.connect() as c:
        assert [r[0] for r in c.execute(text("SELECT sender_id FROM events"))] == [recent_bot]
    engine.dispose()
    with session_scope() as db:
        assert db.get(Conversation, sms_id).sms_number is None
        assert db.scalar(text("SELECT count(*) FROM message WHERE conversation_id = :i"), {"i": old_bot}) == 0


def test_purge_command(capsys):
    assert main(["purge"]) == 0
    assert capsys.readouterr().out.startswith("[purge] deleted")


def test_a_purged_conversation_leaves_its_safeguarding_flag_counts():
    from iaa.models import SafeguardingFlag

    old_bot = conversation(31)
    with session_scope() as db:
        message_id = db.query(Message.id).filter(Message.conversation_id == old_bot).scalar()
        flag = SafeguardingFlag(conversation_id=old_bot, message_id=message_id, channel="web", tier="check",
                                concern="domestic_abuse", theme="vawdasv", language="en",
                                cue="da.en.services-named", answer="no", review="false_alarm")
        ancient = SafeguardingFlag(channel="web", tier="urgent", concern="domestic_abuse", theme="vawdasv",
                                   language="en", cue="da.en.partner-hurts", review="real",
                                   created_at=utcnow() - dt.timedelta(days=365 * 8))
        db.add_all([flag, ancient])
        db.flush()
        flag_id, ancient_id = flag.id, ancient.id
    summary = purge(PROFILE)
    assert not exists(old_bot) and summary.flags == 1
    with session_scope() as db:
        kept = db.get(SafeguardingFlag, flag_id)
        # the counts stay for the safeguarding lead; the link to the words does not
        assert kept.conversation_id is None and kept.message_id is None
        assert (kept.tier, kept.cue, kept.review) == ("check", "da.en.services-named", "false_alarm")
        assert db.get(SafeguardingFlag, ancient_id) is None  # past the statistics period


def test_a_texters_sealed_number_stays_while_a_handoff_is_open_and_goes_after():
    """The number a staff reply needs is never purged while the conversation waits for staff or
    is with them, however old; once it is back with the bot or closed it goes after
    sms_number_days. The keyed hash stays (no number in it) until the conversation is purged."""
    from channels.sms import NumberKeys

    keys = NumberKeys("a retention test secret, long enough to use")
    sealed = {"sms_number_hash": keys.hash("+447700900123"), "sms_number_sealed": keys.seal("+447700900123")}
    waiting = conversation(20, handed_off=True, status="waiting", channel="sms", **sealed)
    with_staff = conversation(20, handed_off=True, status="with_staff", channel="sms", **sealed)
    closed = conversation(8, handed_off=True, status="closed", channel="sms", sms_more="the rest", **sealed)
    recent = conversation(6, status="bot", channel="sms", **sealed)
    purge(PROFILE, now=utcnow())
    with session_scope() as db:
        for cid in (waiting, with_staff, recent):
            assert keys.unseal(db.get(Conversation, cid).sms_number_sealed) == "+447700900123"
        gone = db.get(Conversation, closed)
        assert gone.sms_number_sealed is None and gone.sms_more is None
        assert gone.sms_number_hash == sealed["sms_number_hash"]


def test_remembered_sms_answers_go_after_the_window_and_their_sids_after_the_memory():
    from iaa.models import SmsInbound

    now = utcnow()
    with session_scope() as db:
        db.add(SmsInbound(message_sid="SM" + "1" * 32, state="answered", reply="<Response/>",
                          received_at=now - dt.timedelta(minutes=30)))
        db.add(SmsInbound(message_sid="SM" + "2" * 32, state="answered", reply="<Response/>",
                          received_at=now - dt.timedelta(hours=2)))
        db.add(SmsInbound(message_sid="SM" + "3" * 32, state="answered", reply=None,
                          received_at=now - dt.timedelta(days=31)))
    summary = purge(PROFILE, now=now, sms_replay=(3600, 30))
    assert summary.sms_answers == 1
    with session_scope() as db:
        assert db.get(SmsInbound, "SM" + "1" * 32).reply == "<Response/>"
        assert db.get(SmsInbound, "SM" + "2" * 32).reply is None  # sid kept: a replay is refused
        assert db.get(SmsInbound, "SM" + "3" * 32) is None
