"""In-process publish/subscribe: pushes updates to whoever holds a conversation's websocket.

Publishers may run in worker threads (the conversation service is synchronous), so delivery
hops onto each subscriber's event loop."""
from __future__ import annotations

import asyncio
import threading
from collections import defaultdict
from typing import Any, DefaultDict, Dict, Set, Tuple

Subscriber = Tuple[asyncio.AbstractEventLoop, "asyncio.Queue[Dict[str, Any]]"]


class Hub:
    def __init__(self) -> None:
        self._subs: DefaultDict[str, Set[Subscriber]] = defaultdict(set)
        self._lock = threading.Lock()

    def subscribe(self, topic: str) -> Subscriber:
        sub: Subscriber = (asyncio.get_running_loop(), asyncio.Queue(maxsize=1000))
        with self._lock:
            self._subs[topic].add(sub)
        return sub

    def unsubscribe(self, topic: str, sub: Subscriber) -> None:
        with self._lock:
            self._subs[topic].discard(sub)
            if not self._subs[topic]:
                del self._subs[topic]

    def publish(self, topic: str, event: Dict[str, Any]) -> None:
        with self._lock:
            subs = list(self._subs.get(topic, ()))
        for loop, queue in subs:
            if not loop.is_closed():
                loop.call_soon_threadsafe(_put, queue, event)


def _put(queue: "asyncio.Queue[Dict[str, Any]]", event: Dict[str, Any]) -> None:
    if not queue.full():  # a stalled client must not grow memory without bound
        queue.put_nowait(event)
