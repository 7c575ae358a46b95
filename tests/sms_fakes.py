"""Stand-ins at the edge, on loopback: Twilio's REST API (what api.twilio.com would be sent and
how it answers) and a Rasa server (with its action server's /health) that can be down, slow or
scripted. Real HTTP servers: the front door's own clients (twilio's, httpx) talk to them."""
from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List
from urllib.parse import parse_qsl


class _Server:
    def __init__(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                owner._answer(self, "GET", b"")

            def do_POST(self):
                length = int(self.headers.get("content-length") or 0)
                owner._answer(self, "POST", self.rfile.read(length))

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def _answer(self, handler, method: str, body: bytes) -> None:
        status, payload = self.handle(method, handler.path, body, handler.headers)
        data = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def handle(self, method, path, body, headers):  # pragma: no cover - overridden
        raise NotImplementedError

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class FakeTwilio(_Server):
    """POST /2010-04-01/Accounts/{sid}/Messages.json, as Twilio answers it. `plan`: statuses to
    answer the next requests with (503, 429, 400...) before answering 201 again."""

    def __init__(self, account_sid: str) -> None:
        self.account_sid = account_sid
        self.sent: List[Dict[str, str]] = []
        self.requests = 0
        self.plan: List[int] = []
        self.delay = 0.0  # seconds before answering (a Twilio slower than the client's timeout)
        self.lock = threading.Lock()
        super().__init__()

    def handle(self, method, path, body, headers):
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            self.requests += 1
            if path != f"/2010-04-01/Accounts/{self.account_sid}/Messages.json" or method != "POST":
                return 404, {"code": 20404, "message": "not found", "status": 404}
            if not (headers.get("Authorization") or "").startswith("Basic "):
                return 401, {"code": 20003, "message": "Authenticate", "status": 401}
            status = self.plan.pop(0) if self.plan else 201
            if status != 201:
                code = {400: 21211, 429: 20429, 503: 20503}.get(status, 20500)
                return status, {"code": code, "message": f"planned {status}", "status": status}
            form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
            sid = "SM" + uuid.uuid4().hex
            self.sent.append({**form, "sid": sid})
            return 201, {"sid": sid, "status": "queued", "to": form.get("To"), "from": form.get("From"),
                         "body": form.get("Body"), "account_sid": self.account_sid}

    def wait_for(self, count: int, seconds: float = 15.0) -> List[Dict[str, str]]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if len(self.sent) >= count:
                return self.sent
            time.sleep(0.05)
        raise AssertionError(f"Twilio was sent {len(self.sent)} texts, not {count}")


class FakeRasa(_Server):
    """Rasa's webhook and the action server's /health. `down`: 503 to both. `delay`: seconds
    before answering. `script(text) -> list of Rasa messages` answers each message."""

    def __init__(self) -> None:
        self.down = True
        self.delay = 0.0
        self.received: List[str] = []
        self.script: Callable[[str], List[Dict[str, Any]]] = lambda text: [{"text": f"You said: {text}"}]
        super().__init__()

    def handle(self, method, path, body, headers):
        if self.down:
            return 503, {"error": "down"}
        if method == "GET" and path.startswith("/health"):
            return 200, {"status": "ok"}
        if method == "POST" and path.startswith("/webhooks/frontdoor/webhook"):
            message = json.loads(body)["message"]
            self.received.append(message)
            if self.delay:
                time.sleep(self.delay)
            return 200, self.script(message)
        return 404, {}

    def reset(self, down: bool = True) -> None:
        self.down, self.delay, self.received = down, 0.0, []
        self.script = lambda text: [{"text": f"You said: {text}"}]

