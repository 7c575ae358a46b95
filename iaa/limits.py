"""Limits on what one client can ask of the front door: request sizes and request rates.

Rates are written "count/seconds" (several windows with commas, e.g. "10/600,30/86400"), set per
council in the IAA_RATE_* settings. Counts live in this process's memory: the front door is one
process, and a restart forgetting them errs towards letting citizens in."""
from __future__ import annotations

import math
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Callable, Deque, Dict, List, Optional, Tuple

from starlette.types import ASGIApp, Message, Receive, Scope, Send

RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Window:
    count: int
    seconds: int


def parse_rate(text: str) -> Tuple[Window, ...]:
    """ "10/600,30/86400" -> two windows; "" or "0" -> no limit."""
    text = (text or "").strip()
    if text in ("", "0", "off"):
        return ()
    windows = []
    for part in text.split(","):
        match = RATE.match(part)
        if not match or int(match.group(1)) < 1 or int(match.group(2)) < 1:
            raise ValueError(f"rate {part.strip()!r}: write it as count/seconds, e.g. 20/60")
        windows.append(Window(int(match.group(1)), int(match.group(2))))
    return tuple(windows)


class TooMany(Exception):
    """Refused: try again after `retry_after` seconds."""

    def __init__(self, what: str, retry_after: int) -> None:
        super().__init__(what)
        self.what, self.retry_after = what, max(1, retry_after)


class RateLimiter:
    """Sliding-window counts per key. `hit` counts an attempt and raises TooMany when any window
    is full; a refused attempt is not counted, so someone who waits gets in."""

    def __init__(self, name: str, windows: Tuple[Window, ...], clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 100_000) -> None:
        self.name, self.windows, self.clock, self.max_keys = name, windows, clock, max_keys
        self._seen: Dict[str, Deque[float]] = {}
        self._lock = threading.Lock()
        self._longest = max((w.seconds for w in windows), default=0)

    def check(self, key: str) -> None:
        """Raise TooMany if `hit` would; counts nothing."""
        self._admit(key, count=False)

    def hit(self, key: str) -> None:
        self._admit(key, count=True)

    def _admit(self, key: str, count: bool) -> None:
        if not self.windows:
            return
        now = self.clock()
        with self._lock:
            times = self._seen.get(key)
            if times is None:
                if len(self._seen) >= self.max_keys:
                    self._forget(now)
                times = self._seen[key] = deque()
            while times and times[0] <= now - self._longest:
                times.popleft()
            wait = 0.0
            for w in self.windows:
                recent = [t for t in times if t > now - w.seconds] if w.seconds != self._longest else times
                if len(recent) >= w.count:
                    # free again when the oldest attempt in this window leaves it
                    wait = max(wait, recent[len(recent) - w.count] + w.seconds - now)
            if wait > 0:
                raise TooMany(self.name, math.ceil(wait))
            if count:
                times.append(now)

    def _forget(self, now: float) -> None:
        for key in [k for k, t in self._seen.items() if not t or t[-1] <= now - self._longest]:
            del self._seen[key]
        if len(self._seen) >= self.max_keys:  # a flood of distinct keys: forget the oldest half
            for key in sorted(self._seen, key=lambda k: self._seen[k][-1])[: self.max_keys // 2]:
                del self._seen[key]


class Limits:
    """Every rate limit the front door applies, built from the settings."""

    def __init__(self, settings, clock: Callable[[], float] = time.monotonic) -> None:
        def limiter(name: str, rate: str) -> RateLimiter:
            return RateLimiter(name, parse_rate(rate), clock)

        self.chat_per_address = limiter("chat messages from one address", settings.rate_chat_per_address)
        self.chat_per_conversation = limiter("messages in one conversation", settings.rate_chat_per_conversation)
        self.new_conversation_per_address = limiter("new conversations from one address",
                                                    settings.rate_new_conversation_per_address)
        self.sign_in_per_address = limiter("sign-in attempts from one address", settings.rate_sign_in_per_address)
        self.sign_in_total = limiter("sign-in attempts", settings.rate_sign_in_total)
        self.sms_per_number = limiter("texts from one number", settings.rate_sms_per_number)

    def sign_in(self, address: str) -> None:
        """Before any password is checked: per address, then for everyone together."""
        self.sign_in_per_address.check(address)
        self.sign_in_total.check("all")
        self.sign_in_per_address.hit(address)
        self.sign_in_total.hit("all")

    def chat(self, address: str, conversation_id: Optional[str]) -> None:
        """One citizen message: counted per address, and per conversation or as a new one."""
        self.chat_per_address.check(address)
        if conversation_id:
            self.chat_per_conversation.check(conversation_id)
        else:
            self.new_conversation_per_address.check(address)
        # all checked first: a refusal by one window leaves the others uncounted
        self.chat_per_address.hit(address)
        if conversation_id:
            self.chat_per_conversation.hit(conversation_id)
        else:
            self.new_conversation_per_address.hit(address)


def client_address(scope_or_request) -> str:
    """The client's address (uvicorn has already applied X-Forwarded-For from trusted proxies)."""
    client = getattr(scope_or_request, "client", None)
    if client is None and isinstance(scope_or_request, dict):
        client = scope_or_request.get("client")
    return (client[0] if client else "") or "unknown"


class BodyLimit:
    """ASGI middleware: a request body over `max_bytes` gets 413 before it is read into memory
    or parsed (by its Content-Length when sent, else as it streams in)."""

    def __init__(self, app: ASGIApp, max_bytes: int, message: Callable[[int], bytes]) -> None:
        self.app, self.max_bytes, self.message = app, max_bytes, message

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_bytes
            except ValueError:
                too_big = False
            if too_big:
                await self._refuse(send)
                return
        seen = 0
        over = started = False

        async def counted() -> Message:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    over = True
                    raise _TooLarge()
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if over:  # whatever the app made of the cut-off body, the answer is 413
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await self._refuse(send)
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except _TooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = self.message(self.max_bytes)
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


def windows_text(windows: List[Window]) -> str:
    return ", ".join(f"{w.count} per {w.seconds} s" for w in windows) or "none"
