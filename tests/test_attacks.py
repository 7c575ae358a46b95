"""The front door attacked and unlucky, against the real servers with the rate limits on:
oversized bodies and frames, bursts, sign-in floods while a citizen chats, a foreign page's
websocket, headers on every page, a handoff Rasa made that never reached the queue, and Rasa
killed while a citizen needs a person. Traffic goes to loopback only, bounded in count and time."""
from __future__ import annotations

import asyncio
import concurrent.futures as cf
import os
import signal
import time
from contextlib import contextmanager

import httpx
import pytest
from sqlalchemy import create_engine, text
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatusCode

from iaa.profile import cached_profile
from iaa.settings import ROOT
from tests.conftest import add_staff_account, start_processes

pytestmark = [pytest.mark.model, pytest.mark.servers]

COUNCIL_SITE = "https://www.example.gov.uk"
LIMITS = {
    "IAA_RATE_CHAT_PER_ADDRESS": "40/60",
    "IAA_RATE_CHAT_PER_CONVERSATION": "8/60",
    "IAA_RATE_NEW_CONVERSATION_PER_ADDRESS": "5/600",
    "IAA_RATE_SIGN_IN_PER_ADDRESS": "10/300",
    "IAA_RATE_SIGN_IN_TOTAL": "30/10",
    "IAA_RATE_SMS_PER_NUMBER": "5/600",
    "IAA_WIDGET_ORIGINS": f'["{COUNCIL_SITE}"]',
    "IAA_CHAT_THREADS": "4",  # few, so a burst of chats really queues
}


@contextmanager
def environment(values):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(scope="module")
def guarded(trained_model):
    with environment(LIMITS):
        running = start_processes(trained_model, "attacks")
    yield running
    running.group.stop()


_addresses = iter(range(1, 250))


def address() -> str:
    """A fresh client address (uvicorn takes X-Forwarded-For from the loopback proxy)."""
    return f"198.51.100.{next(_addresses)}"


def chat(running, text_, cid=None, ip=None, timeout=60):
    body = {"text": text_, **({"conversation_id": cid} if cid else {})}
    return httpx.post(f"{running.url}/api/chat", json=body, timeout=timeout,
                      headers={"x-forwarded-for": ip or address()})


def rows(running, sql, **params):
    engine = create_engine(running.group.settings.database_url, future=True)
    with engine.connect() as c:
        found = c.execute(text(sql), params).all()
    engine.dispose()
    return found


def run_async(coroutine):
    """asyncio.run on a thread of its own: Playwright's sync API may hold this thread's loop."""
    with cf.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def ws_url(running, path):
    return running.url.replace("http://", "ws://") + path


async def refused(url, origin, headers=None) -> bool:
    """The server would not take the socket: 403 at the handshake, or closed with 1008."""
    try:
        async with websockets.connect(url, origin=origin, extra_headers=headers or {}) as ws:
            await asyncio.wait_for(ws.recv(), 5)
    except InvalidStatusCode as e:
        return e.status_code == 403
    except ConnectionClosed as e:
        return e.code == 1008
    return False


# -- limits -----------------------------------------------------------------------------------

def test_a_20_mb_body_is_refused_with_413_before_it_is_read(guarded):
    big = b'{"text": "' + b"a" * 20_000_000 + b'"}'
    r = httpx.post(f"{guarded.url}/api/chat", content=big, headers={"content-type": "application/json"},
                   timeout=60)
    assert r.status_code == 413
    assert "larger than this service accepts" in r.json()["detail"]

    def chunks():  # no Content-Length: counted as it streams in
        for _ in range(40):
            yield b"a" * 10_000

    r = httpx.post(f"{guarded.url}/api/chat", content=chunks(), headers={"content-type": "application/json"},
                   timeout=60)
    assert r.status_code == 413
    assert httpx.get(f"{guarded.url}/healthz", timeout=5).status_code == 200


def test_a_websocket_frame_over_the_limit_closes_the_socket_with_1009(guarded):
    async def run():
        async with websockets.connect(ws_url(guarded, "/api/chat/ws"), max_size=None) as ws:
            await ws.send('{"type":"hello"}')
            assert '"hello"' in await asyncio.wait_for(ws.recv(), 10)
            await ws.send('{"type":"message","text":"' + "a" * 1_000_000 + '"}')
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 10)
            return closed.value.code

    assert run_async(run()) == 1009


def test_a_burst_of_new_conversations_from_one_address_is_cut_off_and_not_counted(guarded):
    ip = address()
    before = rows(guarded, "SELECT count(*) FROM enquiry")[0][0]
    answers = [chat(guarded, "hello", ip=ip) for _ in range(12)]
    codes = [r.status_code for r in answers]
    assert codes[:5] == [200] * 5 and set(codes[5:]) == {429}, codes
    refused = answers[-1]
    assert int(refused.headers["retry-after"]) > 0
    assert "Too many requests" in refused.json()["detail"]
    # Refused attempts created nothing: five conversations, five enquiry records.
    assert rows(guarded, "SELECT count(*) FROM enquiry")[0][0] - before == 5
    # Someone else is not affected, and the first address can still carry on its conversations.
    assert chat(guarded, "hello").status_code == 200
    assert chat(guarded, "what is a carer's assessment", answers[0].json()["conversation_id"], ip=ip).status_code == 200


def test_one_conversation_cannot_be_flooded(guarded):
    cid = chat(guarded, "hello").json()["conversation_id"]
    codes = [chat(guarded, "more", cid).status_code for _ in range(10)]  # a new address each time
    assert codes[:8] == [200] * 8 and codes[8:] == [429, 429], codes
    stored = rows(guarded, "SELECT count(*) FROM message WHERE conversation_id = :c AND sender = 'citizen'", c=cid)
    assert stored[0][0] == 9  # every accepted message kept, no refused one


def test_the_websocket_is_rate_limited_too(guarded):
    async def run():
        async with websockets.connect(ws_url(guarded, "/api/chat/ws"),
                                      extra_headers={"x-forwarded-for": address()}) as ws:
            await ws.send('{"type":"hello"}')
            await asyncio.wait_for(ws.recv(), 10)
            await ws.send('{"type":"message","text":"hello"}')  # a new conversation
            seen = [await asyncio.wait_for(ws.recv(), 30)]
            for _ in range(9):
                await ws.send('{"type":"message","text":"more"}')
                seen.append(await asyncio.wait_for(ws.recv(), 30))
            return seen

    seen = run_async(run())
    assert all('"update"' in s for s in seen[:9])
    assert '"retry_after"' in seen[-1] and '"error"' in seen[-1]


def test_sign_in_floods_are_limited_per_address(guarded, staff_login_on):
    username, password, _ = staff_login_on(guarded)
    ip = address()
    codes = [httpx.post(f"{guarded.url}/console/api/login", json={"username": username, "password": "wrong"},
                        headers={"x-forwarded-for": ip}, timeout=30).status_code for _ in range(12)]
    assert set(codes[:10]) == {401} and codes[10:] == [429, 429], codes
    # the account itself is not locked: its owner signs in from their own address
    ok = httpx.post(f"{guarded.url}/console/api/login", json={"username": username, "password": password},
                    headers={"x-forwarded-for": address()}, timeout=30)
    assert ok.status_code == 200


def test_a_citizen_is_answered_during_a_sign_in_flood_from_many_addresses(guarded, staff_login_on):
    username, _, _ = staff_login_on(guarded)

    def attempt(i):
        return httpx.post(f"{guarded.url}/console/api/login", json={"username": username, "password": f"guess {i}"},
                          headers={"x-forwarded-for": f"203.0.113.{i % 200 + 1}"}, timeout=60).status_code

    with cf.ThreadPoolExecutor(16) as pool:
        flood = [pool.submit(attempt, i) for i in range(60)]
        time.sleep(0.3)
        replies = [chat(guarded, "what are direct payments") for _ in range(3)]
        health = [httpx.get(f"{guarded.url}/healthz", timeout=10).status_code for _ in range(10)]
        codes = [f.result() for f in flood]
    assert all(r.status_code == 200 and r.json()["messages"] for r in replies)
    assert [m["sender"] for m in replies[0].json()["messages"]][0] == "bot"
    assert set(health) == {200}
    # 60 attempts from 60 addresses: the limit for everyone together refuses what is over 30 in 10 s
    assert set(codes) == {401, 429} and codes.count(401) <= 30 + 10


def test_health_the_console_and_a_disclosure_never_queue_behind_chats(guarded):
    with cf.ThreadPoolExecutor(30) as pool:
        chats = [pool.submit(chat, guarded, "how do I get a care assessment for my dad") for _ in range(30)]
        time.sleep(0.5)
        disclosure = chat(guarded, "my dad's carer hits him").json()
        still_waiting = sum(not f.done() for f in chats)
        health = [httpx.get(f"{guarded.url}/healthz", timeout=10) for _ in range(20)]
        login_page = httpx.get(f"{guarded.url}/console/login", timeout=10)
        answers = [f.result() for f in chats]
    assert disclosure["handoff"] == {"reason": "safeguarding", "priority": "urgent"}
    assert still_waiting > 0  # handed off while ordinary chats were still queued for their 4 threads
    assert all(h.status_code == 200 for h in health)
    assert login_page.status_code == 200
    assert all(a.status_code == 200 and a.json()["messages"] for a in answers)  # each told something


# -- headers and origins ----------------------------------------------------------------------

PAGES = ["/", "/widget", "/console/login", "/console", "/static/widget.js", "/static/embed.js", "/static/widget.css",
         "/static/widget-strings.json", "/static/widget-assets.js", "/static/widget-render.js", "/static/widget-ui.js",
         "/static/widget-transport.js", "/static/widget-conversation.js", "/console/static/console.js",
         "/console/static/console-live.js", "/console/static/console-queue.js",
         "/console/static/console-conversation.js", "/console/static/console-actions.js",
         "/healthz", "/openapi.json", "/api/chat/" + "0" * 32 + "/messages"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_the_security_headers(guarded, path):
    r = httpx.get(f"{guarded.url}{path}", timeout=10)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    csp = r.headers["content-security-policy"]
    if path == "/widget":
        assert f"frame-ancestors 'self' {COUNCIL_SITE}" in csp and "x-frame-options" not in r.headers
    else:
        assert "frame-ancestors 'none'" in csp and r.headers["x-frame-options"] == "DENY"
    if r.headers.get("content-type", "").startswith("text/html"):
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "strict-transport-security" not in r.headers  # plain http here
    behind_tls = httpx.get(f"{guarded.url}{path}", headers={"x-forwarded-proto": "https"}, timeout=10)
    assert behind_tls.headers["strict-transport-security"].startswith("max-age=")


def test_a_cross_origin_preflight_is_refused_clearly(guarded):
    r = httpx.options(f"{guarded.url}/api/chat", timeout=10, headers={
        "origin": "https://evil.example", "access-control-request-method": "POST"})
    assert r.status_code == 403 and "embed.js" in r.json()["detail"]
    assert "access-control-allow-origin" not in r.headers


def test_the_console_websocket_refuses_a_foreign_origin(guarded, staff_login_on):
    username, password, _ = staff_login_on(guarded)
    signed = sign_in_waiting_out_floods(guarded, username, password)
    cookie = {"cookie": f"iaa_session={signed.cookies['iaa_session']}"}
    url = ws_url(guarded, "/console/ws")
    for origin in ("https://council-page.example.gov.uk", "null", None):
        assert run_async(refused(url, origin, cookie)), origin

    async def own_page():
        async with websockets.connect(url, origin=guarded.url, extra_headers=cookie) as ws:
            return await asyncio.wait_for(ws.recv(), 10)

    assert '"queue"' in run_async(own_page())


def test_a_foreign_page_cannot_open_the_chat_websocket(guarded):
    url = ws_url(guarded, "/api/chat/ws")
    assert run_async(refused(url, "https://evil.example"))

    async def own_page():  # the widget, on the front door's own pages
        async with websockets.connect(url, origin=guarded.url) as ws:
            await ws.send('{"type":"hello"}')
            return await asyncio.wait_for(ws.recv(), 10)

    assert '"hello"' in run_async(own_page())


def sign_in_waiting_out_floods(running, username, password):
    """A staff member signing in just after a flood test waits as Retry-After says (the limit for
    every address together is still full), then gets in."""
    for _ in range(3):
        r = httpx.post(f"{running.url}/console/api/login", json={"username": username, "password": password},
                       headers={"x-forwarded-for": address()}, timeout=30)
        if r.status_code != 429:
            break
        time.sleep(int(r.headers["retry-after"]))
    assert r.status_code == 200, r.text
    return r


# -- faults -----------------------------------------------------------------------------------

def test_a_handoff_rasa_made_that_never_reached_the_queue_is_queued_on_the_next_message(guarded):
    cid = chat(guarded, "hello").json()["conversation_id"]
    # Rasa pauses the conversation for a handoff, but its reply never reaches the front door.
    r = httpx.post(f"{guarded.rasa_url}/webhooks/frontdoor/webhook", timeout=60,
                   headers={"Authorization": f"Bearer {guarded.token}"},
                   json={"sender": cid, "message": "can you arrange for carers to come in and help my dad",
                         "metadata": {"language": "en", "channel": "web", "safeguarding": {"tier": "none"}}})
    assert r.status_code == 200 and any("handoff" in (m.get("custom") or {}) for m in r.json())
    body = chat(guarded, "hello? is anyone there", cid).json()
    assert body["status"] == "waiting"
    assert body["handoff"] == {"reason": "assistance", "priority": "normal"}
    # in hours the council's number; out of hours when it opens and the emergency duty team's
    number = "029 2018 0123" if cached_profile(str(ROOT / "data/council/example.yml")).is_open() else "029 2018 0999"
    assert "technical problem" in body["messages"][0]["text"] and number in body["messages"][0]["text"]
    queued = rows(guarded, "SELECT status, handoff_reason FROM conversation WHERE id = :c", c=cid)
    assert tuple(queued[0]) == ("waiting", "assistance")
    said = [t for (t,) in rows(guarded, "SELECT text FROM message WHERE conversation_id = :c AND sender = 'citizen'",
                               c=cid)]
    assert said == ["hello", "hello? is anyone there"]  # nothing lost


def test_rasa_killed_while_a_citizen_needs_a_person(trained_model):
    with environment(LIMITS):
        running = start_processes(trained_model, "attacks-kill")
    try:
        cid = chat(running, "hello").json()["conversation_id"]
        rasa = next(c for c in running.group.children if c.name == "rasa server")
        os.killpg(rasa.proc.pid, signal.SIGKILL)
        rasa.proc.wait(timeout=30)
        asked = chat(running, "can you arrange for carers to come in and help my dad", cid).json()
        # Honest: the bot cannot answer; the number to call, and the message is kept.
        assert asked["messages"][0]["sender"] == "system" and "029 2018 0123" in asked["messages"][0]["text"]
        urgent = chat(running, "my dad's carer hits him", cid).json()
        assert urgent["status"] == "waiting" and urgent["handoff"] == {"reason": "safeguarding", "priority": "urgent"}
        said = [t for (t,) in rows(running, "SELECT text FROM message WHERE conversation_id = :c AND sender = 'citizen'",
                                   c=cid)]
        assert said == ["hello", "can you arrange for carers to come in and help my dad", "my dad's carer hits him"]
        assert httpx.get(f"{running.url}/healthz", timeout=5).status_code == 200
    finally:
        running.group.stop()


@pytest.fixture(scope="module")
def staff_login_on():
    import itertools

    counter = itertools.count(1)

    def make(running, role="staff"):
        n = next(counter)
        username, first_name, password = f"attack{role}{n}", f"Att{n}", f"long enough password {n}"
        add_staff_account(running, username, first_name, password, role)
        return username, password, first_name

    return make
