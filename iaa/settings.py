"""Process settings from the environment (prefix IAA_), with embedded defaults for `make run`."""
from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import BaseSettings, Field, validator

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
# Rasa would otherwise send telemetry and error reports to the internet.
RASA_ENV = {"RASA_TELEMETRY_ENABLED": "false", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}


class Settings(BaseSettings):
    mode: str = Field("development", regex="^(development|production|test)$")
    database_url: str = f"sqlite:///{VAR / 'iaa.db'}"
    profile_path: Path = ROOT / "data" / "council" / "example.yml"

    host: str = "127.0.0.1"
    port: int = 8000
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = ""
    action_url: str = "http://127.0.0.1:5055"
    # Seconds to wait for Rasa before telling the citizen to phone instead.
    rasa_timeout: float = 20.0

    max_message_chars: int = 2000

    # Sign-in back-off per client address (console.auth.SignInBackoff): after this many failures
    # the address is refused without its password being checked, for sign_in_backoff_seconds, then
    # twice as long after each further failure, up to the maximum; forgotten after a quiet window.
    sign_in_failures_before_backoff: int = Field(5, ge=1)
    sign_in_backoff_seconds: int = Field(30, ge=1)
    sign_in_backoff_max_seconds: int = Field(900, ge=1)
    sign_in_failure_window_seconds: int = Field(900, ge=1)

    # SMS through Twilio: off unless all three are set.
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from_number: str = ""
    # The address Twilio calls, for checking its signature behind a proxy (e.g. https://chat.example.org).
    public_base_url: str = ""

    # -- running in production (deploy/README.md) ---------------------------------------------
    # Directory for the three processes' log files, rolled over daily and by size and deleted by
    # `iaa purge` after the profile's bot_only_conversation_days. Empty: they print to the terminal.
    log_dir: str = ""
    # Proxies trusted to set X-Forwarded-For/-Proto (uvicorn's --forwarded-allow-ips; "*" for all).
    forwarded_allow_ips: str = "127.0.0.1"

    @property
    def sms_enabled(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token and self.twilio_from_number)

    class Config:
        env_prefix = "IAA_"

    @validator("rasa_token", always=True)
    def _token(cls, v: str, values) -> str:
        if v:
            return v
        if values.get("mode") == "production":
            raise ValueError("IAA_RASA_TOKEN must be set in production")
        return _dev_token()


def _dev_token() -> str:
    """A per-checkout secret, so the development Rasa API is never open without a token."""
    path = VAR / "rasa-token"
    if path.exists():
        return path.read_text().strip()
    VAR.mkdir(exist_ok=True)
    token = secrets.token_urlsafe(24)
    path.write_text(token)
    path.chmod(0o600)
    return token


@lru_cache()
def get_settings() -> Settings:
    return Settings()
