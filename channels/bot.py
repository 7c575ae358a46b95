"""The front door's view of the dialogue engine: an HTTP client for the Rasa server."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import httpx


class BotUnavailable(Exception):
    """Rasa or its action server could not answer; the caller tells the citizen how else to get help."""


@dataclass
class BotReply:
    messages: List[Dict[str, Any]] = field(default_factory=list)  # text, buttons, services
    handoff: Optional[Dict[str, Any]] = None  # reason, priority, summary
    enquiry: Dict[str, Any] = field(default_factory=dict)  # topic, theme, outcome, enquirer
    language: Optional[str] = None


def parse_rasa_messages(raw: List[Dict[str, Any]]) -> BotReply:
    """Turn Rasa's channel-agnostic output into what the front door stores and renders."""
    reply = BotReply()
    for item in raw:
        custom = item.get("custom") if isinstance(item.get("custom"), dict) else {}
        if "handoff" in custom:
            reply.handoff = custom["handoff"]
        if "enquiry" in custom:
            reply.enquiry.update({k: v for k, v in custom["enquiry"].items() if v})
        if custom.get("language") in ("en", "cy"):
            reply.language = custom["language"]
        message: Dict[str, Any] = {"sender": "bot", "text": item.get("text") or custom.get("text") or ""}
        if item.get("buttons"):
            message["buttons"] = [
                {"title": b.get("title", ""), "payload": b.get("payload", "")} for b in item["buttons"]
            ]
        if custom.get("services"):
            message["services"] = custom["services"]
        if message["text"] or message.get("buttons") or message.get("services"):
            reply.messages.append(message)
    return reply


class BotClient:
    def __init__(self, base_url: str, token: str, timeout: float = 20.0,
                 action_url: Optional[str] = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.action_url = action_url.rstrip("/") if action_url else None
        self.token = token
        self.timeout = timeout
        self._http = httpx.Client(timeout=timeout)

    @property
    def _auth(self) -> Dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def send(self, conversation_id: str, text: str, metadata: Dict[str, Any],
             timeout: Optional[float] = None) -> BotReply:
        try:
            r = self._http.post(
                f"{self.base_url}/webhooks/frontdoor/webhook",
                json={"sender": conversation_id, "message": text, "metadata": metadata},
                headers=self._auth, timeout=timeout or self.timeout,
            )
        except httpx.HTTPError as e:
            raise BotUnavailable(f"Rasa unreachable: {type(e).__name__}") from e
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
        if not reply.messages and not reply.handoff:
            raise BotUnavailable("Rasa returned no messages")
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

    def ready(self) -> Dict[str, Any]:
        """Rasa's own status (needs the token): is a model loaded?"""
        r = self._http.get(f"{self.base_url}/status", params={"token": self.token}, timeout=3)
        r.raise_for_status()
        return r.json()

    def close(self) -> None:
        self._http.close()
