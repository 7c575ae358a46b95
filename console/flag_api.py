"""Console routes for safeguarding flags: a flag's review, the weekly counts, the list, and the
export of candidate examples. Included in console.api's router (same paths, same tag)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Literal, Optional

from anyio import to_thread
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from iaa.openapi import link
from iaa.validation import IsoDate

from . import flags
from .auth import Staff
from .routing import ADMIN, MAX_ID, STAFF, desk_of, run_desk, signed_in, to_conversation

# No tags of its own: console.api's router gives its "console" tag when it includes this one.
router = APIRouter()


class ReviewIn(BaseModel):
    review: Literal["real", "false_alarm"]


class NameOut(BaseModel):
    name: str


class FlagOut(BaseModel):
    """Why a message was flagged (a cue id, or "learned" and its score), never its words."""
    id: int
    conversation_id: Optional[str] = Field(None, description="null once the conversation is purged")
    message_id: Optional[int]
    at: Optional[str]
    channel: str
    tier: str = Field(..., description="urgent | check")
    concern: str
    theme: str
    language: str
    cue: str = Field(..., description='a lexicon cue id, or "learned"')
    score: Optional[float] = Field(None, description="the learned screen's chance of risk")
    in_context: bool = Field(..., description="flagged only when read with the previous message")
    answer: Optional[str] = Field(None, description="the citizen's answer to a check-in: yes | no | other")
    review: Optional[str] = Field(None, description="real | false_alarm")
    reviewed_at: Optional[str]
    reviewed_by: Optional[NameOut]


class FlagReviewOut(BaseModel):
    flag: FlagOut


class FlagListOut(BaseModel):
    flags: List[FlagOut]
    total: int


class AnswersOut(BaseModel):
    yes: int
    no: int
    other: int


class FlagCountsOut(BaseModel):
    flags: int
    urgent: int
    check: int
    real: int
    false_alarm: int
    not_reviewed: int
    answers: AnswersOut = Field(..., description="check-ins answered yes, no or otherwise")
    precision: Optional[float] = Field(..., description="real / (real + false_alarm); null when none reviewed")


class FlagWeekOut(FlagCountsOut):
    week: str = Field(..., description="ISO week, e.g. 2026-W49")
    starts: dt.date


class FlagCueOut(FlagCountsOut):
    cue: str
    tier: str


class FlagWeeksOut(BaseModel):
    first_day: dt.date
    last_day: dt.date
    weeks: List[FlagWeekOut]
    total: FlagCountsOut
    cues: List[FlagCueOut] = Field(..., description="most false alarms first")


_EXAMPLE = {"lang": {"enum": ["en", "cy"]}, "kind": {"const": "from_review"}, "text": {"type": "string"}}
# The export's YAML document (after its comment header), as the OpenAPI document describes it.
EXPORT_SCHEMA = {
    "type": "object", "required": ["risky", "benign"], "additionalProperties": False,
    "properties": {
        "risky": {"type": "array", "items": {"type": "object", "additionalProperties": False,
                                             "required": ["concern", "lang", "kind", "text"],
                                             "properties": {"concern": {"type": "string"}, **_EXAMPLE}}},
        "benign": {"type": "array", "items": {"type": "object", "additionalProperties": False,
                                              "required": ["lang", "kind", "text"], "properties": _EXAMPLE}},
    },
}


@router.post("/console/api/flags/{flag_id}/review", response_model=FlagReviewOut,
              **signed_in(404, write=True, d404="No such flag"))
async def review_flag(body: ReviewIn, request: Request, flag_id: int = PathParam(..., ge=1, le=MAX_ID),
                      staff: Staff = Depends(STAFF)) -> Dict[str, Any]:
    return {"flag": await run_desk(desk_of(request).review_flag, staff, flag_id, body.review)}


@router.get("/console/api/safeguarding/weeks", response_model=FlagWeeksOut, **signed_in())
async def flag_weeks(request: Request, weeks: int = Query(12, ge=1, le=104),
                     staff: Staff = Depends(STAFF)) -> Dict[str, Any]:
    timezone = request.app.state.profile().opening_hours.timezone
    return await to_thread.run_sync(flags.weeks, weeks, timezone)


@router.get("/console/api/safeguarding/flags", response_model=FlagListOut,
            **signed_in(also={200: {"description": "Successful Response", "links": {
                "review": link("/console/api/flags/{flag_id}/review", "post", flag_id="/flags/0/id"),
                **to_conversation("/flags/0/conversation_id")}}}))
async def flag_list(reviewed: Optional[bool] = Query(None, description="false: only those not yet reviewed"),
                    limit: int = Query(50, ge=1, le=500), staff: Staff = Depends(STAFF)) -> Dict[str, Any]:
    return await to_thread.run_sync(flags.recent, reviewed, limit)


@router.get("/console/api/safeguarding/export", response_class=Response,
            **signed_in(also={200: {"content": {"text/yaml": {"schema": EXPORT_SCHEMA}},
                                    "description": "candidate labelled examples, for a person to check"}}))
async def flag_export(since: Optional[IsoDate] = Query(None, description="only flags reviewed on or after"),
                      staff: Staff = Depends(ADMIN)) -> Response:
    text = await to_thread.run_sync(flags.export, staff, since)
    name = f"safeguarding-candidates-{dt.date.today().isoformat()}.yml"
    return Response(text, media_type="text/yaml; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
