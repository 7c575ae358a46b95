"""Process settings from the environment (prefix IAA_), with embedded defaults for `make run`."""
from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import List

from pydantic import BaseSettings, Field, ValidationError, validator

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
# Rasa would otherwise send telemetry and error reports to the internet.
RASA_ENV = {"RASA_TELEMETRY_ENABLED": "false", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}


DEFAULT_DATABASE_URL = f"sqlite:///{VAR / 'iaa.db'}"
DEFAULT_PROFILE = ROOT / "data" / "council" / "example.yml"


class Settings(BaseSettings):
    mode: str = Field(default="development", regex="^(development|production|test)$")
    database_url: str = DEFAULT_DATABASE_URL
    profile_path: Path = DEFAULT_PROFILE

    host: str = "127.0.0.1"
    port: int = 8000
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = ""
    action_url: str = "http://127.0.0.1:5055"
    # Seconds to wait for Rasa before telling the citizen to phone instead (the widget gives up at 30).
    rasa_timeout: float = 12.0

    # The longest message a citizen may send (web chat API, the widget, SMS).
    max_message_chars: int = Field(default=2000, ge=1)

    # -- data and caches the libraries read (each process reads them from the same environment) --
    # The council's places (towns, county, places outside); empty: data/directory/places.yml.
    places_path: str = ""
    # Where the taught safeguarding screen is kept; empty: models/ in the checkout.
    safeguarding_cache: str = ""
    # Hide tensorflow/torch while spaCy imports (much faster); false to import spaCy plainly.
    safeguarding_spacy_shield: bool = True

    # -- limits on hostile or unlucky traffic (see README, "Limits") ---------------------------
    # Bytes in one request body (413 above this) and in one websocket frame (closed with 1009).
    max_body_bytes: int = Field(default=65_536, ge=1_024)
    ws_max_bytes: int = Field(default=16_384, ge=1_024)
    # Rate limits: "count/seconds" per client address (or per conversation); 429 with Retry-After.
    rate_chat_per_address: str = "60/60"
    rate_chat_per_conversation: str = "20/60"
    rate_new_conversation_per_address: str = "10/600"
    rate_sign_in_per_address: str = "10/300"
    # Sign-ins from every address together: each checks an argon2 hash (about 0.1 s of both cores
    # and 64 MiB), so a flood from many addresses must not take the CPU citizens' chats need.
    rate_sign_in_total: str = "30/10"
    # Sign-in back-off per client address (console.auth.SignInBackoff): after this many failures
    # the address is refused without its password being checked, for sign_in_backoff_seconds, then
    # twice as long after each further failure, up to the maximum; forgotten after a quiet window.
    sign_in_failures_before_backoff: int = Field(default=5, ge=1)
    sign_in_backoff_seconds: int = Field(default=30, ge=1)
    sign_in_backoff_max_seconds: int = Field(default=900, ge=1)
    sign_in_failure_window_seconds: int = Field(default=900, ge=1)
    rate_sms_per_number: str = "20/600"
    # Rasa calls at once (the rest wait up to rasa_queue_seconds, then the citizen is told to phone).
    rasa_concurrency: int = Field(default=8, ge=1)
    rasa_queue_seconds: float = Field(default=5.0, ge=0)
    # Threads for chat turns, kept apart from the ones health, the console and the SMS webhook use.
    chat_threads: int = Field(default=48, ge=1)
    # Threads for messages that raise a safeguarding concern, which never queue behind chats.
    urgent_threads: int = Field(default=16, ge=1)

    # -- browsers -----------------------------------------------------------------------------
    # Council sites allowed to show the chat widget in a frame (CSP frame-ancestors), e.g.
    # ["https://www.example.gov.uk"]. Empty: only the front door's own pages.
    widget_origins: List[str] = []

    # SMS through Twilio: off unless all three are set.
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from_number: str = ""
    # The address Twilio calls, for checking its signature behind a proxy (e.g. https://chat.example.org).
    public_base_url: str = ""
    # The secret that keys texters' numbers (HMAC-SHA256) and seals the number kept for replies
    # (Fernet). Production requires it once SMS is on; elsewhere a per-checkout file in var/.
    # Changing it orphans every conversation and opt-out keyed with the old one.
    sms_number_key: str = ""
    # The SMS keywords (STOP, START, HELP, MORE, in English and Welsh), read and checked at start.
    sms_keywords_path: Path = ROOT / "data" / "sms.yml"
    # Twilio waits 15 s for the webhook's answer: a turn not done in this many seconds is answered
    # with empty TwiML, and its reply goes through Twilio's REST API when it comes.
    sms_answer_within_seconds: float = Field(default=8.0, gt=0, le=14)
    # A MessageSid first seen longer ago than this is a replay and refused (403); within it, a
    # retry gets the first answer again and stores nothing. Sids are remembered for
    # sms_replay_memory_days (their answers only for the window).
    sms_replay_window_seconds: int = Field(default=3600, ge=60)
    sms_replay_memory_days: int = Field(default=30, ge=1)
    # Each text is kept within this many segments where it can be (the rest on "MORE").
    sms_max_segments: int = Field(default=3, ge=1, le=10)
    # A safeguarding answer (the handoff, a check-in) is never cut: up to this many segments.
    sms_safeguarding_max_segments: int = Field(default=10, ge=1, le=10)
    # Bytes of a webhook's form body read before it is parsed (413 above).
    sms_max_body_bytes: int = Field(default=32_768, ge=4_096)
    # Twilio's REST API: seconds per call, tries after a connection failure, 429 or 5xx (waiting
    # twilio_backoff_seconds, doubled each time), and its address (a stand-in in tests).
    twilio_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    twilio_retries: int = Field(default=2, ge=0, le=5)
    twilio_backoff_seconds: float = Field(default=0.5, ge=0, le=10)
    twilio_api_url: str = "https://api.twilio.com"

    # -- running in production (deploy/README.md) ---------------------------------------------
    # Directory for the three processes' log files, rolled over daily and by size and deleted by
    # `iaa purge` after the profile's bot_only_conversation_days. Empty: they print to the terminal.
    log_dir: str = ""
    # Proxies trusted to set X-Forwarded-For/-Proto (uvicorn's --forwarded-allow-ips; "*" for all).
    forwarded_allow_ips: str = "127.0.0.1"

    def production_problems(self) -> List[str]:
        """Development defaults that must not reach a public service; production refuses them."""
        if self.mode != "production":
            return []
        problems = []
        if not self.public_base_url.startswith("https://"):
            problems.append("IAA_PUBLIC_BASE_URL must be the service's https:// address (cookies are "
                            "Secure, HSTS is sent, and websockets accept only that origin)")
        if self.database_url == DEFAULT_DATABASE_URL:
            problems.append("IAA_DATABASE_URL must be set (the development default is a file in var/)")
        if self.profile_path == DEFAULT_PROFILE:
            problems.append("IAA_PROFILE_PATH must point at the council's own profile, not the example")
        if any(not o.startswith("https://") for o in self.widget_origins):
            problems.append("IAA_WIDGET_ORIGINS may list only https:// sites")
        if any(not part for part in (self.rate_chat_per_address, self.rate_new_conversation_per_address,
                                     self.rate_sign_in_per_address)) or "off" in (
                self.rate_chat_per_address, self.rate_new_conversation_per_address, self.rate_sign_in_per_address):
            problems.append("rate limits on chat, new conversations and sign-in cannot be off in production")
        if self.sms_enabled and len(self.sms_number_key) < 32:
            problems.append("IAA_SMS_NUMBER_KEY must be a secret of at least 32 characters when SMS is on "
                            "(it keys and seals texters' numbers)")
        return problems

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


def setting(name: str):
    """One setting, read and checked as Settings reads it (IAA_<NAME>, else its default), without
    checking the others: for modules that need it when imported, before a command has checked the
    whole environment and said what is wrong in its own words."""
    field = Settings.__fields__[name]
    raw = next((v for k, v in os.environ.items() if k.upper() == f"IAA_{name.upper()}"), None)
    if raw is None:
        return field.default
    value, error = field.validate(raw, {}, loc=name, cls=Settings)
    if error:
        raise ValidationError([error], Settings)
    return value
