"""Console API: sign-in, roles on every route, CSRF, the claim race, audit, statistics.
Rasa is really unreachable here (nothing listens on its port): the console does not need it."""
import datetime as dt
import threading
import uuid

import pytest
import yaml
from fastapi.routing import APIRoute, APIWebSocketRoute
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from sqlalchemy import select

from console.auth import create_user
from iaa.models import AuditEntry, StaffUser
from frontdoor.app import create_app
from iaa.db import session_scope
from iaa.models import Conversation, Enquiry, Message, SafeguardingFlag, utcnow
from tests.conftest import rasa_down_settings
from tests.factories import STAFF_PASSWORD as PASSWORD
from tests.factories import conversation, staff_account, waiting_conversation



@pytest.fixture(scope="module")
def app(module_database):
    application = create_app(rasa_down_settings(database_url=module_database))
    for name, role in (("sam", "staff"), ("alex", "staff"), ("pat", "planner"), ("ada", "admin")):
        staff_account(f"t-{name}", role, name.title())
    return application


def signed_in(app, who: str) -> TestClient:
    client = TestClient(app)
    client.__enter__()
    r = client.post("/console/api/login", json={"username": f"t-{who}", "password": PASSWORD})
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return client


def console_routes(app):
    for route in app.routes:
        path = getattr(route, "path", "")
        if path.startswith(("/console", "/insights")) and not path.startswith("/console/static") \
                and path not in ("/console/login", "/console/api/login"):
            yield route


def test_every_console_route_refuses_strangers_and_wrong_roles(app):
    stranger = TestClient(app)
    planner, staff = signed_in(app, "pat"), signed_in(app, "sam")
    cid = waiting_conversation()
    checked = 0
    for route in console_routes(app):
        path = route.path.replace("{cid}", cid)
        if isinstance(route, APIWebSocketRoute):
            for client in (stranger, planner):
                with pytest.raises(WebSocketDisconnect) as closed:
                    with client.websocket_connect(path, headers={"origin": "http://testserver"}) as ws:
                        ws.receive_json()
                assert closed.value.code == 4401
            checked += 1
            continue
        assert isinstance(route, APIRoute)
        for method in route.methods - {"HEAD"}:
            r = stranger.request(method, path, json={}, follow_redirects=False)
            if route.include_in_schema:
                assert r.status_code == 401, (method, path, r.status_code)
            else:  # pages send strangers to the sign-in page
                assert r.status_code == 303 and r.headers["location"] == "/console/login", (method, path)
            roles = getattr(getattr(route, "dependant", None), "dependencies", [])
            allowed = {role for d in roles for role in getattr(d.call, "roles", ())}
            for client, role in ((planner, "planner"), (staff, "staff")):
                if allowed and role not in allowed:
                    r = client.request(method, path, json={}, follow_redirects=False)
                    assert r.status_code == 403, (role, method, path, r.status_code)
            checked += 1
    assert checked >= 18


def test_pages_follow_roles(app):
    planner, staff, admin = signed_in(app, "pat"), signed_in(app, "sam"), signed_in(app, "ada")
    assert planner.get("/console", follow_redirects=False).status_code == 303
    assert planner.get("/insights").status_code == 200
    assert staff.get("/console").status_code == 200
    assert staff.get("/insights", follow_redirects=False).status_code == 303
    assert staff.get("/console/audit", follow_redirects=False).status_code == 303
    assert admin.get("/console/audit").status_code == 200


def test_writes_need_the_csrf_token(app):
    staff = signed_in(app, "sam")
    cid = waiting_conversation()
    del staff.headers["X-CSRF-Token"]
    r = staff.post(f"/console/api/conversations/{cid}/claim")
    assert r.status_code == 403 and r.json()["detail"] == "CSRF token missing or wrong"
    staff.headers["X-CSRF-Token"] = "forged"
    assert staff.post(f"/console/api/conversations/{cid}/claim").status_code == 403


def test_session_cookie_is_httponly_and_samesite(app):
    client = TestClient(app)
    r = client.post("/console/api/login", json={"username": "t-sam", "password": PASSWORD})
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_failures_never_lock_the_account_and_sign_out(app):
    create_user("t-lock", "Lee", "staff", PASSWORD)
    # Its own address: the back-off after failures is per address (tests/console/test_sign_in.py).
    client = TestClient(app, client=("198.51.100.25", 50000))
    for _ in range(5):
        r = client.post("/console/api/login", json={"username": "t-lock", "password": "wrong password!"})
        assert r.status_code == 401 and r.json()["detail"] == "Wrong username or password"
    r = TestClient(app, client=("198.51.100.26", 50000)).post(
        "/console/api/login", json={"username": "t-lock", "password": PASSWORD})
    assert r.status_code == 200, r.text
    # Unknown users get the same answer as wrong passwords, and what they typed is not kept.
    assert client.post("/console/api/login", json={"username": "hunter2-typed-here", "password": "x"}).status_code == 401
    with session_scope() as db:
        assert not db.scalars(select(AuditEntry).where(AuditEntry.username == "hunter2-typed-here")).all()
    staff = signed_in(app, "sam")
    assert staff.get("/console/api/me").status_code == 200
    assert staff.post("/console/api/logout").status_code == 204
    assert staff.get("/console/api/me").status_code == 401


def test_claim_race_has_exactly_one_winner(app):
    cid = waiting_conversation()
    sam, alex = signed_in(app, "sam"), signed_in(app, "alex")
    barrier = threading.Barrier(2)
    results = {}

    def claim(name, client):
        barrier.wait()
        results[name] = client.post(f"/console/api/conversations/{cid}/claim")

    threads = [threading.Thread(target=claim, args=a) for a in (("sam", sam), ("alex", alex))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in results.values())
    assert codes == [200, 409]
    loser = next(r for r in results.values() if r.status_code == 409)
    assert loser.json()["detail"] in ("Already taken by Sam", "Already taken by Alex")


def test_staff_work_a_conversation_and_everything_is_audited(app):
    cid = waiting_conversation(text="<script>alert(1)</script>")
    sam, alex, admin = signed_in(app, "sam"), signed_in(app, "alex"), signed_in(app, "ada")
    queue = sam.get("/console/api/queue").json()["conversations"]
    assert cid in [c["id"] for c in queue]
    view = sam.get(f"/console/api/conversations/{cid}").json()
    assert view["messages"][0]["text"] == "<script>alert(1)</script>"  # plain text; the page renders it inert
    assert sam.post(f"/console/api/conversations/{cid}/reply", json={"text": "hi"}).status_code == 409
    assert sam.post(f"/console/api/conversations/{cid}/claim").status_code == 200
    assert sam.post(f"/console/api/conversations/{cid}/reply", json={"text": "  "}).status_code == 422
    assert sam.post(f"/console/api/conversations/{cid}/reply", json={"text": "Hello, I'm Sam"}).status_code == 200
    assert alex.post(f"/console/api/conversations/{cid}/reply", json={"text": "me too"}).status_code == 409
    assert sam.post(f"/console/api/conversations/{cid}/notes", json={"text": "carer, wants call"}).status_code == 200
    assert sam.post(f"/console/api/conversations/{cid}/transfer", json={"username": "t-alex"}).status_code == 200
    assert alex.post(f"/console/api/conversations/{cid}/close", json={"outcome": "maybe"}).status_code == 422
    assert alex.post(f"/console/api/conversations/{cid}/close", json={"outcome": "advice"}).status_code == 200
    view = alex.get(f"/console/api/conversations/{cid}").json()
    senders = [(m["sender"], (m["author"] or {}).get("name")) for m in view["messages"]]
    assert ("staff", "Sam") in senders
    assert view["notes"][0]["text"] == "carer, wants call" and view["notes"][0]["author"] == {"name": "Sam"}
    assert "did you get the right information or advice" in view["messages"][-1]["text"]
    entries = admin.get("/console/api/audit", params={"limit": 500}).json()["entries"]
    mine = [(e["user"], e["action"]) for e in entries if e["conversation_id"] == cid]
    for expected in (("t-sam", "view"), ("t-sam", "claim"), ("t-sam", "reply"), ("t-sam", "note"),
                     ("t-sam", "transfer"), ("t-alex", "close")):
        assert expected in mine
    with session_scope() as db:
        conv = db.get(Conversation, cid)
        assert conv.status == "closed" and conv.enquiry.staff_outcome == "advice"


def test_feedback_is_recorded_anonymously(app):
    cid = waiting_conversation()
    sam = signed_in(app, "sam")
    sam.post(f"/console/api/conversations/{cid}/claim")
    sam.post(f"/console/api/conversations/{cid}/close", json={"outcome": "information"})
    citizen = TestClient(app)
    r = citizen.post("/api/chat", json={"conversation_id": cid, "text": '/feedback{"answer": "yes"}'})
    assert r.status_code == 200 and "Thank you" in r.json()["messages"][0]["text"]
    planner = signed_in(app, "pat")
    stats = planner.get("/console/api/stats").json()
    assert stats["feedback"].get("yes", 0) >= 1 and stats["by_staff_outcome"].get("information", 0) >= 1
    assert "messages" not in str(stats)
    assert planner.get(f"/console/api/conversations/{cid}").status_code == 403


def test_urgent_jumps_the_queue(app):
    normal = waiting_conversation()
    urgent = waiting_conversation(priority="urgent", reason="safeguarding")
    queue = signed_in(app, "sam").get("/console/api/queue").json()["conversations"]
    ids = [c["id"] for c in queue]
    assert ids == [urgent, normal] and [c["priority"] for c in queue] == ["urgent", "normal"]


def test_overdue_after_three_working_days(app):
    cid = waiting_conversation()
    with session_scope() as db:
        db.get(Conversation, cid).waiting_since = utcnow() - dt.timedelta(days=10)
    item = next(c for c in signed_in(app, "sam").get("/console/api/queue").json()["conversations"] if c["id"] == cid)
    assert item["overdue"] is True


def test_stats_refuse_backwards_ranges(app):
    planner = signed_in(app, "pat")
    assert planner.get("/console/api/stats", params={"from": "2026-05-01", "to": "2026-04-01"}).status_code == 422
    assert planner.get("/console/api/stats", params={"from": "yesterday"}).status_code == 422


# Routes anyone may reach, each on purpose. Anything else must be a guarded console route.
PUBLIC_ROUTES = {
    "/", "/healthz", "/readyz", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc",
    "/console/login", "/console/api/login", "/static", "/console/static",
    "/widget",  # the chat, framed on council sites
}
PUBLIC_PREFIXES = ("/api/chat", "/api/directory", "/oruk", "/channels/sms")


def test_every_route_is_public_on_purpose_or_a_guarded_console_route(app):
    guarded = {route.path for route in console_routes(app)}
    for route in app.routes:
        path = getattr(route, "path", "")
        if path in PUBLIC_ROUTES or path.startswith(PUBLIC_PREFIXES):
            continue
        assert path in guarded, f"{path} is neither public on purpose nor covered by the role checks"
        if isinstance(route, APIRoute) and route.include_in_schema:
            roles = {role for d in route.dependant.dependencies for role in getattr(d.call, "roles", ())}
            assert roles, f"{path} checks sign-in by hand; use console.auth.require(...)"


def test_release_puts_it_back_in_the_queue_and_tells_the_citizen(app):
    cid = waiting_conversation()
    sam, alex = signed_in(app, "sam"), signed_in(app, "alex")
    assert sam.post(f"/console/api/conversations/{cid}/claim").status_code == 200
    assert alex.post(f"/console/api/conversations/{cid}/release").status_code == 409  # not alex's
    assert sam.post(f"/console/api/conversations/{cid}/release").status_code == 200
    with session_scope() as db:
        conv = db.get(Conversation, cid)
        assert conv.status == "waiting" and conv.assigned_to is None
        said = [m.text for m in conv.messages if m.sender == "system"]
    assert any("back in the queue" in s for s in said)
    assert cid in [c["id"] for c in alex.get("/console/api/queue").json()["conversations"]]
    assert alex.post(f"/console/api/conversations/{cid}/claim").status_code == 200


def test_a_conversation_still_with_the_bot_cannot_be_closed(app):
    cid = conversation("bot")
    r = signed_in(app, "sam").post(f"/console/api/conversations/{cid}/close", json={"outcome": "information"})
    assert r.status_code == 409 and "assistant" in r.json()["detail"]
    with session_scope() as db:
        assert db.get(Conversation, cid).status == "bot"


def test_replies_that_cannot_be_stored_get_a_clear_422(app):
    cid = waiting_conversation()
    sam = signed_in(app, "sam")
    sam.post(f"/console/api/conversations/{cid}/claim")
    r = sam.post(f"/console/api/conversations/{cid}/reply", content=b'{"text": "hi \\ud800"}',
                 headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and "surrogate" in str(r.json()["detail"])
    bad_login = TestClient(app).post("/console/api/login", content=b'{"username": "\\udfff", "password": "x"}',
                                     headers={"Content-Type": "application/json"})
    assert bad_login.status_code == 422


def test_signing_out_ends_the_live_queue_feed(app, monkeypatch):
    import console.api

    monkeypatch.setattr(console.api, "SESSION_RECHECK_SECONDS", 0.2)
    sam = signed_in(app, "sam")
    with sam.websocket_connect("/console/ws", headers={"origin": "http://testserver"}) as ws:
        assert ws.receive_json()["type"] == "queue"
        other = TestClient(app)
        other.cookies.update(sam.cookies)
        other.headers["X-CSRF-Token"] = sam.headers["X-CSRF-Token"]
        assert other.post("/console/api/logout").status_code == 204
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                ws.receive_json()
        assert closed.value.code == 4401


def test_a_citizen_who_was_away_catches_up_on_what_staff_sent(app):
    cid = waiting_conversation()
    sam, citizen = signed_in(app, "sam"), TestClient(app)
    sam.post(f"/console/api/conversations/{cid}/claim")
    sam.post(f"/console/api/conversations/{cid}/reply", json={"text": "Hello, it's Sam here"})
    missed = citizen.get(f"/api/chat/{cid}/messages", params={"after": 0}).json()
    assert missed["status"] == "with_staff"
    assert [m["sender"] for m in missed["messages"]] == ["system", "staff"]
    assert "Sam from our team has joined" in missed["messages"][0]["text"]
    assert missed["messages"][1]["text"] == "Hello, it's Sam here"
    assert missed["last_message_id"] == missed["messages"][1]["id"] > missed["messages"][0]["id"]
    # Only what came after: nothing new yet, then the close and its feedback question.
    assert citizen.get(f"/api/chat/{cid}/messages", params={"after": missed["last_message_id"]}).json()["messages"] == []
    sam.post(f"/console/api/conversations/{cid}/close", json={"outcome": "information"})
    ended = citizen.get(f"/api/chat/{cid}/messages", params={"after": missed["last_message_id"]}).json()
    assert ended["status"] == "closed" and ended["messages"][0]["buttons"][0]["payload"].startswith("/feedback")
    # The citizen's own words are not sent back, and bad requests get clear answers.
    assert all(m["sender"] != "citizen" for m in missed["messages"])
    assert citizen.get(f"/api/chat/{'0' * 32}/messages").status_code == 404
    assert citizen.get(f"/api/chat/{cid}/messages", params={"after": -1}).status_code == 422
    assert citizen.get("/api/chat/not-an-id/messages").status_code == 422


def test_unmet_need_is_counted_by_theme_and_area_even_after_a_handoff(app):
    with session_scope() as db:
        today = dt.date.today()
        db.add(Enquiry(day=today, financial_year="2026-27", channel="web", language_requested="en",
                       language_delivered="en", theme="older_people", area="Cydweli",
                       outcome="handoff_requested", unmet_need=True))
    stats = signed_in(app, "pat").get("/console/api/stats").json()
    assert stats["unmet_need_by_theme"].get("older_people", 0) >= 1
    assert stats["unmet_need_by_area"].get("Cydweli", 0) >= 1


# -- safeguarding flags -----------------------------------------------------------------------

def flagged_conversation(text="my husband is cruel to me", lang="en", **flag) -> tuple:
    """A waiting conversation with one flagged citizen message: (conversation id, message id, flag id)."""
    cid = waiting_conversation(priority="urgent", reason="safeguarding", text=text)
    with session_scope() as db:
        message_id = db.scalar(select(Message.id).where(Message.conversation_id == cid))
        row = SafeguardingFlag(**{"conversation_id": cid, "message_id": message_id, "channel": "web",
                                  "tier": "urgent", "concern": "domestic_abuse", "theme": "vawdasv",
                                  "language": lang, "cue": "da.en.partner-hits", **flag})
        db.add(row)
        db.flush()
        return cid, message_id, row.id


def test_the_conversation_shows_why_each_message_was_flagged(app):
    cid, message_id, urgent_id = flagged_conversation()
    with session_scope() as db:
        second = Message(conversation_id=cid, sender="citizen", text="yes he does")
        db.add(second)
        db.flush()
        check = SafeguardingFlag(conversation_id=cid, message_id=second.id, channel="web", tier="check",
                                 concern="adult_abuse_neglect", theme="older_people", language="en",
                                 cue="learned", score=0.87, in_context=True, answer="yes")
        db.add(check)
        db.flush()
        check_id, second_id = check.id, second.id
    view = signed_in(app, "sam").get(f"/console/api/conversations/{cid}").json()
    assert [f["id"] for f in view["flags"]] == [urgent_id, check_id]
    by_id = {m["id"]: m for m in view["messages"]}
    assert by_id[message_id]["flag"]["cue"] == "da.en.partner-hits" and by_id[message_id]["flag"]["tier"] == "urgent"
    flag = by_id[second_id]["flag"]
    assert (flag["tier"], flag["cue"], flag["score"], flag["in_context"], flag["answer"]) == \
        ("check", "learned", 0.87, True, "yes")
    assert flag["review"] is None and flag["conversation_id"] == cid
    # Why, never the words: the flag carries no text of the citizen's.
    assert "cruel" not in str(view["flags"]) and "yes he does" not in str(view["flags"])


def test_staff_mark_a_flag_and_it_is_audited(app):
    cid, _, flag_id = flagged_conversation()
    sam, admin = signed_in(app, "sam"), signed_in(app, "ada")
    r = sam.post(f"/console/api/flags/{flag_id}/review", json={"review": "false_alarm"})
    assert r.status_code == 200, r.text
    assert r.json()["flag"]["review"] == "false_alarm" and r.json()["flag"]["reviewed_by"] == {"name": "Sam"}
    # It can be changed.
    assert sam.post(f"/console/api/flags/{flag_id}/review", json={"review": "real"}).json()["flag"]["review"] == "real"
    with session_scope() as db:
        row = db.get(SafeguardingFlag, flag_id)
        sam_id = db.scalar(select(StaffUser.id).where(StaffUser.username == "t-sam"))
        assert row.review == "real" and row.reviewed_by == sam_id and row.reviewed_at is not None
    entries = admin.get("/console/api/audit", params={"limit": 500}).json()["entries"]
    mine = [(e["user"], e["action"], e["conversation_id"], e["detail"]) for e in entries if e["action"] == "flag_review"]
    assert ("t-sam", "flag_review", cid, f"flag {flag_id}: false_alarm") in mine
    assert ("t-sam", "flag_review", cid, f"flag {flag_id}: real (was false_alarm)") in mine
    assert "cruel" not in str(mine)
    view = sam.get(f"/console/api/conversations/{cid}").json()
    assert view["flags"][0]["review"] == "real"


def test_flag_reviews_refuse_bad_values_unknown_flags_planners_and_forgeries(app):
    _, _, flag_id = flagged_conversation()
    sam, planner = signed_in(app, "sam"), signed_in(app, "pat")
    r = sam.post(f"/console/api/flags/{flag_id}/review", json={"review": "maybe"})
    assert r.status_code == 422 and r.json()["problems"][0]["field"] == "review"
    assert sam.post(f"/console/api/flags/{flag_id}/review", json={}).status_code == 422
    r = sam.post("/console/api/flags/999999/review", json={"review": "real"})
    assert r.status_code == 404 and r.json()["detail"] == "No such flag"
    assert planner.post(f"/console/api/flags/{flag_id}/review", json={"review": "real"}).status_code == 403
    del sam.headers["X-CSRF-Token"]
    r = sam.post(f"/console/api/flags/{flag_id}/review", json={"review": "real"})
    assert r.status_code == 403 and r.json()["detail"] == "CSRF token missing or wrong"
    with session_scope() as db:
        assert db.get(SafeguardingFlag, flag_id).review is None


def _week_ago(weeks: int) -> dt.datetime:
    """Wednesday noon (UTC, so the same day in Wales) of the week `weeks` back."""
    today = dt.date.today()
    wednesday = today - dt.timedelta(days=today.weekday() + 7 * weeks - 2)
    return dt.datetime.combine(wednesday, dt.time(12))


def test_precision_by_week_and_by_cue_counts_purged_conversations_too(app):
    cue = f"test.en.cue-{uuid.uuid4().hex[:8]}"
    when = _week_ago(5)
    rows = [("urgent", None, "real"), ("urgent", None, "real"), ("check", "yes", "real"),
            ("check", "no", "false_alarm"), ("check", "other", None), ("urgent", None, None)]
    ids = []
    for i, (tier, answer, review) in enumerate(rows):
        _, _, flag_id = flagged_conversation(tier=tier, answer=answer, review=review, cue=cue, created_at=when)
        ids.append(flag_id)
    # One whose conversation was purged: the flag keeps only its counts.
    with session_scope() as db:
        db.add(SafeguardingFlag(conversation_id=None, message_id=None, channel="sms", tier="urgent",
                                concern="domestic_abuse", theme="vawdasv", language="cy", cue=cue,
                                review="real", created_at=when))
    staff = signed_in(app, "sam")
    body = staff.get("/console/api/safeguarding/weeks", params={"weeks": 12}).json()
    assert len(body["weeks"]) == 12
    year, number, _ = when.date().isocalendar()
    week = next(w for w in body["weeks"] if w["week"] == f"{year}-W{number:02d}")
    assert dt.date.fromisoformat(week["starts"]) == when.date() - dt.timedelta(days=2)
    assert (week["flags"], week["urgent"], week["check"]) == (7, 4, 3)
    assert (week["real"], week["false_alarm"], week["not_reviewed"]) == (4, 1, 2)
    assert week["answers"] == {"yes": 1, "no": 1, "other": 1}
    assert week["precision"] == pytest.approx(0.8)
    # Per cue and tier: which cues give the false alarms.
    mine = {c["tier"]: c for c in body["cues"] if c["cue"] == cue}
    assert (mine["urgent"]["flags"], mine["urgent"]["real"], mine["urgent"]["false_alarm"]) == (4, 3, 0)
    assert (mine["check"]["flags"], mine["check"]["real"], mine["check"]["false_alarm"]) == (3, 1, 1)
    assert mine["check"]["precision"] == pytest.approx(0.5) and mine["urgent"]["precision"] == 1.0
    # 3 real and 1 false alarm: precision 0.75. A week with nothing reviewed has none.
    other = f"test.en.cue-{uuid.uuid4().hex[:8]}"
    when = _week_ago(8)
    for review in ("real", "real", "real", "false_alarm"):
        flagged_conversation(cue=other, review=review, created_at=when)
    flagged_conversation(cue=f"test.en.cue-{uuid.uuid4().hex[:8]}", created_at=_week_ago(10))
    body = staff.get("/console/api/safeguarding/weeks").json()
    year, number, _ = when.date().isocalendar()
    assert next(w for w in body["weeks"] if w["week"] == f"{year}-W{number:02d}")["precision"] == pytest.approx(0.75)
    year, number, _ = _week_ago(10).date().isocalendar()
    assert next(w for w in body["weeks"] if w["week"] == f"{year}-W{number:02d}")["precision"] is None
    assert staff.get("/console/api/safeguarding/weeks", params={"weeks": 0}).status_code == 422
    assert signed_in(app, "pat").get("/console/api/safeguarding/weeks").status_code == 403


def test_flags_not_yet_reviewed_are_listed_with_their_conversation(app):
    cid, _, waiting = flagged_conversation(cue="test.en.listed")
    _, _, done = flagged_conversation(cue="test.en.listed", review="real")
    with session_scope() as db:
        purged = SafeguardingFlag(conversation_id=None, message_id=None, channel="web", tier="check",
                                  concern="suicide_self_harm", theme="mental_health", language="en", cue="learned",
                                  score=0.91)
        db.add(purged)
        db.flush()
        purged_id = purged.id
    body = signed_in(app, "sam").get("/console/api/safeguarding/flags", params={"reviewed": "false", "limit": 500}).json()
    listed = {f["id"]: f for f in body["flags"]}
    assert waiting in listed and purged_id in listed and done not in listed
    assert listed[waiting]["conversation_id"] == cid and listed[purged_id]["conversation_id"] is None
    assert all(f["review"] is None for f in body["flags"]) and body["total"] >= len(body["flags"])
    newest_first = [f["at"] for f in body["flags"]]
    assert newest_first == sorted(newest_first, reverse=True)
    sam = signed_in(app, "sam")
    for params in ({"limit": 0}, {"limit": 501}, {"limit": "many"}, {"reviewed": "perhaps"}):
        r = sam.get("/console/api/safeguarding/flags", params=params)
        assert r.status_code == 422 and r.json()["detail"], params


def test_admins_export_reviewed_flags_as_candidate_examples(app):
    since = dt.date.today()
    _, _, risky = flagged_conversation(text="Mae fy ngŵr yn fy nharo i", lang="cy", concern="domestic_abuse")
    _, _, benign = flagged_conversation(text="I'm dying to know when the day centre opens", cue="learned",
                                        tier="check", concern="suicide_self_harm", score=0.82)
    _, _, unreviewed = flagged_conversation(text="not reviewed, not exported")
    sam, admin = signed_in(app, "sam"), signed_in(app, "ada")
    sam.post(f"/console/api/flags/{risky}/review", json={"review": "real"})
    sam.post(f"/console/api/flags/{benign}/review", json={"review": "false_alarm"})
    with session_scope() as db:  # reviewed, but its message has gone with the conversation
        db.add(SafeguardingFlag(conversation_id=None, message_id=None, channel="web", tier="urgent",
                                concern="domestic_abuse", theme="vawdasv", language="en", cue="da.en.x",
                                review="real", reviewed_at=utcnow()))
    assert sam.get("/console/api/safeguarding/export").status_code == 403
    assert admin.get("/console/api/safeguarding/export", params={"since": "last tuesday"}).status_code == 422
    r = admin.get("/console/api/safeguarding/export", params={"since": since.isoformat()})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/yaml")
    assert r.headers["content-disposition"].startswith("attachment; filename=")
    text = r.content.decode("utf-8")
    assert text.startswith("#") and "candidate" in text.lower() and "data/safeguarding/examples.yml" in text
    assert "de-identified" in text and "Nothing retrains by itself" in text
    assert "ngŵr" in text  # Welsh as Welsh, not escaped
    data = yaml.safe_load(text)
    assert {"concern": "domestic_abuse", "lang": "cy", "kind": "from_review",
            "text": "Mae fy ngŵr yn fy nharo i"} in data["risky"]
    assert {"lang": "en", "kind": "from_review", "text": "I'm dying to know when the day centre opens"} in data["benign"]
    assert "not reviewed, not exported" not in text
    # The same shape as the examples file's entries, so a person can move them across.
    assert '  - {concern: domestic_abuse, lang: cy, kind: from_review, text: "Mae fy ngŵr yn fy nharo i"}' in text
    entries = admin.get("/console/api/audit", params={"limit": 500}).json()["entries"]
    export = next(e for e in entries if e["action"] == "flag_export")
    assert export["user"] == "t-ada" and export["detail"].endswith(f"since {since.isoformat()}")
    assert "ngŵr" not in str(entries)
    assert admin.get("/console/api/safeguarding/export", params={"since": "last week"}).status_code == 422


def test_the_safeguarding_page_is_for_staff_and_admins(app):
    assert signed_in(app, "sam").get("/console/safeguarding").status_code == 200
    assert signed_in(app, "ada").get("/console/safeguarding").status_code == 200
    assert signed_in(app, "pat").get("/console/safeguarding", follow_redirects=False).status_code == 303
    assert TestClient(app).get("/console/safeguarding", follow_redirects=False).status_code == 303


def test_canned_replies_come_in_english_and_welsh_and_in_the_language_asked_for(app):
    staff = signed_in(app, "sam")
    english = staff.get("/console/api/canned-replies").json()["replies"]
    welsh = staff.get("/console/api/canned-replies", params={"language": "cy"}).json()["replies"]
    phone_en = next(r for r in english if r["id"] == "phone_us")
    phone_cy = next(r for r in welsh if r["id"] == "phone_us")
    assert phone_en["text"] == phone_en["text_en"] and phone_en["text"].startswith("You can call us on 029 2018 0123")
    assert phone_cy["text"] == phone_cy["text_cy"] == phone_en["text_cy"]
    assert phone_cy["text"].startswith("Gallwch ein ffonio ar 029 2018 0123, dydd Llun i ddydd Iau 9yb i 5yp")
    assert all(r["text_cy"] and "{" not in r["text_cy"] for r in welsh)
    assert staff.get("/console/api/canned-replies", params={"language": "fr"}).status_code == 422


def test_stats_show_welsh_asked_for_and_not_given(app):
    from tests.factories import enquiry

    with session_scope() as db:
        for requested, delivered in (("cy", "cy"), ("cy", "en"), ("cy", "en"), ("en", "en")):
            db.add(enquiry(language_requested=requested, language_delivered=delivered))
    stats = signed_in(app, "pat").get("/console/api/stats").json()
    assert stats["by_language_requested"] == {"cy": 3, "en": 1}
    assert stats["by_language"] == {"cy": 1, "en": 3}
    assert stats["welsh_asked_not_given"] == 2
