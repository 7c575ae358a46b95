"""FastAPI assembly: the front door process."""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Dict, Optional

import json

import httpx
from anyio import CapacityLimiter, to_thread
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

from channels.bot import BotClient
from channels.conversations import ConversationService
from channels.hub import Hub
from channels.sms import make_texting
from channels.sms import router as sms_router
from channels.web.api import router as chat_router
from channels.web.demo import render_demo_page
from channels.web.frame import router as frame_router
from console.api import SECURITY_SCHEMES as CONSOLE_SECURITY
from console.api import STATIC as CONSOLE_STATIC
from console.api import router as console_router
from console.canned import load_canned_replies
from console.desk import StaffDesk
from directory.api import router as directory_router
from safeguarding import load_detector

from iaa import __version__
from iaa import db
from iaa.errors import READY_RESPONSES, HealthOut, ReadyOut
from iaa.errors import install as install_error_handlers
from iaa.openapi import install as install_openapi
from iaa.headers import SecurityHeaders
from iaa.limits import BodyLimit, Limits, TooMany
from iaa.profile import cached_profile
from iaa.settings import Settings, get_settings

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent.parent / "channels" / "web" / "static"


def create_app(settings: Optional[Settings] = None) -> FastAPI:
    settings = settings or get_settings()
    problems = settings.production_problems()
    if problems:
        raise RuntimeError("refusing to start in production with development defaults:\n- " + "\n- ".join(problems))
    db.bind(settings.database_url)  # the sessions of this process use the database these settings name
    profile_path = str(settings.profile_path)
    cached_profile(profile_path)  # fail at start, not on a citizen's first message
    canned = load_canned_replies()

    app = FastAPI(
        title="IAA front door",
        version=__version__,
        description="Bilingual information, advice and assistance front door for Welsh social services.",
        lifespan=_lifespan(settings, profile_path),
    )

    @app.exception_handler(TooMany)
    async def _too_many(_: Request, exc: TooMany) -> JSONResponse:
        return JSONResponse({"detail": f"Too many requests ({exc.what}). Try again in {exc.retry_after} seconds."},
                            status_code=429, headers={"Retry-After": str(exc.retry_after)})

    install_error_handlers(app)  # the one error shape: iaa/errors.py
    install_openapi(app, CONSOLE_SECURITY)  # a schema that says what the service does

    _add_operations_routes(app, settings)

    app.state.canned_replies = canned
    app.state.settings = settings
    app.state.limits = Limits(settings)
    # The last added runs first: headers go on every answer, the body limit's 413 included, and
    # the body limit refuses before anything reads the body.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, message=_too_large)
    app.add_middleware(SecurityHeaders, widget_origins=settings.widget_origins)
    app.include_router(chat_router)
    app.include_router(frame_router)
    app.include_router(sms_router)
    app.include_router(directory_router)
    app.include_router(console_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/console/static", StaticFiles(directory=CONSOLE_STATIC), name="console-static")

    @app.get("/", include_in_schema=False)
    def demo_page() -> HTMLResponse:
        return HTMLResponse(render_demo_page(app.state.profile(), app.state.settings.max_message_chars))

    return app


def _lifespan(settings: Settings, profile_path: str):
    """What the app holds while it runs: the Rasa client, the hub, the thread pools, the services."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        bot = BotClient(settings.rasa_url, settings.rasa_token, settings.rasa_timeout,
                        action_url=settings.action_url, concurrency=settings.rasa_concurrency,
                        queue_seconds=settings.rasa_queue_seconds)
        app.state.hub = Hub()
        app.state.bot = bot
        # Chat turns wait on Rasa; they get threads of their own, so health, the console and the
        # SMS webhook never queue behind them.
        app.state.chat_threads = CapacityLimiter(settings.chat_threads)
        app.state.urgent_threads = CapacityLimiter(settings.urgent_threads)
        # Password checks wait for one another on the event loop, not on threads the console needs.
        app.state.sign_in_threads = CapacityLimiter(2)
        app.state.profile = lambda: cached_profile(profile_path)
        app.state.conversations = ConversationService(bot, app.state.profile, app.state.hub, load_detector())
        # SMS (channels/sms.py): its keywords are read and checked here, at start.
        app.state.sms = make_texting(settings, app.state.profile)
        app.state.desk = StaffDesk(app.state.hub, bot, app.state.profile,
                                   app.state.sms.sender if app.state.sms else None)
        yield
        bot.close()

    return lifespan


def _add_operations_routes(app: FastAPI, settings: Settings) -> None:
    """/healthz and /readyz, for the supervisor and a load balancer."""
    @app.get("/healthz", tags=["operations"], response_model=HealthOut)
    async def healthz() -> Dict[str, str]:
        """The process is alive (answered on the event loop: never waits for a thread)."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"], response_model=ReadyOut, responses=READY_RESPONSES)
    async def readyz() -> Any:
        """The database, the Rasa server (with a model loaded) and the action server are reachable."""
        checks = {
            "database": await to_thread.run_sync(_check_database),
            "rasa": await to_thread.run_sync(_check_rasa, app.state.bot),
            "action_server": await _check_url(f"{settings.action_url.rstrip('/')}/health"),
        }
        ok = all(v == "ok" for v in checks.values())
        if ok:
            return {"status": "ready", "checks": checks}  # ReadyOut; the 503 is its own JSONResponse
        down = ", ".join(f"{name} ({state})" for name, state in checks.items() if state != "ok")
        return JSONResponse({"detail": f"Not ready: {down}.", "status": "not ready", "checks": checks},
                            status_code=503)


def _too_large(limit: int) -> bytes:
    return json.dumps({"detail": f"The request body is larger than this service accepts ({limit} bytes)."}).encode()


def _check_database() -> str:
    try:
        with db.get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
        return "ok"
    except Exception as e:  # report, never raise, from a probe
        return f"error: {type(e).__name__}"


def _check_rasa(bot: BotClient) -> str:
    try:
        status = bot.ready()
    except Exception as e:
        return f"error: {type(e).__name__}"
    return "ok" if status.get("model_file") else "error: no model loaded"


async def _check_url(url: str) -> str:
    try:
        async with httpx.AsyncClient(timeout=3) as client:
            r = await client.get(url)
        return "ok" if r.status_code == 200 else f"error: HTTP {r.status_code}"
    except httpx.HTTPError as e:
        return f"error: {type(e).__name__}"
