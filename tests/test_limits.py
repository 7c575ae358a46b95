"""Rate limits by the clock, the body limit as a client meets it, and production mode refusing
development defaults. Fast: no servers."""
from __future__ import annotations

import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from iaa.limits import Limits, RateLimiter, TooMany, Window, parse_rate
from iaa.settings import ROOT, Settings


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("written, windows", [
    ("20/60", (Window(20, 60),)),
    (" 10 / 600 , 30/86400", (Window(10, 600), Window(30, 86400))),
    ("off", ()), ("", ()), ("0", ()),
])
def test_rates_are_written_count_per_seconds(written, windows):
    assert parse_rate(written) == windows


@pytest.mark.parametrize("written", ["20", "20/", "/60", "0/60", "20/0", "twenty/60", "20/60,x"])
def test_a_badly_written_rate_is_refused_with_its_form(written):
    with pytest.raises(ValueError, match="count/seconds"):
        parse_rate(written)


def test_a_window_refuses_until_its_oldest_attempt_leaves_it():
    clock = Clock()
    limiter = RateLimiter("test", parse_rate("3/60"), clock)
    for _ in range(3):
        limiter.hit("a")
        clock.now += 10
    with pytest.raises(TooMany) as refused:
        limiter.hit("a")
    assert refused.value.retry_after == 30  # the first attempt, at +0, leaves at +60; it is +30
    limiter.hit("b")  # another key is not affected
    clock.now += 30
    limiter.hit("a")


def test_refused_attempts_are_not_counted_so_waiting_gets_you_in():
    clock = Clock()
    limiter = RateLimiter("test", parse_rate("1/10"), clock)
    limiter.hit("a")
    for _ in range(50):
        with pytest.raises(TooMany):
            limiter.hit("a")
    clock.now += 10
    limiter.hit("a")


def test_every_window_applies():
    clock = Clock()
    limiter = RateLimiter("test", parse_rate("2/10,3/100"), clock)
    limiter.hit("a")
    limiter.hit("a")
    clock.now += 11
    limiter.hit("a")
    clock.now += 11
    with pytest.raises(TooMany) as refused:
        limiter.hit("a")
    assert refused.value.retry_after == 78  # the 100 s window: first hit at +0, now +22


def test_a_flood_of_distinct_keys_is_forgotten_not_grown_without_bound():
    clock = Clock()
    limiter = RateLimiter("test", parse_rate("5/60"), clock, max_keys=100)
    for i in range(1000):
        limiter.hit(f"k{i}")
    assert len(limiter._seen) <= 100


def test_a_new_conversation_counts_against_the_address_and_a_refusal_counts_nothing():
    clock = Clock()
    settings = Settings(rate_chat_per_address="3/60", rate_new_conversation_per_address="1/60",
                        rate_chat_per_conversation="5/60")
    limits = Limits(settings, clock)
    limits.chat("1.2.3.4", None)
    with pytest.raises(TooMany):
        limits.chat("1.2.3.4", None)  # a second new conversation
    limits.chat("1.2.3.4", "c" * 32)  # the refusal above did not use up the address's chat count
    limits.chat("1.2.3.4", "c" * 32)
    with pytest.raises(TooMany):
        limits.chat("1.2.3.4", "c" * 32)


def test_the_body_limit_answers_413_with_the_one_error_shape():
    from frontdoor.app import create_app

    app = create_app(Settings(max_body_bytes=2048, rate_chat_per_address="off",
                              rate_new_conversation_per_address="off", rate_chat_per_conversation="off"))
    with TestClient(app) as client:
        r = client.post("/api/chat", content=b'{"text": "' + b"a" * 5000 + b'"}',
                        headers={"content-type": "application/json"})
        assert r.status_code == 413
        assert "2048 bytes" in r.json()["detail"]
        assert r.headers["x-content-type-options"] == "nosniff"


def test_production_refuses_development_defaults_and_says_which():
    from iaa.settings import DEFAULT_DATABASE_URL

    limits = dict(rate_chat_per_address="60/60", rate_new_conversation_per_address="10/600",
                  rate_sign_in_per_address="10/300")  # the suite turns them off
    problems = Settings(mode="production", rasa_token="t", database_url=DEFAULT_DATABASE_URL).production_problems()
    said = " ".join(problems)
    for setting in ("IAA_PUBLIC_BASE_URL", "IAA_DATABASE_URL", "IAA_PROFILE_PATH"):
        assert setting in said
    ready = Settings(mode="production", rasa_token="t", public_base_url="https://chat.example.gov.uk",
                     database_url="postgresql://iaa@db/iaa", profile_path=ROOT / "data/council/example.yml.copy",
                     widget_origins=["https://www.example.gov.uk"], **limits)
    assert ready.production_problems() == []
    assert "rate limits" in " ".join(Settings(mode="production", rasa_token="t", rate_chat_per_address="off")
                                     .production_problems())
    assert "https://" in " ".join(Settings(mode="production", rasa_token="t", widget_origins=["http://x.example"],
                                           **limits)
                                  .production_problems())

    from frontdoor.app import create_app

    with pytest.raises(RuntimeError, match="development defaults"):
        create_app(Settings(mode="production", rasa_token="t"))


def test_serve_in_production_with_defaults_stops_before_starting_anything():
    env = {"PATH": "/usr/bin:/bin", "IAA_MODE": "production", "IAA_RASA_TOKEN": "t", "HOME": "/tmp"}
    result = subprocess.run([sys.executable, "-m", "frontdoor.cli", "serve"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2
    assert "refusing to start in production" in result.stderr and "IAA_PUBLIC_BASE_URL" in result.stderr
