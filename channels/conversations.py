"""Conversation routing: every citizen message, whatever the channel, goes through here.

The front door is the only writer of conversations, messages and enquiry records. While a
conversation waits for staff or is with staff, messages go to the staff queue, not to Rasa."""
from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Dict, List, Optional

from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.orm import Session

from iaa.db import read_scope, session_scope
from iaa.language import detect as detect_language
from iaa.models import Conversation, Enquiry, EnquiryService, Message, SafeguardingFlag, financial_year, utcnow
from iaa.payloads import Enquiry as EnquiryCodes, Handoff
from iaa.profile import CouncilProfile
from iaa.replies import safeguarding_reply, when_text
from iaa.states import HANDED_OFF, HandoffReason, Outcome, Priority, Status
from iaa.states import OUTCOME_WEIGHT  # noqa: F401  (re-exported: its old home)
from iaa.texts import say
from safeguarding import Flag, Tier
from safeguarding.everyday import CHECK_IN_PAYLOADS

from . import state
from .bot import BotClient, BotReply, BotSilent, BotUnavailable
from .hub import Hub
from .state import handoff_view as _handoff_view, store_message

log = logging.getLogger(__name__)

SAFEGUARDING_BOT_TIMEOUT = 3.0  # seconds the front door gives Rasa before handing off itself
# Statuses, priorities, handoff reasons and outcomes: iaa.states. Every change to a conversation's
# state, every message kept and every push: channels.state.


FEEDBACK = re.compile(r'^/feedback\{"answer": ?"(yes|no)"\}$')


UK_PHONE = re.compile(r"^(?:\+44|0044|0)(\d{9,10})$")


def uk_phone(text: str) -> Optional[str]:
    """A UK phone number in the form people write it, normalised to 0xxxx xxxxxx; else None."""
    digits = re.sub(r"[\s\-().]", "", text.strip())
    match = UK_PHONE.match(digits)
    if not match:
        return None
    national = "0" + match.group(1)
    return f"{national[:5]} {national[5:]}"


class UnknownConversation(LookupError):
    pass


async def run_citizen_turn(state, conversation_id: Optional[str], text: str, lang: Optional[str],
                           channel: str) -> "Turn":
    """A citizen's message on a worker thread. Turns wait on Rasa, so they share a pool of their
    own; one that raises a safeguarding concern (screened here first, in about a millisecond)
    goes to a separate pool, so a disclosure never queues behind ordinary chats."""
    from anyio import to_thread

    service: ConversationService = state.conversations
    concern = None if _is_payload(text) else await to_thread.run_sync(service.detector.screen, text,
                                                                       limiter=state.urgent_threads)
    limiter = state.urgent_threads if concern is not None else state.chat_threads
    return await to_thread.run_sync(service.handle_citizen_message, conversation_id, text, lang, channel,
                                    limiter=limiter)


@dataclass
class Turn:
    conversation_id: str
    status: str
    language: str
    messages: List[Dict[str, Any]] = field(default_factory=list)
    handoff: Optional[Dict[str, str]] = None

    def as_dict(self) -> Dict[str, Any]:
        return state.citizen_update(self.conversation_id, self.status, self.language, self.messages,
                                    self.handoff)


class ConversationService:
    def __init__(self, bot: BotClient, profile: Callable[[], CouncilProfile], hub: Hub,
                 detector: Any) -> None:  # safeguarding detector: .screen(text) -> Flag | None
        self.bot = bot
        self.profile = profile
        self.hub = hub
        self.push = state.Pushes(hub)
        self.detector = detector

    # -- entry point ------------------------------------------------------------------------

    def handle_citizen_message(
        self, conversation_id: Optional[str], text: str, lang: Optional[str], channel: str
    ) -> Turn:
        # Writing in the other language switches it, whatever the widget's buttons say; a short
        # reply says nothing, so the chosen (or the conversation's) language stands.
        written = None if text.startswith("/") else detect_language(text)
        lang = written or lang
        with session_scope() as db:
            conv = self._open(db, conversation_id, lang, channel)
            _follow_language(conv, lang)
            previous = db.scalars(select(Message.text).where(
                Message.conversation_id == conv.id, Message.sender == "citizen")
                .order_by(Message.id.desc()).limit(1)).first()
            message = state.store(db, conv.id, "citizen", text)
            status, language, cid, message_id = conv.status, conv.language, conv.id, message.id
            check_id = conv.safeguarding_check_id
            if check_id is None and text.strip() in CHECK_IN_PAYLOADS:
                # a check-in button pressed again later ("Talk to someone now" after "No") still
                # answers the conversation's latest flag: it is never passed to the bot as text
                check_id = db.scalars(select(SafeguardingFlag.id).where(SafeguardingFlag.conversation_id == conv.id)
                                      .order_by(SafeguardingFlag.id.desc()).limit(1)).first()
                if check_id is None and CHECK_IN_PAYLOADS[text.strip()] == "yes":
                    check_id = self._record_flag_in(db, conv.id, message.id, channel,
                                                    replace(_PRESSED, language=conv.language))
        # The citizen's words are committed before anything else can fail.

        # Every message on every channel is screened once, whatever the conversation's state, and
        # without depending on Rasa being up; a short reply is read with the message before it.
        if check_id is None and text.strip() in CHECK_IN_PAYLOADS:  # "No" with nothing asked
            return self._system_turn(cid, "safeguarding_check_thanks")
        flag = None if _is_payload(text) else self.detector.screen(text, previous=previous)
        if check_id is not None:
            answered = self._check_in_answer(cid, check_id, status, language, channel, text, message_id, flag)
            if answered is not None:
                return answered
        if flag is not None:
            flag_id = self._record_flag(cid, message_id, channel, flag)
            if status in HANDED_OFF:
                self._to_staff(cid, message_id)
            if flag.tier is Tier.CHECK:
                return self._check_in(cid, flag_id, status, flag)
            return self._safeguarding_turn(cid, status, language, channel, text, flag)

        if status == Status.CLOSED:
            answer = FEEDBACK.match(text)
            if answer:
                return self._feedback(cid, answer.group(1))
            return self._system_turn(cid, "conversation_closed")
        if status in HANDED_OFF:
            callback = self._callback_step(cid, text, message_id)
            self._to_staff(cid, message_id)  # after the call-back step, which may redact it
            if callback is not None:
                return callback
            if status == Status.WITH_STAFF:  # the member of staff answers; no automatic reply
                return Turn(cid, status, language, [], None)
            profile = self.profile()
            if profile.is_open():
                return self._system_turn(cid, "waiting_message_received")
            # Out of hours nobody will read it tonight: say when they will, and where help is now.
            return self._system_turn(cid, "waiting_message_received_closed",
                                     back_at=when_text(profile.next_opening(), language))

        try:
            if conversation_id is None:
                self.bot.check_actions()
            reply = self.bot.send(cid, text, _metadata(language, channel, None))
        except BotSilent as e:
            handoff = self.bot.paused_handoff(cid)
            if handoff is not None:
                return self._recover_handoff(cid, handoff)
            log.warning("bot unavailable for a conversation: %s", e)
            return self._system_turn(cid, "bot_unavailable")
        except BotUnavailable as e:
            log.warning("bot unavailable for a conversation: %s", e)
            return self._system_turn(cid, "bot_unavailable")
        return self._apply_bot_reply(cid, reply)

    def _recover_handoff(self, cid: str, handoff: Handoff) -> Turn:
        """Rasa paused the conversation for a handoff whose reply never reached us (the front
        door failed in between): queue it now, and tell the citizen what happens next."""
        log.error("conversation paused by Rasa but not queued; queueing it now")
        with session_scope() as db:
            conv = db.get(Conversation, cid)
            if conv.status == Status.BOT:
                state.start_handoff(conv, handoff, state.Actor.FRONT_DOOR)
            profile = self.profile()
            if profile.is_open():
                text = say("handoff_recovered", conv.language, profile)
            else:
                text = say("handoff_recovered_closed", conv.language, profile,
                           back_at=when_text(profile.next_opening(), conv.language))
            turn = Turn(cid, conv.status, conv.language, [store_message(db, cid, "system", text)],
                        _handoff_view(conv))
        self.push.queue_changed(cid)
        return turn

    def messages_since(self, conversation_id: str, after: int) -> Turn:
        """What the citizen's side was sent after message `after`: for a widget that reconnects,
        reloads, or cannot hold a websocket and polls."""
        with read_scope() as db:
            conv = db.get(Conversation, conversation_id)
            if conv is None:
                raise UnknownConversation(conversation_id)
            rows = db.scalars(select(Message).where(
                Message.conversation_id == conversation_id, Message.id > after,
                Message.sender.in_(("bot", "staff", "system"))).order_by(Message.id).limit(200))
            messages = [state.citizen_message_view(m) for m in rows]
            return Turn(conv.id, conv.status, conv.language, messages, _handoff_view(conv))

    # -- safeguarding ----------------------------------------------------------------------

    def _safeguarding_turn(self, cid: str, status: str, language: str, channel: str, text: str,
                           flag: Flag) -> Turn:
        if status == Status.BOT:
            # The dialogue model flags the same message with the same detector; use its reply
            # when it gives one, and do it ourselves when it cannot or did not.
            try:
                # Briefly: a slow or hung Rasa must not hold up an urgent handoff.
                reply = self.bot.send(cid, text, _metadata(language, channel, flag),
                                      timeout=SAFEGUARDING_BOT_TIMEOUT)
                if reply.handoff is not None and reply.handoff.reason == HandoffReason.SAFEGUARDING:
                    return self._apply_bot_reply(cid, reply)
                log.error("safeguarding flag not handed off by the bot; the front door hands off")
            except BotUnavailable as e:
                log.warning("bot unavailable during a safeguarding flag (%s); front door hands off", e)
        return self._escalate(cid, flag, tell_citizen=status != Status.WITH_STAFF)

    def _record_flag(self, cid: str, message_id: int, channel: str, flag: Flag) -> int:
        """Why the message was flagged, for staff to see and review: never its words."""
        with session_scope() as db:
            flag_id = self._record_flag_in(db, cid, message_id, channel, flag)
        return flag_id

    def _record_flag_in(self, db: Session, cid: str, message_id: int, channel: str, flag: Flag) -> int:
        row = SafeguardingFlag(conversation_id=cid, message_id=message_id, channel=channel,
                               tier=flag.tier.value, concern=flag.concern, theme=flag.theme,
                               language=flag.language, cue=flag.cue, score=flag.score,
                               in_context=flag.in_context)
        db.add(row)
        db.flush()
        view = flag_view(row)
        # after the commit: a console that re-reads the conversation on this push must find it
        sa_event.listen(db, "after_commit", lambda _s: self.push.staff_flag(cid, view), once=True)
        return row.id

    def _check_in(self, cid: str, flag_id: int, status: str, flag: Flag) -> Turn:
        """A possible concern: one calm question, with a way to talk to someone now, before
        anything else. While a member of staff is in the conversation, they are the check."""
        with session_scope() as db:
            conv = db.get(Conversation, cid)
            if status == Status.WITH_STAFF:
                return Turn(cid, conv.status, conv.language, [], _handoff_view(conv))
            conv.safeguarding_check_id = flag_id
            language = flag.language or conv.language
            profile = self.profile()
            key = "safeguarding_check_in_hours" if profile.is_open() else "safeguarding_check_out_of_hours"
            text = say(key, language, profile)
            if conv.channel == "sms":  # no buttons by text: say what to reply
                message = store_message(db, cid, "system", f"{text} {say('safeguarding_check_sms_reply', language, profile)}")
            else:
                message = store_message(db, cid, "system", text, buttons=[
                    {"title": say(title, language, profile), "payload": payload} for title, payload in (
                        ("safeguarding_check_talk", "/safeguarding_talk"), ("safeguarding_check_yes", "/safeguarding_yes"),
                        ("safeguarding_check_no", "/safeguarding_no"))])
            return Turn(cid, conv.status, conv.language, [message], _handoff_view(conv))

    def _check_in_answer(self, cid: str, check_id: int, status: str, language: str, channel: str,
                         text: str, message_id: int, flag: Optional[Flag]) -> Optional[Turn]:
        """The reply to a check-in. Yes (or a clear disclosure, or a second possible one) hands off
        at once as urgent; no thanks the person and answers what they first asked. Anything else
        is an ordinary message (None): the check-in's flag stays for staff either way."""
        answer = self.detector.check_in_answer(text)
        with session_scope() as db:
            conv = db.get(Conversation, cid)
            conv.safeguarding_check_id = None
            check = db.get(SafeguardingFlag, check_id)
            if check is None:
                return None
            check.answer = answer or "other"
            asked = Flag(concern=check.concern, theme=check.theme, language=check.language, cue=check.cue,
                         concerns=(check.concern,), tier=Tier.CHECK, score=check.score)
            first = db.get(Message, check.message_id).text if check.message_id else None
            view = flag_view(check)
        self.push.staff_flag(cid, view)
        if answer is None and flag is None:
            return None
        if status in HANDED_OFF:
            self._to_staff(cid, message_id)
        if flag is not None and answer is None:
            # a second flag, with no "no" between: treat it as confirmed
            self._record_flag(cid, message_id, channel, flag)
            return self._escalate(cid, replace(flag, tier=Tier.URGENT), tell_citizen=True)
        if answer == "yes":
            return self._escalate(cid, asked, tell_citizen=True)
        if answer != "no":
            return None
        thanks = self._system_turn(cid, "safeguarding_check_thanks")
        if status != Status.BOT or not first:
            return thanks
        try:  # now answer what they asked, without screening it again
            reply = self.bot.send(cid, first, _metadata(language, channel, None, cleared=True))
        except BotUnavailable as e:
            log.warning("bot unavailable after a check-in: %s", e)
            return thanks
        answered = self._apply_bot_reply(cid, reply)
        answered.messages = thanks.messages + answered.messages
        return answered

    def _escalate(self, cid: str, flag: Flag, tell_citizen: bool) -> Turn:
        with session_scope() as db:
            conv = db.get(Conversation, cid)
            summary = dict(conv.handoff_summary or {})
            summary.setdefault("language", conv.language)  # when the bot could not summarise
            # Staff see every concern raised; the first stays the headline.
            concerns = list(summary.get("concerns") or ([summary["concern"]] if summary.get("concern") else []))
            if flag.concern not in concerns:
                concerns.append(flag.concern)
            summary.update(concern=concerns[0], concerns=concerns,
                           theme=flag.theme if len(concerns) == 1 else summary.get("theme") or flag.theme)
            if conv.status in (Status.BOT, Status.CLOSED):  # reopened, if closed
                state.start_handoff(conv, Handoff(reason=HandoffReason.SAFEGUARDING, priority=Priority.URGENT,
                                                  summary=summary), state.Actor.FRONT_DOOR)
            else:  # already waiting or with staff: raise it to the top of the queue
                state.raise_to_urgent(conv, summary)
            if conv.enquiry is not None:
                # the detector's theme, as it always was (construct: not re-checked on this urgent path)
                _update_enquiry(conv.enquiry, EnquiryCodes.construct(theme=flag.theme), conv.language)
            messages: List[Dict[str, Any]] = []
            if tell_citizen:
                # In the language the person wrote it in (an SMS has no language chosen).
                for text in safeguarding_reply(self.profile(), flag.concern, flag.language or conv.language):
                    messages.append(store_message(db, cid, "system", text))
            turn = Turn(cid, conv.status, conv.language, messages, _handoff_view(conv))
        self.push.queue_changed(cid, priority=Priority.URGENT)
        return turn

    # -- helpers ----------------------------------------------------------------------------

    def _to_staff(self, cid: str, message_id: int) -> None:
        """A citizen's message reaches the console live."""
        with session_scope() as db:
            view = state.staff_message_view(db.get(Message, message_id))
        self.push.staff_message(cid, view)

    def _say_with_buttons(self, db: Session, conv: Conversation, key: str, buttons) -> Dict[str, Any]:
        profile = self.profile()
        text = say(key, conv.language, profile, days=str(profile.retention.sms_number_days))
        shown = [{"title": say(title, conv.language, profile), "payload": payload} for title, payload in buttons]
        return store_message(db, conv.id, "system", text, buttons=shown)

    def _callback_step(self, cid: str, text: str, message_id: int) -> Optional[Turn]:
        """Consent first, then the number: nothing is kept unless the citizen agrees (para 300(m))."""
        with session_scope() as db:
            conv = db.get(Conversation, cid)
            state, command = conv.callback_state, text.strip().lower()
            profile = self.profile()
            if state in ("consent", "number") and uk_phone(text):
                # The number lives only in callback_phone, which the purge clears after the
                # days the consent question promised; never in the transcript, kept far longer.
                db.get(Message, message_id).text = say("callback_number_redacted", conv.language, profile,
                                                       days=str(profile.retention.sms_number_days))
            if command in ("/callback_no", "no", "no thanks", "na", "dim diolch") and state in ("offered", "consent", "number"):
                conv.callback_state, conv.callback_phone, conv.callback_consented_at = "declined", None, None
                key, message = "callback_declined", None
            elif command == "/callback" and state in ("offered", "declined"):
                conv.callback_state = "consent"
                message = self._say_with_buttons(db, conv, "callback_consent", [
                    ("callback_agree", "/callback_agree"), ("callback_no", "/callback_no")])
                key = None
            elif command == "/callback_agree" and state == "consent":
                conv.callback_state, conv.callback_consented_at = "number", utcnow()
                key, message = "callback_ask_number", None
            elif state == "number":
                phone = uk_phone(text)
                if phone is None:
                    key, message = "callback_bad_number", None
                else:
                    conv.callback_state, conv.callback_phone = "done", phone
                    back_at = when_text(profile.next_opening(), conv.language)
                    text_ = say("callback_done", conv.language, profile, phone=phone, back_at=back_at)
                    kept = say("callback_done", conv.language, profile, back_at=back_at,
                               phone=say("callback_number_kept", conv.language, profile))
                    shown = store_message(db, cid, "system", kept, shown=text_)
                    self.push.queue_changed_after_commit(db, cid)
                    return Turn(cid, conv.status, conv.language, [shown], _handoff_view(conv))
            else:
                return None
            if message is None:
                assert key is not None  # each branch above sets a message or the key of one
                text_ = say(key, conv.language, profile)
                message = store_message(db, cid, "system", text_)
            return Turn(cid, conv.status, conv.language, [message], _handoff_view(conv))

    def _feedback(self, cid: str, answer: str) -> Turn:
        """The closing question's answer, kept only as an anonymous count on the enquiry record."""
        with session_scope() as db:
            conv = db.get(Conversation, cid)
            if conv.enquiry is not None and conv.enquiry.feedback is None:
                conv.enquiry.feedback = answer
        return self._system_turn(cid, "feedback_thanks")

    def _open(self, db: Session, conversation_id: Optional[str], lang: Optional[str],
              channel: str) -> Conversation:
        if conversation_id:
            conv = db.get(Conversation, conversation_id)
            if conv is None:
                raise UnknownConversation(conversation_id)
            return conv
        language = lang or "en"
        today = dt.date.today()
        enquiry = Enquiry(day=today, financial_year=financial_year(today), channel=channel,
                          language_requested=language, language_delivered=language)
        return state.open_conversation(db, channel, language, enquiry)

    def _system_turn(self, cid: str, key: str, **extra: str) -> Turn:
        with session_scope() as db:
            conv = db.get(Conversation, cid)
            text = say(key, conv.language, self.profile(), **extra)
            return Turn(cid, conv.status, conv.language, [store_message(db, cid, "system", text)],
                        _handoff_view(conv))

    def _apply_bot_reply(self, cid: str, reply: BotReply) -> Turn:
        with session_scope() as db:
            conv = db.get(Conversation, cid)
            if reply.language:
                conv.language = reply.language
            reply.messages = [store_message(db, cid, "bot", m["text"], buttons=m.get("buttons"),
                                            services=m.get("services")) for m in reply.messages]
            enquiry = conv.enquiry
            if enquiry is not None and conv.status == Status.BOT and _another_enquiry(enquiry, reply.enquiry):
                enquiry = conv.enquiry = _next_enquiry(enquiry, conv.language)
            if enquiry is not None:
                enquiry.language_requested = conv.language
                _update_enquiry(enquiry, reply.enquiry, delivered_language(
                    reply.messages, conv.language, enquiry.language_delivered))
                _count_services(enquiry, reply.messages)
            if reply.handoff is not None and conv.status == Status.BOT:
                reason = state.start_handoff(conv, reply.handoff, state.Actor.BOT)
                if (conv.channel == "web" and reason is not HandoffReason.SAFEGUARDING
                        and not self.profile().is_open()):
                    reply.messages.append(self._say_with_buttons(db, conv, "callback_offer", [
                        ("callback_yes", "/callback"), ("callback_no", "/callback_no")]))
                    conv.callback_state = "offered"
                self.push.queue_changed_after_commit(db, cid)
            return Turn(cid, conv.status, conv.language, reply.messages, _handoff_view(conv))


def flag_view(flag: SafeguardingFlag) -> Dict[str, Any]:
    """A flag as staff see it: why, at what tier, the citizen's answer, and any review."""
    return {"id": flag.id, "message_id": flag.message_id, "tier": flag.tier, "concern": flag.concern,
            "theme": flag.theme, "language": flag.language, "cue": flag.cue, "score": flag.score,
            "in_context": flag.in_context, "answer": flag.answer, "review": flag.review,
            "at": flag.created_at.replace(tzinfo=dt.timezone.utc).isoformat() if flag.created_at else None}


# A check-in button pressed with no flag in the conversation (a page kept open, a crafted request):
# taken at its word, as a possible concern, so "Talk to someone now" always reaches a person.
_PRESSED = Flag(concern="immediate_danger", theme="not_stated", language="en", cue="check-in button",
                concerns=("immediate_danger",), tier=Tier.CHECK)

# Button payloads the front door itself sends: not the citizen's words, never screened.
PAYLOADS = re.compile(r'^/(?:safeguarding_(?:yes|no|talk)|callback(?:_agree|_no)?|feedback\{"answer": ?"(?:yes|no)"\})$')


def _is_payload(text: str) -> bool:
    return bool(PAYLOADS.match(text.strip()))


def _metadata(language: str, channel: str, flag: Optional[Flag], cleared: bool = False) -> Dict[str, Any]:
    """What Rasa gets with a message: the front door's screening travels with it, so the
    message is screened once (Rasa's component screens only messages that arrive another way)."""
    verdict: Dict[str, Any] = flag.verdict() if flag is not None else {"tier": "cleared" if cleared else "none"}
    return {"language": language, "channel": channel, "safeguarding": verdict}


def _follow_language(conv: Conversation, lang: Optional[str]) -> None:
    """The conversation, and its enquiry record, in the language the person chose or wrote in."""
    if lang and lang != conv.language:
        conv.language = lang
        if conv.enquiry is not None:  # served in it until an answer is not
            conv.enquiry.language_delivered = lang
    if conv.enquiry is not None:
        conv.enquiry.language_requested = conv.language


def delivered_language(messages: List[Dict[str, Any]], asked: str, so_far: str) -> str:
    """The language the enquiry was served in: Welsh only while every answer since the person
    asked for Welsh was in Welsh (read from the answer's words; one too short to tell counts as
    asked). A staff reply from someone without Welsh counts the same way (console/desk.py)."""
    said = detect_language(" ".join(m.get("text") or "" for m in messages)) or asked
    if asked == "cy":
        return "cy" if said == "cy" and so_far == "cy" else "en"
    return "en"


def _another_enquiry(enquiry: Enquiry, found: EnquiryCodes) -> bool:
    """A new enquiry begins in the same conversation when the person, having had an answer,
    asks about another topic ("charges" answered, then "and direct payments?")."""
    concrete = ("other", None, "")
    return (found.topic not in concrete and enquiry.topic not in concrete and found.topic != enquiry.topic
            and enquiry.outcome != Outcome.UNRESOLVED)


def _next_enquiry(before: Enquiry, language: str) -> Enquiry:
    """The next record of the conversation: the same person (theme, enquirer), a new question."""
    today = dt.date.today()
    return Enquiry(day=today, financial_year=financial_year(today), channel=before.channel,
                   language_requested=language, language_delivered=before.language_delivered,
                   theme=before.theme, enquirer=before.enquirer)


def _count_services(enquiry: Enquiry, messages: List[Dict[str, Any]]) -> None:
    """The taxonomy term of every service offered, once per term."""
    have = {s.term for s in enquiry.services}
    for m in messages:
        for card in m.get("services") or []:
            for term in card.get("terms") or []:
                if term not in have and isinstance(term, str) and len(term) <= 60:
                    enquiry.services.append(EnquiryService(term=term))
                    have.add(term)


def _update_enquiry(enquiry: Enquiry, found: EnquiryCodes, language: str) -> None:
    enquiry.language_delivered = language
    unmet = found.outcome == Outcome.NO_SERVICE_FOUND
    for dim in ("theme", "topic", "enquirer", "area"):
        value = getattr(found, dim)
        # Once an unmet need is recorded, its area stays (a later search elsewhere that found
        # something is not where the gap is), unless another unmet need is reported.
        if dim == "area" and enquiry.unmet_need and not unmet:
            continue
        if value and value not in ("not_stated", "other"):
            setattr(enquiry, dim, value)
    if unmet:  # kept apart from the outcome, which a handoff later outranks
        enquiry.unmet_need = True
    if found.outcome:
        state.raise_outcome(enquiry, found.outcome)
