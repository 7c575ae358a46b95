"""Rasa input channel for the front door: like Rasa's REST channel, but token-protected and
carrying the front door's metadata (language, channel) into the tracker."""
from __future__ import annotations

import hmac
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse


class FrontDoorInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "frontdoor"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "FrontDoorInput":
        token = (credentials or {}).get("token") or ""
        if not token:
            raise ValueError("the frontdoor channel needs a token (IAA_RASA_TOKEN)")
        return cls(token)

    def __init__(self, token: Text) -> None:
        self.token = token

    def _authorised(self, request: Request) -> bool:
        given = request.headers.get("authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {self.token}".encode())

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        bp = Blueprint("frontdoor_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self._authorised(request):
                return response.json({"error": "unauthorised"}, status=401)
            body = request.json if isinstance(request.json, dict) else {}
            sender, text = body.get("sender"), body.get("message")
            if not isinstance(sender, str) or not isinstance(text, str):
                return response.json({"error": "sender and message must be strings"}, status=400)
            metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata)
                )
            except CancelledError:
                return response.json({"error": "cancelled"}, status=503)
            return response.json(collector.messages)

        return bp
