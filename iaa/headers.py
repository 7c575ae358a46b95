"""Security headers on every response, and the origin checks browsers' websockets need.

Policy: nothing may frame the front door except the widget page (/widget), which only the
council's own sites (IAA_WIDGET_ORIGINS) may frame. No cross-origin requests: council sites show
the chat in that frame, so their page scripts never see the conversation (no CORS headers)."""
from __future__ import annotations

import json
from typing import Iterable, List, Optional, Tuple
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

WIDGET_PATHS = ("/widget",)
# The demo page has an inline <style> (the widget loads its own widget.css).
WIDGET_PAGES = ("/",)
DOCS = ("/docs", "/redoc", "/docs/oauth2-redirect")


def _csp(frame_ancestors: str, page: bool, inline_styles: bool) -> str:
    if not page:  # JSON, files: nothing to run, nothing to frame
        return f"default-src 'none'; frame-ancestors {frame_ancestors}; base-uri 'none'; form-action 'none'"
    style = "'self' 'unsafe-inline'" if inline_styles else "'self'"
    return ("default-src 'self'; script-src 'self'; style-src " + style + "; img-src 'self' data:; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            f"frame-ancestors {frame_ancestors}")


class SecurityHeaders:
    """ASGI middleware adding CSP, nosniff, Referrer-Policy, HSTS (over https) and no-store on the
    API, and answering cross-origin preflights with a clear refusal."""

    def __init__(self, app: ASGIApp, widget_origins: Iterable[str]) -> None:
        self.app = app
        self.widget_ancestors = " ".join(["'self'", *widget_origins])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        headers = dict(scope.get("headers") or [])
        if scope["method"] == "OPTIONS" and b"access-control-request-method" in headers:
            await self._refuse_preflight(send)
            return
        https = scope.get("scheme") == "https"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = self._headers(path, https, _content_type(message))
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in extra if k not in present]
            await send(message)

        await self.app(scope, receive, with_headers)

    def _headers(self, path: str, https: bool, content_type: bytes) -> List[Tuple[bytes, bytes]]:
        page = content_type.startswith(b"text/html")
        framed = path in WIDGET_PATHS
        out = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"cross-origin-resource-policy", b"same-origin" if not path.startswith("/static/") else b"cross-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
        ]
        if path not in DOCS:  # Swagger UI's page runs inline script: it keeps the frame rule only
            out.append((b"content-security-policy",
                        _csp(self.widget_ancestors if framed else "'none'", page, path in WIDGET_PAGES).encode()))
        else:
            out.append((b"content-security-policy", b"frame-ancestors 'none'"))
        if not framed:
            out.append((b"x-frame-options", b"DENY"))
        if https:
            out.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
        if path.startswith(("/api/", "/console/api/", "/channels/")):
            out.append((b"cache-control", b"no-store"))  # conversations never sit in a cache
        return out

    async def _refuse_preflight(self, send: Send) -> None:
        body = json.dumps({"detail": "Cross-origin requests are not accepted. Council sites show the "
                                     "chat with embed.js, which runs it from this service's own pages."}).encode()
        await send({"type": "http.response.start", "status": 403,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"x-content-type-options", b"nosniff")]})
        await send({"type": "http.response.body", "body": body})


def _content_type(message: Message) -> bytes:
    for k, v in message.get("headers", []):
        if k.lower() == b"content-type":
            return v.lower()
    return b""


def own_origin(scope: Scope, public_base_url: str = "") -> Optional[str]:
    """The origin a browser shows for this service: the public address when set, else the Host."""
    if public_base_url:
        parts = urlsplit(public_base_url)
        return f"{parts.scheme}://{parts.netloc}".lower()
    host = dict(scope.get("headers") or []).get(b"host")
    if not host:
        return None
    scheme = {"ws": "http", "wss": "https"}.get(scope.get("scheme", "ws"), scope.get("scheme", "http"))
    return f"{scheme}://{host.decode('latin-1')}".lower()


def websocket_origin_allowed(scope: Scope, public_base_url: str = "", allow_missing: bool = False) -> bool:
    """A browser always sends Origin with a websocket; only our own pages may open ours (cookies
    travel with a cross-site websocket, and on *.gov.uk every council page is same-site)."""
    origin = dict(scope.get("headers") or []).get(b"origin")
    if origin is None:
        return allow_missing
    return origin.decode("latin-1").lower() == own_origin(scope, public_base_url)
