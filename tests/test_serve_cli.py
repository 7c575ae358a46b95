"""`iaa serve` refuses clearly, without a traceback, when it cannot start: settings missing in
production, or ports already taken. Production never gets default accounts."""
import os
import socket
import subprocess
import sys

from sqlalchemy import create_engine, text

from iaa.settings import ROOT
from tests.conftest import _TMP, free_port


def serve(env_extra, name):
    (_TMP / name).mkdir(exist_ok=True)
    db = f"sqlite:///{_TMP / name / 'iaa.db'}"
    env = {k: v for k, v in os.environ.items() if k != "IAA_RASA_TOKEN"}
    env.update(IAA_DATABASE_URL=db, **env_extra)
    result = subprocess.run([sys.executable, "-m", "frontdoor.cli", "serve"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    return result, db


def test_production_without_a_rasa_token_says_so():
    result, _ = serve({"IAA_MODE": "production"}, "serve-no-token")
    assert result.returncode == 2
    assert "IAA_RASA_TOKEN must be set in production" in result.stderr
    assert "Traceback" not in result.stderr


def test_ports_in_use_are_named_and_production_has_no_default_accounts():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        profile = _TMP / "serve-busy-council.yml"  # production refuses the example profile itself
        profile.write_text((ROOT / "data/council/example.yml").read_text(encoding="utf-8"), encoding="utf-8")
        result, db = serve({"IAA_MODE": "production", "IAA_RASA_TOKEN": "a-long-production-token",
                            "IAA_PUBLIC_BASE_URL": "https://chat.example.gov.uk", "IAA_PROFILE_PATH": str(profile),
                            "IAA_RATE_CHAT_PER_ADDRESS": "60/60", "IAA_RATE_NEW_CONVERSATION_PER_ADDRESS": "10/600",
                            "IAA_RATE_SIGN_IN_PER_ADDRESS": "10/300", "IAA_WIDGET_ORIGINS": "[]",
                            "IAA_PORT": str(port), "IAA_RASA_URL": f"http://127.0.0.1:{free_port()}",
                            "IAA_ACTION_URL": f"http://127.0.0.1:{free_port()}"}, "serve-busy")
    assert result.returncode == 1, result.stderr
    assert f"front door (IAA_PORT) port {port}" in result.stderr and "Traceback" not in result.stderr
    engine = create_engine(db, future=True)
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM staff_user")).scalar_one() == 0
    engine.dispose()
    assert "development accounts" not in result.stdout
