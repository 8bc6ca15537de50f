"""The API's schemas of the dashboard's figures (``/api/v1/dashboard``): the same keys as
``/dashboard.json``, from the same code (``domain.dashboard.figures_json``)."""
from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Counts(BaseModel):
    model_config = ConfigDict(extra="forbid")

    done_on_time: int
    done_late: int
    in_progress_on_time: int
    in_progress_overdue: int
    not_started: int
    no_report: int


class Deadlines(BaseModel):
    open_past_due: int
    without_report: int
    done_late: int


class SideCounts(BaseModel):
    province: int
    total: int
    categories: Counts
    at_risk: int = Field(description="Of these sides, at risk of missing the deadline (early warning).")


class Compliance(BaseModel):
    period: str | None
    due: int
    on_time: int
    late: int


class Dashboard(BaseModel):
    """The figures of ``/dashboard.json``, from the same code."""

    total: int
    categories: Counts
    hidden_restricted: int
    overdue: int
    deadlines: Deadlines
    sides: dict[str, SideCounts]
    compliance: Compliance
    at_risk: int = Field(description="Commitments with a side at risk of missing its deadline (sides, under a "
                                     "province filter): not done, within their time, more than the agreement's "
                                     "margin behind the time elapsed, or unreported after a third of it.")
    compliance_due: int
    compliance_submitted: int
    as_of: date
    unit: Literal["commitments", "sides"]
    filters: dict[str, Any]
    by_field: list[dict[str, Any]]
    over_time: list[dict[str, Any]]
    agencies: list[dict[str, Any]]
    upcoming: list[dict[str, Any]]
    upcoming_counts: dict[str, int]
    period_label: str | None
    period_key: str | None
    disputed: int = Field(0, description="Units (commitments, or sides with a province filter) whose completion a "
                                         "partner province disputes on the date; counted as not done meanwhile.")
