"""Reading meetings: each with its conclusions' ids (the commitments, read through
``/commitments?meeting=<id>`` or one by one). Restricted conclusions only for who may see them."""
from __future__ import annotations

from datetime import date
from typing import Literal

from flask_login import current_user
from pydantic import BaseModel, Field

from tracker.api import bp
from tracker.api.schemas import Id, Query
from tracker.api.spec import answers, spec
from tracker.domain.meetings import MeetingKind
from tracker.permissions import sees_restricted
from tracker.queries import meetings as queries

KINDS = Literal[tuple(k.value for k in MeetingKind)]


class MeetingQuery(Query):
    agreement: Id | None = Field(None, description="One agreement's meetings (default: every agreement's).")


class Meeting(BaseModel):
    id: int
    agreement_id: int
    kind: KINDS = Field(description="so_ket (mid-term review), tong_ket (final review), giao_ban (briefing), other.")
    held_on: date
    place: str
    chair: str
    participants: str | None
    has_minutes: bool
    is_demo: bool
    conclusion_ids: list[int] = Field(description="Its conclusions (commitments) the caller may see, by code.")


class MeetingList(BaseModel):
    items: list[Meeting]


@bp.get("/meetings")
@spec.validate(resp=answers(MeetingList), tags=("read",))
def meetings(query: MeetingQuery):
    """Meetings (hội nghị sơ kết, tổng kết, họp giao ban), newest first, with their conclusions."""
    return {"items": [
        {"id": m.id, "agreement_id": m.agreement_id, "kind": m.kind, "held_on": m.held_on.isoformat(),
         "place": m.place, "chair": m.chair, "participants": m.participants, "has_minutes": bool(m.stored_name),
         "is_demo": m.is_demo, "conclusion_ids": ids}
        for m, ids in queries.api_list(query.agreement, sees_restricted(current_user))]}
