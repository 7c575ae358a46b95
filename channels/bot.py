"""The front door's view of the dialogue engine: an HTTP client for the Rasa server."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import httpx

from iaa.payloads import Enquiry, Handoff, read_custom, read_handoff
from iaa.states import HandoffReason, Priority


class BotUnavailable(Exception):
    """Rasa or its action server could not answer; the caller tells the citizen how else to get help."""


class BotSilent(BotUnavailable):
    """Rasa answered with nothing: an action failed, or Rasa had paused the conversation for a
    handoff the front door never recorded."""


@dataclass
class BotReply:
    messages: List[Dict[str, Any]] = field(default_factory=list)  # text, buttons, services
    # iaa.payloads' models, as the actions built them: one set of models from the action to the table.
    handoff: Optional[Handoff] = None  # reason, priority, summary
    # topic, theme, outcome, enquirer, area: the non-empty values of this turn's enquiry parts, merged
    # (the keys set are exactly those: .dict(exclude_unset=True))
    enquiry: Enquiry = field(default_factory=Enquiry)
    language: Optional[str] = None


def parse_rasa_messages(raw: List[Dict[str, Any]]) -> BotReply:
    """Turn Rasa's channel-agnostic output into what the front door stores and renders."""
    reply = BotReply()
    for item in raw:
        # iaa.payloads' models, part by part: a part that does not fit is logged and left out.
        custom = read_custom(item.get("custom"))
        if custom.handoff is not None:
            reply.handoff = custom.handoff
        if custom.enquiry is not None:
            # already validated: copy(update=...) keeps the values and marks their keys set
            reply.enquiry = reply.enquiry.copy(update={k: v for k, v in custom.enquiry.dict().items() if v})
        if custom.language is not None:
            reply.language = custom.language
        message: Dict[str, Any] = {"sender": "bot", "text": item.get("text") or custom.text or ""}
        if item.get("buttons"):
            message["buttons"] = [
                {"title": b.get("title", ""), "payload": b.get("payload", "")} for b in item["buttons"]
            ]
        if custom.services:
            message["services"] = [card.dict(exclude_unset=True) for card in custom.services]
        if message["text"] or message.get("buttons") or message.get("services"):
            reply.messages.append(message)
    return reply


class BotClient:
    def __init__(self, base_url: str, token: str, timeout: float = 20.0,
                 action_url: Optional[str] = None, concurrency: int = 8, queue_seconds: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        # Rasa answers a few messages at a time well and many badly: the rest wait their turn,
        # briefly, then the citizen is told how else to get help.
        self._slots = threading.BoundedSemaphore(concurrency)
        self.queue_seconds = queue_seconds
        self.action_url = action_url.rstrip("/") if action_url else None
        self.token = token
        self.timeout = timeout
        self._http = httpx.Client(timeout=timeout, limits=httpx.Limits(max_connections=concurrency + 4))

    @property
    def _auth(self) -> Dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def send(self, conversation_id: str, text: str, metadata: Dict[str, Any],
             timeout: Optional[float] = None) -> BotReply:
        if not self._slots.acquire(timeout=self.queue_seconds if timeout is None else min(timeout, self.queue_seconds)):
            raise BotUnavailable("Rasa is busy: no slot free in time")
        try:
            r = self._http.post(
                f"{self.base_url}/webhooks/frontdoor/webhook",
                json={"sender": conversation_id, "message": text, "metadata": metadata},
                headers=self._auth, timeout=timeout or self.timeout,
            )
        except httpx.HTTPError as e:
            raise BotUnavailable(f"Rasa unreachable: {type(e).__name__}") from e
        finally:
            self._slots.release()
        if r.status_code != 200:
            raise BotUnavailable(f"Rasa answered HTTP {r.status_code}")
        try:
            raw = r.json()
        except ValueError as e:
            raise BotUnavailable("Rasa answered with something that is not JSON") from e
        if not isinstance(raw, list):
            raise BotUnavailable("Rasa answered with JSON that is not a list of messages")
        reply = parse_rasa_messages([item for item in raw if isinstance(item, dict)])
        # Every turn of ours answers something; silence means an action failed (action server down).
        if not reply.messages and reply.handoff is None:
            raise BotSilent("Rasa returned no messages")
        return reply

    def check_actions(self) -> None:
        """A new conversation starts with Rasa calling action_session_start, which fills the
        council's values; if the action server is down Rasa answers anyway, with those values
        missing ("call None"), so a new conversation checks first."""
        if not self.action_url:
            return
        try:
            r = self._http.get(f"{self.action_url}/health", timeout=2)
        except httpx.HTTPError as e:
            raise BotUnavailable(f"action server unreachable: {type(e).__name__}") from e
        if r.status_code != 200:
            raise BotUnavailable(f"action server answered HTTP {r.status_code}")

    def resume(self, conversation_id: str) -> None:
        """Tell Rasa a person has handed the conversation back (ConversationResumed)."""
        try:
            r = self._http.post(
                f"{self.base_url}/conversations/{conversation_id}/tracker/events",
                params={"token": self.token},
                # action_listen after resuming, so the policies see a fresh user turn (not a
                # continuation of the handoff action that paused the conversation).
                json=[{"event": "resume"}, {"event": "action", "name": "action_listen"}],
            )
        except httpx.HTTPError as e:
            raise BotUnavailable(f"Rasa unreachable: {type(e).__name__}") from e
        if r.status_code != 200:
            raise BotUnavailable(f"Rasa answered HTTP {r.status_code}")

    def paused_handoff(self, conversation_id: str) -> Optional[Handoff]:
        """If Rasa has paused this conversation for a handoff, the handoff it asked for (the
        last one its bot sent, or a plain request when none is found); else None."""
        try:
            r = self._http.get(f"{self.base_url}/conversations/{conversation_id}/tracker",
                               params={"token": self.token, "include_events": "ALL"}, timeout=3)
            tracker = r.json() if r.status_code == 200 else {}
        except (httpx.HTTPError, ValueError):
            return None
        if not isinstance(tracker, dict) or not tracker.get("paused"):
            return None
        for event in reversed(tracker.get("events") or []):
            data = event.get("data") if isinstance(event, dict) and event.get("event") == "bot" else None
            custom = (data or {}).get("custom") if isinstance(data, dict) else None
            if isinstance(custom, dict) and isinstance(custom.get("handoff"), dict):
                return read_handoff(custom["handoff"])
        return Handoff(reason=HandoffReason.REQUESTED, priority=Priority.NORMAL, summary={})

    def ready(self) -> Dict[str, Any]:
        """Rasa's own status (needs the token): is a model loaded?"""
        r = self._http.get(f"{self.base_url}/status", params={"token": self.token}, timeout=3)
        r.raise_for_status()
        return r.json()

    def close(self) -> None:
        self._http.close()
