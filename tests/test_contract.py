"""The OpenAPI contract, held to the running service: schemathesis reads /openapi.json from the
front door (with Rasa and the action server behind it) and runs every check it has (responses
and their statuses, headers, content types and bodies against the schema; valid input accepted,
invalid input refused; authentication enforced; undeclared methods refused) on every operation.
The bar is no failure of any check, not only no 5xx.

    .venv/bin/python -m pytest -q tests/test_contract.py

The run is bounded (a few examples per operation, fewer for chat, which goes to Rasa), and
deterministic: a fixed seed. It gets servers of its own, because it signs in wrongly hundreds of
times and changes conversations, and the other tests' servers must not see either."""
from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter, defaultdict
from typing import Any, Dict, List

import httpx
import pytest
import schemathesis  # pinned in requirements.lock: missing is a failure here, not a skip

from iaa.settings import ROOT
from tests.conftest import start_processes

pytestmark = [pytest.mark.model, pytest.mark.servers]

SEED = 20_261_203
MAX_EXAMPLES = 25  # per operation and phase; the coverage phase adds its own edge cases
CHAT_EXAMPLES = 6  # each one a real Rasa turn
ADMIN = ("contract-admin", "Contract", "contract admin password")
TRANSFER = "/console/api/conversations/{cid}/transfer"
# schemathesis's own default for positive_data_acceptance (valid input must get one of these)
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]


@pytest.fixture(scope="module")
def contract_servers(trained_model):
    """The three processes on loopback, with sign-in back-off out of the way: schemathesis's wrong
    passwords must not lock its own session out (the back-off has its own tests)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("IAA_SIGN_IN_FAILURES_BEFORE_BACKOFF", "1000000")
        running = start_processes(trained_model, "contract")
    try:
        username, first_name, password = ADMIN
        made = subprocess.run(
            [sys.executable, "-m", "frontdoor.cli", "user", "add", username, "--first-name", first_name,
             "--role", "admin", "--password-stdin"],
            input=password + "\n", text=True, capture_output=True, cwd=ROOT, timeout=60,
            env={**os.environ, "IAA_DATABASE_URL": running.group.settings.database_url})
        assert made.returncode == 0, made.stderr
        yield running
    finally:
        running.group.stop()


def seed(base_url: str, admin=ADMIN) -> Dict[str, Any]:
    """Something for every response to be made of: conversations waiting (asked for a person,
    assistance, an urgent disclosure that flags), service cards, one claimed with a staff reply
    and a note, and a reviewed flag. schemathesis reuses the ids it sees in responses."""
    def chat(text: str, cid: str = None) -> Dict[str, Any]:
        body = {"text": text, **({"conversation_id": cid} if cid else {})}
        r = httpx.post(f"{base_url}/api/chat", json=body, timeout=60)
        assert r.status_code == 200, r.text
        return r.json()

    waiting = [chat("can I speak to a real person please"),
               chat("can you arrange for carers to come in and help my dad"),
               chat("my husband hits me and I am scared to go home")]
    chat("is there a lunch club near Llandeilo for my dad")
    assert all(b["status"] == "waiting" for b in waiting), [b["status"] for b in waiting]
    username, _first, password = admin
    console = httpx.Client(base_url=base_url, timeout=60)
    signed_in = console.post("/console/api/login", json={"username": username, "password": password})
    assert signed_in.status_code == 200, signed_in.text
    console.headers["X-CSRF-Token"] = signed_in.json()["csrf_token"]
    cid = waiting[0]["conversation_id"]
    for path, body in ((f"/console/api/conversations/{cid}/claim", None),
                       (f"/console/api/conversations/{cid}/reply", {"text": "Hello, I'm here to help."}),
                       (f"/console/api/conversations/{cid}/notes", {"text": "Wants to know about day care."})):
        r = console.post(path, json=body)
        assert r.status_code == 200, (path, r.text)
    flags = console.get("/console/api/safeguarding/flags").json()["flags"]
    assert flags, "the disclosure should have flagged"
    r = console.post(f"/console/api/flags/{flags[0]['id']}/review", json={"review": "real"})
    assert r.status_code == 200, r.text
    return {"conversations": [b["conversation_id"] for b in waiting], "flag": flags[0]["id"]}


def contract_config(seed: int = SEED, max_examples: int = MAX_EXAMPLES, chat_examples: int = CHAT_EXAMPLES):
    from schemathesis.config import SchemathesisConfig

    return SchemathesisConfig.from_dict({
        "seed": seed,
        "generation": {"max-examples": max_examples, "deterministic": True},
        # Every check, each with its defaults (max_response_time is off: it is a timing budget,
        # not part of the contract, and needs a limit to be set).
        "checks": {"enabled": True},
        "workers": 1,
        "request-timeout": 30,
        "operations": [
            {"include-path-regex": "^/api/chat", "include-method": "POST",
             "generation": {"max-examples": chat_examples}},
            # A 422 the schema cannot foresee, documented on each of these operations: a town the
            # directory does not know (or outside the county) on the two directory searches,
            # `search` and `text` (its older name) both given and different, 'from' after 'to'
            # in the planners' statistics, and a transfer to a username with no member of staff.
            # Schema-valid input these operations refuse with 422 is only that; positive data
            # is still checked for every other status.
            *({"include-path": path, "include-method": "GET" if path != TRANSFER else "POST",
               "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED + ["422"]}}}
              for path in ("/api/directory/search", "/oruk/services", "/console/api/stats", TRANSFER)),
            # The planners' tables, trends and exports: a period that is not one (2026-28), a
            # dimension that is not one, rows and columns the same, a return with no year.
            {"include-path-regex": "^/console/api/stats/", "include-method": "GET",
             "generation": {"max-examples": 10},
             "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED + ["422"]}}},
        ],
    })


def run_contract(base_url: str, admin=ADMIN, config=None) -> Dict[str, Any]:
    """Run schemathesis against the service at base_url; returns what it found."""
    from schemathesis.engine import Status, events, from_schema

    config = config or contract_config()
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json", config=config)
    username, _first, password = admin

    # A signed-in admin (every console role's routes) for the console operations: the session
    # cookie and the CSRF header, as the console sends them. Signed in again after a 401 (the
    # logout operation ends the session).
    @schema.auth().apply_to(path_regex=r"^/console/api/(?!login)")
    class StaffSession:
        def get(self, case, context):
            r = httpx.post(f"{base_url}/console/api/login", json={"username": username, "password": password},
                           timeout=30)
            r.raise_for_status()
            return {"cookie": r.cookies["iaa_session"], "csrf": r.json()["csrf_token"]}

        def set(self, case, data, context):
            case.cookies = {**(case.cookies or {}), "iaa_session": data["cookie"]}
            case.headers = {**(case.headers or {}), "X-CSRF-Token": data["csrf"]}

    found: Dict[str, Any] = {"failures": [], "errors": [], "cases": Counter(), "operations": set(),
                             "phases": Counter(), "statuses": defaultdict(Counter), "stop": None}
    for event in from_schema(schema).execute():
        if isinstance(event, (events.ScenarioFinished, events.FuzzScenarioFinished)):
            recorder = event.recorder
            phase = getattr(event, "phase", None)
            found["phases"][getattr(phase, "value", str(phase))] += len(recorder.cases)
            for case_id, node in recorder.cases.items():
                label = node.value.operation.label  # the documented operation, also for method probes
                found["operations"].add(label)
                found["cases"][label] += 1
                interaction = recorder.interactions.get(case_id)
                if interaction is not None and interaction.response is not None:
                    found["statuses"][label][interaction.response.status_code] += 1
            for checks in recorder.checks.values():
                for check in checks:
                    if check.status == Status.FAILURE and check.failure_info is not None:
                        failure = check.failure_info.failure
                        found["failures"].append({
                            "operation": recorder.label, "check": check.name, "title": failure.title,
                            "message": failure.message, "reproduce": check.failure_info.code_sample})
            if event.status == Status.ERROR:
                found["errors"].append(f"{recorder.label}: scenario error")
        elif isinstance(event, events.NonFatalError):
            found["errors"].append(f"{event.label}: {event.info.format() if hasattr(event.info, 'format') else event.value!r}")
        elif isinstance(event, events.FatalError):
            found["errors"].append(f"fatal: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            found["stop"] = event.stop_reason.value
            for failure in event.failures:
                found["failures"].append({"operation": "(run)", "check": failure.title, "title": failure.title,
                                          "message": failure.message, "reproduce": ""})
    return found


def report(found: Dict[str, Any]) -> str:
    lines: List[str] = []
    grouped = defaultdict(list)
    for f in found["failures"]:
        grouped[(f["operation"], f["check"], f["title"])].append(f)
    for (operation, check, title), items in sorted(grouped.items()):
        lines.append(f"- {operation}: {check}: {title} (x{len(items)})\n    {items[0]['message'].strip()}\n"
                     f"    {items[0]['reproduce']}")
    lines += [f"- error: {e}" for e in found["errors"]]
    return "\n".join(lines)


def test_the_openapi_schema_says_what_the_service_does(contract_servers):
    seed(contract_servers.url)
    found = run_contract(contract_servers.url)
    print(f"\nschemathesis {schemathesis.__version__ if hasattr(schemathesis, '__version__') else ''}: "
          f"{len(found['operations'])} operations, {sum(found['cases'].values())} cases "
          f"({dict(found['phases'])}), stopped: {found['stop']}")
    assert not found["failures"] and not found["errors"], "\n" + report(found)
    assert found["stop"] == "completed"
    documented = httpx.get(f"{contract_servers.url}/openapi.json").json()["paths"]
    every = {f"{m.upper()} {p}" for p, ops in documented.items() for m in ops}
    assert every <= found["operations"], f"not tested: {sorted(every - found['operations'])}"
