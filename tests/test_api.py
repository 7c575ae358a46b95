"""The chat API's contract and its answers to bad input, with Rasa really unreachable
(nothing listens on its port), so these run without the model."""
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from frontdoor.app import create_app
from iaa.db import session_scope
from iaa.models import Conversation, Message
from tests.conftest import rasa_down_settings


@pytest.fixture(scope="module")
def client(module_database):
    settings = rasa_down_settings(database_url=module_database)
    with TestClient(create_app(settings)) as c:
        yield c


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_names_what_is_down(client):
    r = client.get("/readyz")
    assert r.status_code == 503
    checks = r.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["rasa"].startswith("error") and checks["action_server"].startswith("error")


def test_openapi_documents_the_chat_contract(client):
    spec = client.get("/openapi.json").json()
    assert "/api/chat" in spec["paths"]
    schemas = spec["components"]["schemas"]
    out = schemas["ChatOut"]["properties"]
    assert {"conversation_id", "status", "language", "messages", "handoff"} <= set(out)
    # Sent as null, so declared nullable (OpenAPI 3.1); limits in the schema; one error shape.
    assert {"type": "null"} in out["handoff"]["anyOf"] and {"type": "null"} in out["last_message_id"]["anyOf"]
    text = schemas["ChatIn"]["properties"]["text"]
    assert (text["minLength"], text["maxLength"]) == (1, 2000) and "pattern" in text
    assert schemas["TextIn"]["properties"]["text"]["maxLength"] == 4000
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            assert {"413", "429", "500"} <= set(op["responses"]), (method, path)
            assert "Retry-After" in op["responses"]["429"]["headers"]
            for code, response in op["responses"].items():
                if code.startswith(("4", "5")) and not (path == "/readyz" and code == "503"):
                    assert response["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/ErrorOut"}, (method, path, code)
            if path.startswith("/console/api/") and path != "/console/api/login":
                assert {"401", "403"} <= set(op["responses"]) and op["security"], (method, path)


def test_every_error_has_the_one_shape(client):
    assert client.get("/api/chat/" + "0" * 32 + "/messages").json() == {"detail": "No conversation with that id."}
    r = client.get("/api/chat/" + "0" * 32 + "/messages", params={"after": -1})
    assert r.status_code == 422 and set(r.json()) == {"detail", "problems"}
    assert r.json()["problems"][0]["field"] == "query.after"
    r = client.get("/console/api/queue")
    assert r.status_code == 401 and r.json() == {"detail": "Sign in first"}
    r = client.delete("/api/chat")
    assert r.status_code == 405 and set(r.json()) == {"detail"} and r.headers["allow"] == "POST"


@pytest.mark.parametrize("body, field, words", [
    ({"text": ""}, "text", "must not be empty"),
    ({"text": "   \n "}, "text", "must not be empty"),
    ({"text": "x" * 10_000}, "text", "the most is 2000"),
    ({}, "text", "required"),
    ({"text": 42}, "text", "str"),
    ({"text": "hi", "lang": "fr"}, "lang", "permitted: 'en', 'cy'"),
    ({"text": "hi", "conversation_id": "../etc/passwd"}, "conversation_id", "string does not match"),
    ({"text": "hi", "colour": "red"}, "colour", "unknown field"),
])
def test_bad_input_gets_a_clear_422(client, body, field, words):
    r = client.post("/api/chat", json=body)
    assert r.status_code == 422
    body = r.json()
    problems = body["problems"]
    assert any(p["field"] == field and words in p["problem"] for p in problems), problems
    assert isinstance(body["detail"], str) and field in body["detail"]


def test_invalid_json_is_a_422(client):
    r = client.post("/api/chat", content=b'{"text": "hi",', headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert "not valid JSON" in json.dumps(r.json())


def test_non_utf8_body_is_a_4xx(client):
    r = client.post("/api/chat", content=b'{"text": "\xff\xfe caf\xe9"}', headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500
    assert r.json()["detail"] == "the body must be JSON encoded as UTF-8"


def test_a_lone_surrogate_is_a_422_not_a_500(client):
    r = client.post("/api/chat", content=b'{"text": "help \\ud800 me"}', headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert any(p["field"] == "text" and "surrogate" in p["problem"] for p in r.json()["problems"])


def test_unknown_conversation_is_a_404(client):
    r = client.post("/api/chat", json={"text": "hello", "conversation_id": "0" * 32})
    assert r.status_code == 404
    assert "Omit conversation_id" in r.json()["detail"]


def test_bot_down_gives_an_honest_answer_and_keeps_the_message(client):
    r = client.post("/api/chat", json={"text": "how do I get help at home?"})
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "bot" and body["handoff"] is None
    reply = body["messages"][0]
    assert reply["sender"] == "system"
    assert "029 2018 0123" in reply["text"] and "999" in reply["text"]
    with session_scope() as db:
        conv = db.get(Conversation, body["conversation_id"])
        texts = [(m.sender, m.text) for m in db.scalars(
            select(Message).where(Message.conversation_id == conv.id).order_by(Message.id))]
    assert texts[0] == ("citizen", "how do I get help at home?")
    assert texts[1][0] == "system"


def test_bot_down_in_welsh(client):
    body = client.post("/api/chat", json={"text": "helo", "lang": "cy"}).json()
    assert body["language"] == "cy"
    assert "Ffoniwch ni ar 029 2018 0123" in body["messages"][0]["text"]


def test_websocket_refuses_bad_frames_and_answers_good_ones(client):
    with client.websocket_connect("/api/chat/ws") as ws:
        ws.send_text("not json")
        assert ws.receive_json() == {"type": "error", "detail": "frames must be JSON objects"}
        ws.send_json({"type": "hello", "conversation_id": "f" * 32})
        assert ws.receive_json()["type"] == "error"
        assert ws.receive_json() == {"type": "hello", "conversation_id": None}
        ws.send_json({"type": "message", "text": ""})
        assert "must not be empty" in ws.receive_json()["detail"]
        ws.send_bytes(b"\x00\x01binary")
        assert ws.receive_json() == {"type": "error", "detail": "frames must be JSON text"}
        ws.send_json({"type": "dance"})
        assert ws.receive_json()["detail"] == "unknown frame type"
        ws.send_json({"type": "message", "text": "hello"})
        update = ws.receive_json()
        assert update["type"] == "update" and len(update["conversation_id"]) == 32
        assert update["messages"][0]["sender"] == "system"


def test_the_widget_page_takes_any_lang_without_echoing_it(client):
    for lang, want in (("<script>alert(1)</script>", "en"), ("x" * 5000, "en"), ("", "en"), ("CY-gb", "cy")):
        r = client.get("/widget", params={"lang": lang})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert "alert(1)" not in r.text and "xxxxx" not in r.text
        assert f'<html lang="{want}"' in r.text
