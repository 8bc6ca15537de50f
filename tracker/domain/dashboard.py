"""The dashboard's figures as plain data: what ``queries.dashboard`` computes in SQL and
``tracker.charts`` draws. Category codes are ``domain.status.Category`` values.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Filters:
    """Every figure obeys these (the query string of ``/`` and ``/dashboard.json``)."""

    agreement: int | None = None
    as_of: date | None = None  # None: today
    province: int | None = None
    area: int | None = None
    agency: int | None = None
    meeting: int | None = None  # one meeting's conclusions only (models.meetings)


@dataclass(frozen=True)
class FieldProvinceCounts:
    """Commitments of one field as one party province's side stands (side categories)."""

    area_id: int | None  # None when the figures add up every agreement's field of this number
    area_number: int
    area_name: str
    province_id: int  # today's province of the party (e.g. Bắc Ninh for Bắc Giang's side)
    province_name: str
    counts: dict[str, int]  # category code → commitments
    average_percent: float | None  # None when no side reported ("chưa có báo cáo", never 0)
    reported: int  # sides with an approved report
    area_name_en: str | None = None  # the field's English name, where the agreement gives one
    at_risk: int = 0  # of these sides, at risk of missing the deadline (domain.risk)


@dataclass(frozen=True)
class PeriodPoint:
    """Shares at one reporting period's cut-off, from updates approved by then."""

    key: str  # e.g. "2025-H1"
    label: str  # "6 tháng đầu năm 2025"
    cutoff: date
    total: int
    done: int
    overdue: int  # in progress overdue + done late (the older figure)
    open_past_due: int = 0  # not done and past the due date in force then, reported or not


@dataclass(frozen=True)
class AgencyLine:
    agency_id: int
    agency_name: str
    due: int  # commitments it leads that owe a report this period
    submitted: int  # of those, reported in the period
    overdue: int  # commitments it leads that are overdue


@dataclass(frozen=True)
class Upcoming:
    commitment_id: int
    code: str
    title: str
    due_date: date
    days_left: int


@dataclass(frozen=True)
class Dashboard:
    filters: Filters
    as_of: date
    total: int
    categories: dict[str, int]  # the six codes, adding up to total
    hidden_restricted: int
    compliance_due: int  # agencies that owe a report for the current period
    compliance_submitted: int
    period_label: str | None
    by_field: list[FieldProvinceCounts] = field(default_factory=list)
    over_time: list[PeriodPoint] = field(default_factory=list)
    agencies: list[AgencyLine] = field(default_factory=list)
    upcoming: list[Upcoming] = field(default_factory=list)
    upcoming_counts: dict[int, int] = field(default_factory=dict)  # 30/60/90 days → commitments
    period_key: str | None = None  # the current period's code ("2026-H2"), for its label in any language
    # What the headline figures count: whole commitments, or (with a province filter) that province's sides.
    unit: str = "commitments"
    # Deadline facts (domain.md §4): open and past due, the part of it without a report, done late.
    deadlines: dict[str, int] = field(default_factory=lambda: {"open_past_due": 0, "without_report": 0,
                                                               "done_late": 0})
    # Sides by today's province code: {"TN": {"province": id, "name": …, "total": n, "categories": {…}}}.
    sides: dict[str, dict] = field(default_factory=dict)
    # The compliance page's figure for the last period whose deadline has passed: period key, label,
    # deadline, agreement (for the link; None across agreements), due, on_time, late.
    compliance: dict = field(default_factory=lambda: {"period": None, "due": 0, "on_time": 0, "late": 0})
    # Early warning (domain.risk): commitments with a side at risk, or (province filter) that province's sides.
    at_risk: int = 0
    # Units whose completion a partner province disputes on the date (counted as not done meanwhile).
    disputed: int = 0

    @property
    def overdue(self) -> int:
        return self.categories.get("in_progress_overdue", 0) + self.categories.get("done_late", 0)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def to_plain(d: Dashboard) -> dict:
    """The figures as JSON-ready data (dates as ISO text), for the cache and ``/dashboard.json``."""
    from dataclasses import asdict

    def plain(value):
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value

    return plain(asdict(d))


def figures_json(d: Dashboard) -> dict:
    """The body of ``/dashboard.json`` and ``/api/v1/dashboard``: the figures, and ``overdue``."""
    body = to_plain(d)
    body["overdue"] = d.overdue
    return body


def from_plain(data: dict) -> Dashboard:
    """The inverse of ``to_plain``."""
    f = data["filters"]
    return Dashboard(
        filters=Filters(f["agreement"], _day(f["as_of"]), f["province"], f["area"], f["agency"], f.get("meeting")),
        as_of=_day(data["as_of"]), total=data["total"], categories=data["categories"],
        hidden_restricted=data["hidden_restricted"], compliance_due=data["compliance_due"],
        compliance_submitted=data["compliance_submitted"], period_label=data["period_label"],
        by_field=[FieldProvinceCounts(**row) for row in data["by_field"]],
        over_time=[PeriodPoint(**{**row, "cutoff": _day(row["cutoff"])}) for row in data["over_time"]],
        agencies=[AgencyLine(**row) for row in data["agencies"]],
        upcoming=[Upcoming(**{**row, "due_date": _day(row["due_date"])}) for row in data["upcoming"]],
        upcoming_counts={int(k): v for k, v in data["upcoming_counts"].items()},
        period_key=data.get("period_key"), unit=data["unit"], deadlines=data["deadlines"], sides=data["sides"],
        compliance=data["compliance"], at_risk=data.get("at_risk", 0),
        disputed=data.get("disputed", 0),
    )
