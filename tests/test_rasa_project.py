"""The Rasa project is valid, the model is trained once and reused, and Rasa's API needs the token."""
import os
import re
import subprocess
import sys

import httpx
import pytest

from actions.actions import INFORMATION_TOPICS
from iaa.settings import RASA_ENV, ROOT
from frontdoor.training import ensure_model, model_hash, model_path


def test_rasa_data_validate_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate",
         "--config", "bot/config.yml", "--domain", "bot/domain", "--data", "data/nlu", "data/rules", "data/stories"],
        cwd=ROOT, env={**os.environ, **RASA_ENV}, capture_output=True, text=True, timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    # Rasa cannot see responses that custom actions send; each must really be sent by one.
    actions_source = "".join(p.read_text() for p in (ROOT / "actions").glob("*.py"))
    sent_by_actions = {f"utter_{intent}" for intent in INFORMATION_TOPICS}
    warnings = []
    for line in output.splitlines():
        if "UserWarning" not in line:  # what the validator reports (library deprecations aside)
            continue
        unused = re.search(r"The utterance '(utter_\w+)' is not used in any story or rule", line)
        if unused and (unused.group(1) in sent_by_actions or f'"{unused.group(1)}"' in actions_source
                       or unused.group(1).startswith("utter_language_")):
            continue
        if "'safeguarding_disclosure'" in line and "not found in the NLU training data" in line:
            continue  # set by the SafeguardingFlagger component, not learned from examples
        warnings.append(line)
    assert warnings == []


def test_model_is_named_by_its_inputs(trained_model, capsys):
    assert trained_model == model_path() and trained_model.exists()
    assert model_hash() == model_hash()
    assert ensure_model() == trained_model  # no second training
    assert "up to date" in capsys.readouterr().out


@pytest.mark.servers
def test_rasa_http_api_refuses_requests_without_the_token(servers):
    assert httpx.get(f"{servers.rasa_url}/status", timeout=10).status_code == 401
    assert httpx.get(f"{servers.rasa_url}/status", params={"token": servers.token}, timeout=10).status_code == 200
    channel = f"{servers.rasa_url}/webhooks/frontdoor/webhook"
    assert httpx.post(channel, json={"sender": "x", "message": "hi"}, timeout=10).status_code == 401
    wrong = httpx.post(channel, json={"sender": "x", "message": "hi"}, timeout=10,
                       headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 401


def test_rasa_test_stories_all_pass(trained_model, tmp_path):
    """Rasa's own test stories (tests/rasa/): every topic and handoff path, from the citizen's words
    to the bot's action, with the trained model: --e2e checks the intent each text is read as, too."""
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "test", "core", "--model", str(trained_model),
         "--stories", "tests/rasa", "--out", str(tmp_path), "--no-plot", "--e2e"],
        cwd=ROOT, env={**os.environ, **RASA_ENV}, capture_output=True, text=True, timeout=900)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    failed = tmp_path / "failed_test_stories.yml"
    assert failed.exists(), output[-4000:]  # rasa writes it, saying none failed, or listing them
    stories = (ROOT / "tests" / "rasa" / "test_stories.yml").read_text()
    assert stories.count("- story:") >= 30
    assert "- story:" not in failed.read_text(), failed.read_text()[:6000]
