"""The plan spreadsheet (import template): its columns, and the check of every row.

One row per commitment; the agency columns come once per party province. ``check`` turns
the rows read from a file into a plan of changes (create, update, unchanged) or row
errors, against a snapshot of the agreement as it is today. Pure: no database, no Flask,
no clock; errors are codes with parameters, worded by the caller in the user's language.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from datetime import date
from typing import Callable, Generic, Iterable, TypeVar

from tracker.domain.plan_columns import (
    COMMON,
    SIDE,
    column_key,
    columns,
    heading,
    names_of,
    parse_day,
    parse_number,
    target_year,
    text_of,
)
from tracker.domain.succession import AmbiguousSuccession, Step, holders
from tracker.domain.text import fold

Lead = TypeVar("Lead")
Support = TypeVar("Support")

# What the due column says for a recurring task (thường xuyên), folded.
RECURRING_WORDS = frozenset({"thuong xuyen", "recurring", "khong thoi han"})
SHARED_FIELDS = ("field", "title", "description", "deliverable", "start", "due", "recurring", "source")
MAX_TEXT = 4000


@dataclass(frozen=True)
class Problem:
    """A row error: ``code`` names the message, ``params`` fill it."""

    code: str
    params: tuple[tuple[str, str], ...] = ()

    @staticmethod
    def of(problem: str, **params) -> Problem:
        return Problem(problem, tuple((k, str(v)) for k, v in params.items()))


@dataclass(frozen=True)
class AgencyInfo:
    code: str
    name: str
    valid_from: date | None
    valid_to: date | None

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class PartyInfo:
    """A party province of the agreement: ``key`` is today's code (column names), ``codes``
    every code its columns may be headed with, ``agencies`` those of its provinces."""

    key: str
    codes: frozenset[str]
    agencies: tuple[AgencyInfo, ...]
    editable: bool = True


@dataclass(frozen=True)
class _Commitment(Generic[Lead, Support]):
    """What a commitment says: the sheet's row (``Planned``) or the agreement today (``Existing``)."""

    code: str
    field: int
    title: str
    description: str | None
    deliverable: str | None
    start: date | None
    due: date | None
    recurring: bool
    source: str | None
    lead: dict[str, Lead]
    support: dict[str, Support]
    targets: dict[int, float] = field(default_factory=dict)
    target_unit: str | None = None

    def shared(self) -> dict:
        return {name: getattr(self, name) for name in SHARED_FIELDS}


@dataclass(frozen=True)
class Existing(_Commitment[str, frozenset[str]]):
    """A commitment as it is today (due date: the one in force today; targets: the shared ones in
    force today, by year)."""


@dataclass(frozen=True)
class Context:
    parties: tuple[PartyInfo, ...]
    fields: frozenset[int]
    existing: dict[str, Existing]
    steps_of: Callable[[str], Iterable[Step]]
    today: date
    period_start: date


@dataclass
class Assigned:
    """An agency named in a cell: its code as resolved, the day it holds from, and today's holder."""

    code: str
    since: date
    today_code: str


@dataclass(frozen=True)
class Planned(_Commitment[Assigned, list[Assigned]]):
    """A row of the sheet as checked (targets: only the years the file fills)."""

    def sides(self) -> tuple[dict[str, str], dict[str, frozenset[str]]]:
        lead = {k: a.today_code for k, a in self.lead.items()}
        support = {k: frozenset(a.today_code for a in v) for k, v in self.support.items() if v}
        return lead, support


class RowKind(StrEnum):
    """What importing a row of the plan would do."""

    CREATE = "create"  # a new commitment
    UPDATE = "update"  # changes to one
    UNCHANGED = "unchanged"
    ERROR = "error"  # refused: its problems say why


@dataclass
class RowOutcome:
    row: int  # the row number Excel shows
    code: str | None
    kind: RowKind = RowKind.ERROR
    problems: list[Problem] = field(default_factory=list)
    planned: Planned | None = None
    changes: dict[str, tuple[object, object]] = field(default_factory=dict)


@dataclass
class CheckResult:
    rows: list[RowOutcome]
    missing: list[str]  # codes of the agreement absent from the file
    header_problems: list[Problem] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for r in self.rows if r.kind == kind)

    @property
    def errors(self) -> int:
        return self.count(RowKind.ERROR) + len(self.header_problems)

    @property
    def ok(self) -> bool:
        return self.errors == 0


@lru_cache(maxsize=4096)
def _folded(name: str) -> str:
    return fold(name)


def match_agency(value: str, party: PartyInfo, day: date) -> tuple[AgencyInfo | None, Problem | None]:
    """An agency by code, or by name among the party's agencies valid on ``day``
    (case- and diacritic-insensitive); a name two agencies share asks for the code."""
    wanted = fold(value)
    for agency in party.agencies:
        if agency.code.lower() == value.lower():
            return agency, None
    found = [a for a in party.agencies if _folded(a.name) == wanted and a.valid_on(day)]
    if len(found) == 1:
        return found[0], None
    if found:
        return None, Problem.of("agency_ambiguous", name=value, codes=", ".join(sorted(a.code for a in found)))
    return None, Problem.of("agency_unknown", name=value, province=party.key)


# --- checking a row -------------------------------------------------------------------------


class _Row:
    def __init__(self, number: int, cells: dict[str, object]):
        self.number, self.cells, self.problems = number, cells, []

    def fail(self, problem: str, **params) -> None:
        self.problems.append(Problem.of(problem, **params))

    def text(self, key: str, multiline: bool = False, required: bool = False) -> str | None:
        value = text_of(self.cells.get(key), multiline)
        if required and not value:
            self.fail("required", column=key)
        if value and len(value) > MAX_TEXT:
            self.fail("too_long", column=key, limit=MAX_TEXT)
        return value

    def day(self, key: str) -> date | None:
        try:
            return parse_day(self.cells.get(key))
        except (ValueError, TypeError):
            self.fail("bad_date", column=key, value=text_of(self.cells.get(key)) or "")
            return None


def _assigned(row: _Row, party: PartyInfo, value: str, since: date, ctx: Context) -> Assigned | None:
    agency, problem = match_agency(value, party, since)
    if problem:
        row.problems.append(problem)
        return None
    start = min(max(since, agency.valid_from) if agency.valid_from else since, ctx.today)
    try:
        spans = holders(agency.code, start, ctx.steps_of, until=ctx.today)
    except AmbiguousSuccession:
        row.fail("agency_split", name=value)
        return None
    return Assigned(agency.code, start, spans[-1].agency)


def _planned(row: _Row, ctx: Context) -> Planned | None:
    code = row.text("code", required=True)
    if code and (len(code) > 20 or any(ch.isspace() for ch in code)):
        row.fail("bad_code", value=code)
    raw_field = row.text("field", required=True)
    number = None
    if raw_field:
        if raw_field.isdigit() and int(raw_field) in ctx.fields:
            number = int(raw_field)
        else:
            row.fail("field_unknown", value=raw_field)
    title = row.text("title", multiline=True, required=True)
    start = row.day("start")
    due_text = text_of(row.cells.get("due"))
    recurring = fold(due_text) in RECURRING_WORDS if due_text else False
    due = None if recurring else row.day("due")
    if start and due and due < start:
        row.fail("due_before_start")
    since = start or ctx.period_start
    lead: dict[str, Assigned] = {}
    support: dict[str, list[Assigned]] = {}
    for party in ctx.parties:
        lead_names = names_of(row.cells.get(f"lead {party.key}"))
        if len(lead_names) > 1:
            row.fail("one_lead", province=party.key)
        elif lead_names:
            found = _assigned(row, party, lead_names[0], since, ctx)
            if found:
                lead[party.key] = found
        helpers = [a for a in (_assigned(row, party, n, since, ctx) for n in names_of(row.cells.get(f"support {party.key}"))) if a]
        if helpers and not lead_names:
            row.fail("support_without_lead", province=party.key)
        if party.key in lead and any(a.today_code == lead[party.key].today_code for a in helpers):
            row.fail("lead_and_support", name=lead[party.key].code)
        support[party.key] = helpers
    if not any(names_of(row.cells.get(f"lead {p.key}")) for p in ctx.parties):
        row.fail("lead_missing")
    targets = _targets(row)
    unit = row.text("target_unit")
    if targets and not unit and not (ctx.existing.get(code) and ctx.existing[code].target_unit):
        row.fail("target_unit_missing")
    if row.problems:
        return None
    return Planned(code, number, title, row.text("description", True), row.text("deliverable", True), start, due,
                   recurring, row.text("source", True), lead, support, targets, unit)


def _targets(row: _Row) -> dict[int, float]:
    found = {}
    for key, value in row.cells.items():
        year = target_year(key)
        if year is None:
            continue
        try:
            number = parse_number(value)
        except (ValueError, TypeError):
            row.fail("bad_number", column=key, value=text_of(value) or "")
            continue
        if number is not None:
            found[year] = number
    return found


def _diff(planned: Planned, old: Existing) -> dict[str, tuple[object, object]]:
    before = old.shared()
    changes = {k: (before[k], v) for k, v in planned.shared().items() if before[k] != v}
    lead, support = planned.sides()
    for key in sorted(set(lead) | set(old.lead)):
        if lead.get(key) != old.lead.get(key):
            changes[f"lead {key}"] = (old.lead.get(key), lead.get(key))
    for key in sorted(set(support) | set(old.support)):
        if support.get(key, frozenset()) != old.support.get(key, frozenset()):
            changes[f"support {key}"] = (sorted(old.support.get(key, ())), sorted(support.get(key, ())))
    for year, value in sorted(planned.targets.items()):  # a blank cell leaves a target as it is
        if old.targets.get(year) != value:
            changes[f"target {year}"] = (old.targets.get(year), value)
    if planned.target_unit and planned.target_unit != old.target_unit and (planned.targets or old.targets):
        changes["target_unit"] = (old.target_unit, planned.target_unit)
        for year, value in old.targets.items():  # the unit is every year's: those rows are written again
            changes.setdefault(f"target {year}", (value, value))
    return changes


def _scope_problems(planned: Planned, old: Existing | None, changes: dict, ctx: Context) -> list[Problem]:
    """A coordinator's import changes only their province's side (and what no other side shares)."""
    mine = {p.key for p in ctx.parties if p.editable}
    if len(mine) == len(ctx.parties):
        return []
    others = [p.key for p in ctx.parties if p.key not in mine]
    problems = []
    for key in others:
        if old is None and (planned.lead.get(key) or planned.support.get(key)):
            problems.append(Problem.of("other_side", province=key))
        elif old is not None and (f"lead {key}" in changes or f"support {key}" in changes):
            problems.append(Problem.of("other_side", province=key))
    shared_with_others = old is not None and any(k in old.lead for k in others)
    if shared_with_others and any(k in SHARED_FIELDS or k.startswith("target") for k in changes):
        problems.append(Problem.of("shared_fields"))
    return problems


def check(rows: Iterable[tuple[int, dict[str, object]]], ctx: Context) -> CheckResult:
    """Check every row (``(excel_row_number, {column_key: cell})``) against the agreement.

    A code already in the agreement is an update (``unchanged`` when nothing differs), a
    new code a creation; a code twice in the file is an error on its second row. A row
    that would leave an existing side without its lead, or (for a coordinator) touch the
    other province's side, is an error.
    """
    outcomes: list[RowOutcome] = []
    seen: dict[str, int] = {}
    for number, cells in rows:
        if all(text_of(v) is None for v in cells.values()):
            continue  # a blank line
        row = _Row(number, cells)
        planned = _planned(row, ctx)
        code = text_of(cells.get("code"))
        if code and code in seen:
            row.fail("duplicate_code", code=code, first=seen[code])
        elif code:
            seen[code] = number
        outcome = RowOutcome(number, code)
        if planned and not row.problems:
            old = ctx.existing.get(planned.code)
            if old is not None:
                for key in old.lead:
                    if key not in planned.lead:
                        row.fail("side_lead_missing", province=key)
                outcome.changes = _diff(planned, old)
                if old.due is not None and planned.due is None and not planned.recurring:
                    row.fail("due_removed")
            row.problems += _scope_problems(planned, old, outcome.changes, ctx)
            if not row.problems:
                outcome.planned = planned
                outcome.kind = (RowKind.CREATE if old is None
                                else RowKind.UPDATE if outcome.changes else RowKind.UNCHANGED)
        outcome.problems = row.problems
        outcomes.append(outcome)
    missing = sorted(set(ctx.existing) - set(seen))
    return CheckResult(outcomes, missing)


def rekey(keys: list[str], rows: list[tuple[int, dict]], parties: Iterable[PartyInfo]):
    """Agency columns headed with a party's code at signing (``lead TN97``) read as today's (``lead TN``)."""
    names = {}
    for party in parties:
        for code in party.codes:
            for side, _ in SIDE:
                names[f"{side} {code}"] = f"{side} {party.key}"
    keys = [names.get(k, k) for k in keys]
    rows = [(n, {names.get(k, k): v for k, v in cells.items()}) for n, cells in rows]
    return keys, rows


def header_problems(keys: list[str], party_keys: Iterable[str]) -> list[Problem]:
    """The heading row must name the code, field and title columns, and no column twice."""
    problems = [Problem.of("column_missing", column=k) for k in ("field", "code", "title") if k not in keys]
    known = {k for k, _ in columns(party_keys)}
    seen = set()
    for key in keys:
        if key and key in seen:
            problems.append(Problem.of("column_twice", column=key))
        seen.add(key)
        if key and key not in known and target_year(key) is None:
            problems.append(Problem.of("column_unknown", column=key))
    return problems


# The column helpers live in domain.plan_columns; named here too for the callers of this module.
__all__ = ["COMMON", "SIDE", "AgencyInfo", "CheckResult", "Context", "Existing", "PartyInfo", "Planned", "Problem",
           "RowOutcome", "check", "column_key", "columns", "header_problems", "heading", "match_agency", "parse_day",
           "rekey"]
