"""The API's request and response schemas (pydantic): spectree validates every request and
response against them and generates the OpenAPI document from them.

Query values are read with ``tracker.params`` (the app's one parser of ids and dates), so
an id the database cannot hold or a date outside 1900-2199 is refused as it is everywhere.
Unknown query parameters are refused (``extra="forbid"``).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from tracker import params
from tracker.api.dashboard_schemas import (  # noqa: F401  (the views read every schema as schemas.*)
    Compliance,
    Counts,
    Dashboard,
    Deadlines,
    SideCounts,
)

CATEGORIES = Literal["done_on_time", "done_late", "in_progress_on_time", "in_progress_overdue", "not_started",
                     "no_report"]
STATES = Literal["not_started", "in_progress", "done", "paused", "dropped"]
DEADLINE_STATES = Literal["on_time", "due_soon", "overdue", "recurring"]
TEXT_LIMIT = 20_000


def _id(value):
    number = params.parse_id(value)
    if number is None:
        raise PydanticCustomError("not_an_id", "an id from 1 to 2147483647")
    return number


def _day(value):
    day = params.parse_date(value) if isinstance(value, str) else None
    if day is None:
        raise PydanticCustomError("not_a_date", "a date YYYY-MM-DD from 1900-01-01 to 2199-12-31")
    return day


def _whole(lo: int, hi: int):
    def check(value):
        number = params.parse_int(value, lo=lo, hi=hi)
        if number is None:
            raise PydanticCustomError("out_of_range", "a whole number from {lo} to {hi}", {"lo": lo, "hi": hi})
        return number
    return check


def _no_bool(value):
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "a whole number")
    return value


# Constraints before the validators: pydantic then writes them as JSON Schema's minimum/maximum.
Id = Annotated[int, Field(ge=params.ID_MIN, le=params.ID_MAX), BeforeValidator(_id)]
Day = Annotated[date, BeforeValidator(_day)]
Page = Annotated[int, Field(ge=1, le=params.ID_MAX), BeforeValidator(_whole(1, params.ID_MAX))]
PerPage = Annotated[int, Field(ge=1, le=100), BeforeValidator(_whole(1, 100))]


class Query(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- Queries -------------------------------------------------------------------------------

class NoQuery(Query):
    """No query parameters."""


class CommitmentQuery(Query):
    """The commitment list's filters (``/commitments``), and pagination."""

    q: str = Field("", max_length=1000, description="Text search; accents and case are ignored, as on the list page.")
    agreement: Id | None = None
    area: Id | None = Field(None, description="A field (cooperation area) id.")
    field: Annotated[int, Field(ge=1, le=99), BeforeValidator(_whole(1, 99))] | None = Field(
        None, description="A field's number (1-9) in every agreement.")
    province: Id | None = Field(None, description="With a province, every filter applies to that province's side.")
    agency: Id | None = None
    role: Literal["lead"] | None = Field(None, description="With agency: only what it leads now.")
    category: CATEGORIES | None = None
    due_within: Literal["30", "60", "90"] | None = Field(None, description="Unfinished, due within the days.")
    overdue: Literal["1"] | None = Field(None, description="Open and past the due date in force (open_past_due).")
    risk: Literal["at_risk"] | None = Field(None, description="A side at risk of missing its deadline (early "
                                                              "warning; with province, that province's side).")
    meeting: Id | None = Field(None, description="Only the conclusions of this meeting (/api/v1/meetings).")
    as_of: Day | None = Field(None, description="Judge categories on this date (default today).")
    page: Page = 1
    per_page: PerPage = 50


class DashboardQuery(Query):
    """The filters of ``/dashboard.json``."""

    agreement: Id | None = None
    as_of: Day | None = None
    province: Id | None = None
    area: Id | None = Field(None, description="A field (cooperation area) id.")
    field: Id | None = Field(None, description="A field (cooperation area) id: the same as area.")
    agency: Id | None = None
    meeting: Id | None = Field(None, description="Only the conclusions of this meeting (/api/v1/meetings).")


class PeriodQuery(Query):
    agreement: Id | None = Field(None, description="Default: the newest agreement.")


class AgencyQuery(Query):
    province: Id | None = None


# --- Bodies --------------------------------------------------------------------------------

Text = Annotated[str | None, Field(max_length=TEXT_LIMIT)]


class UpdateIn(BaseModel):
    """The progress form's fields; the same rules apply (a ``done`` update is 100 %, ``paused`` and
    ``dropped`` need a ``reason``, ``as_of`` not in the future nor before the agreement)."""

    model_config = ConfigDict(extra="forbid")

    state: STATES
    percent: Annotated[int, Field(ge=0, le=100), BeforeValidator(_no_bool)]
    as_of: Day
    results: Text = None
    obstacles: Text = None
    proposals: Text = None
    next_steps: Text = None
    reason: Text = None
    actual: Annotated[float | None, Field(ge=0, le=1e12, description="The value achieved against the commitment's "
                                          "numeric target (chỉ tiêu), when it has one.")] = None
    action: Literal["save", "submit"] = Field("submit", description="save: a draft; submit: sent for review.")
    assignment: Id | None = Field(None, description="Report as this assignment (default: the first you may report "
                                                    "for).")
    supersedes: Id | None = Field(None, description="A correction: the id of the submitted (or reviewed) update of "
                                                    "your agency that this one replaces.")


# --- Responses -----------------------------------------------------------------------------

class FieldError(BaseModel):
    field: str
    message: str
    code: str


class Problem(BaseModel):
    """RFC 9457 problem details (``application/problem+json``)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] | None = None


class ProvinceRef(BaseModel):
    id: int
    code: str
    name: str


class AgencyRef(BaseModel):
    id: int
    code: str
    name: str


class Party(BaseModel):
    id: int
    position: int
    province_at_signing: ProvinceRef
    province_now: ProvinceRef
    signatory_name: str | None
    signatory_title: str | None
    focal_agency: AgencyRef | None


class Area(BaseModel):
    id: int
    number: int
    name: str
    name_en: str | None
    provisional: bool
    restricted: bool
    commitments: int


class Agreement(BaseModel):
    id: int
    code: str
    title: str
    short_title: str | None
    kind: str
    document_number: str | None
    signed_date: date | None
    signed_place: str | None
    period_start: date
    period_end: date | None
    open_ended: bool
    predecessor_id: int | None = Field(description="The agreement of the previous phase this one renews.")
    successor_id: int | None = Field(description="The agreement of the next phase, once renewed.")
    renewed_on: date | None = Field(description="The day this phase began and its carried-over commitments "
                                                "left the previous one.")
    parties: list[Party]
    fields: list[Area]
    hidden_fields: int = Field(description="Restricted fields left out (not cleared).")


class AgreementList(BaseModel):
    items: list[Agreement]


class Assignment(BaseModel):
    id: int
    role: Literal["lead", "support"]
    agency: AgencyRef
    agency_name: str = Field(description="The agency's name when it was assigned.")
    party_id: int
    province: ProvinceRef
    valid_from: date
    valid_to: date | None


class Side(BaseModel):
    party_id: int
    province: ProvinceRef
    state: STATES | None
    percent: int | None
    as_of: date | None
    completed_on: date | None
    at_risk: bool = Field(False, description="At risk of missing the deadline today (early warning).")
    confirmation: Literal["awaiting", "confirmed", "disputed", "settled"] | None = Field(
        None, description="The partner provinces' answer on this side's latest completion that asked for one.")


class CommitmentSummary(BaseModel):
    id: int
    code: str
    title: str
    agreement_id: int
    field: Area
    due_date: date | None = Field(description="The due date in force on the date judged.")
    recurring: bool
    category: CATEGORIES
    percent: float | None
    deadline_state: DEADLINE_STATES
    open_past_due: bool
    assignments: list[Assignment]
    carried_from_id: int | None = Field(description="The previous phase's commitment this one carries on.")
    meeting_id: int | None = Field(None, description="The meeting this commitment is a conclusion of, if any.")


class CommitmentPage(BaseModel):
    items: list[CommitmentSummary]
    page: int
    per_page: int
    total: int
    pages: int
    hidden_restricted: int
    as_of: date


class Evidence(BaseModel):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class Update(BaseModel):
    id: int
    commitment_id: int
    status: Literal["draft", "submitted", "returned", "approved"]
    agency: AgencyRef
    party_id: int
    role: Literal["lead", "support"]
    state: STATES
    percent: int
    as_of: date
    results: str | None
    obstacles: str | None
    proposals: str | None
    next_steps: str | None
    reason: str | None
    actual: float | None
    period_key: str | None
    late: bool
    submitted_at: datetime | None
    reviewed_at: datetime | None
    review_reason: str | None
    supersedes_id: int | None
    evidence: list[Evidence]


class UpdateList(BaseModel):
    items: list[Update]


class Target(BaseModel):
    """A numeric target (chỉ tiêu) in force, against the latest approved actual."""

    year: int
    party_id: int | None = Field(description="The side it is set for; null: shared by every side.")
    unit: str
    baseline: float | None
    value: float
    prorated: float = Field(description="The target pro-rated to the part of the year elapsed.")
    actual: float | None
    state: str = Field(description="on_track, behind or no_actual (domain.targets).")


class CommitmentDetail(CommitmentSummary):
    description: str | None
    deliverable: str | None
    start_date: date | None
    original_due_date: date | None
    source_text: str | None
    is_demo: bool
    at_risk: bool = Field(False, description="A side is at risk of missing the deadline today (early warning).")
    removed_on: date | None = Field(description="Out of the plan (and its figures) from this day; earlier days "
                                                "still count it.")
    carried_over_to_id: int | None = Field(description="The next phase's commitment that carries this one on "
                                                       "(from ``removed_on``).")
    sides: list[Side]
    latest_approved_update: Update | None
    targets: list[Target]
    disputed: bool = Field(description="A side's completion is disputed by a partner province (not counted as "
                                       "done until the provinces settle it).")
    document_ids: list[int] = Field(description="The implementing documents serving it (/api/v1/documents).")


class Period(BaseModel):
    key: str
    label: str
    frequency: str
    start: date
    end: date
    deadline: date
    closes_on: date
    closed: bool
    frozen_on: date | None


class PeriodList(BaseModel):
    agreement_id: int
    items: list[Period]


class Agency(BaseModel):
    id: int
    code: str
    name: str
    name_en: str | None
    kind: str
    province: ProvinceRef
    valid_from: date | None
    valid_to: date | None
    successor_ids: list[int]


class AgencyList(BaseModel):
    items: list[Agency]
