"""Derived standings kept up to date instead of recomputed (``tracker.status.standings``).

``standings``: for "today" (``standing_state.day``), one row per counted unit of a commitment
present in the plan: kind ``c`` the commitment (key 0), kind ``s`` one side (key: the party),
kind ``l`` one lead assignment held (key: the assignment) with whether its agency reported this
half-year, kind ``o`` one report owed for the agreement's last due period (key: the assignment;
``category`` on_time, late or missing; the period in ``standing_periods``). A commitment row carries ``valid_to``: the first day on which any of its day-dependent
facts can change (due date passed, risk threshold crossed, an extension or assignment taking
effect, removal); rows are refreshed then, or when a write touches the commitment.

``standing_cutoffs``: each commitment's category at every past half-year cut-off (the dashboard's
progress over time), refreshed only when a write touches the commitment's history.
No foreign keys: these rows are derived, rebuilt from the tables they count.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import Float, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import db


class Standing(db.Model):
    __tablename__ = "standings"

    commitment_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(1), primary_key=True)
    key_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    agreement_id: Mapped[int]
    area_id: Mapped[int]
    restricted: Mapped[bool]
    province_id: Mapped[int | None]
    agency_id: Mapped[int | None]
    category: Mapped[str | None] = mapped_column(String(32))
    percent: Mapped[float | None] = mapped_column(Float)
    open_past_due: Mapped[int]
    at_risk: Mapped[int] = mapped_column(default=0)
    disputed: Mapped[int] = mapped_column(default=0)
    reported: Mapped[int] = mapped_column(default=0)
    due_date: Mapped[date | None]
    valid_to: Mapped[date | None]

    __table_args__ = (
        Index("ix_standings_kind_agreement", "kind", "agreement_id"),
        Index("ix_standings_agency_kind", "agency_id", "kind"),  # an agency's counts, recounted on its writes
        Index("ix_standings_valid_to", "valid_to"),
    )


class StandingCutoff(db.Model):
    __tablename__ = "standing_cutoffs"

    day: Mapped[date] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    agreement_id: Mapped[int]
    area_id: Mapped[int]
    restricted: Mapped[bool]
    category: Mapped[str] = mapped_column(String(32))
    open_past_due: Mapped[int]

    __table_args__ = (Index("ix_standing_cutoffs_commitment", "commitment_id"),
                      Index("ix_standing_cutoffs_agreement", "agreement_id"))  # its agreement's recount


class StandingState(db.Model):
    """One row (id 1): the day the standings hold for (NULL: rebuild everything) and the
    cut-off days ``standing_cutoffs`` holds (ISO dates, comma-separated)."""
    __tablename__ = "standing_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date | None]
    cutoffs: Mapped[str] = mapped_column(Text, default="", server_default="")


class StandingPeriod(db.Model):
    """Each agreement's period the compliance card reports today (its last whose deadline passed),
    which the kept obligations (``standings`` kind ``o``) were computed for; key NULL: none yet.
    Agreement 0 (``status.standings.NEXT``): ``deadline`` is the first day on which any
    agreement's period can move (a new day before it looks at no schedule)."""
    __tablename__ = "standing_periods"

    agreement_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    period_key: Mapped[str | None] = mapped_column(String(32))
    label: Mapped[str | None] = mapped_column(Text)
    deadline: Mapped[date | None]


class StandingCount(db.Model):
    """The kept rows counted per agreement (no field): what the dashboard across all agreements
    adds up. ``kind``: ``c`` headline (category, open past due, disputed, at risk), ``s`` sides
    per field number and province (count, percent sum and count, at risk), ``k`` a cut-off
    (``day``, category, open past due), ``a`` an agency's led commitments (open: ``n``, of them
    reported: ``submitted``, open past due; per agency across agreements: agreement 0), ``o`` reports owed (category: on time, late, missing)."""
    __tablename__ = "standing_counts"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(1))
    agreement_id: Mapped[int]
    restricted: Mapped[bool]
    day: Mapped[date | None]
    number: Mapped[int | None]
    name: Mapped[str | None] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text)
    province_id: Mapped[int | None]
    agency_id: Mapped[int | None]
    category: Mapped[str | None] = mapped_column(String(32))
    open_past_due: Mapped[int | None]
    disputed: Mapped[int | None]
    at_risk: Mapped[int | None]
    n: Mapped[int]
    pct_sum: Mapped[float | None] = mapped_column(Float)
    pct_n: Mapped[int | None]
    submitted: Mapped[int | None]

    __table_args__ = (Index("ix_standing_counts_kind_agreement", "kind", "agreement_id"),
                      Index("ix_standing_counts_kind_agency", "kind", "agency_id"))
