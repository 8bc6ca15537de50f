"""Validation of the seed data files (reference data and an agreement's plan).

Turns parsed YAML into frozen dataclasses, or raises ``PlanFileError`` naming the entry
and the problem ("agreement.areas[3].commitments[2] (7.2): due_date before start_date").
No database here: cross-references are checked against the file's own codes and the
codes of the reference data given.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker.domain.codes import SuccessionKind
from tracker.domain.text import clean_line

AGENCY_KINDS = ("party", "office", "department", "board", "armed", "police")
SUCCESSION_KINDS = tuple(SuccessionKind)


class PlanFileError(ValueError):
    """A data file is malformed; the message names the entry and the problem."""


@dataclass(frozen=True)
class ProvinceRow:
    code: str
    name: str
    name_en: str | None
    gso_code: str | None
    valid_from: date | None
    valid_to: date | None


@dataclass(frozen=True)
class AgencyRow:
    code: str
    province: str
    name: str
    name_en: str | None
    kind: str
    valid_from: date | None
    valid_to: date | None
    note: str | None


@dataclass(frozen=True)
class SuccessionRow:
    predecessor: str
    successor: str
    effective_date: date
    kind: str
    basis: str | None


@dataclass(frozen=True)
class Reference:
    provinces: tuple[ProvinceRow, ...]
    province_successions: tuple[SuccessionRow, ...]
    agencies: tuple[AgencyRow, ...]
    agency_successions: tuple[SuccessionRow, ...]


@dataclass(frozen=True)
class PartyRow:
    province: str
    signatory_name: str | None
    signatory_title: str | None
    focal_agency: str | None


@dataclass(frozen=True)
class CommitmentRow:
    code: str
    title: str
    description: str | None
    deliverable: str | None
    start_date: date | None
    due_date: date | None
    recurring: bool
    source_text: str | None
    lead: dict[str, str]
    support: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class AreaRow:
    number: int
    name: str
    name_en: str | None
    description: str | None
    provisional: bool
    restricted: bool
    commitments: tuple[CommitmentRow, ...]


@dataclass(frozen=True)
class AgreementPlan:
    code: str
    kind: str
    title: str
    short_title: str | None
    document_number: str | None
    signed_date: date | None
    signed_place: str | None
    signing_verified: bool
    period_start: date
    period_end: date | None
    open_ended: bool
    assigned_on: date
    summary: str | None
    source: str | None
    demo: bool
    parties: tuple[PartyRow, ...]
    areas: tuple[AreaRow, ...] = field(default=())


class _Entry:
    """Reads typed fields of one mapping, naming it in every error."""

    def __init__(self, where: str, value: Any):
        if not isinstance(value, dict):
            raise PlanFileError(f"{where}: expected a mapping, got {type(value).__name__}")
        self.where = where
        self.value = value

    def fail(self, problem: str):
        raise PlanFileError(f"{self.where}: {problem}")

    def _get(self, key: str, required: bool):
        if key not in self.value or self.value[key] is None:
            if required:
                self.fail(f"missing required field '{key}'")
            return None
        return self.value[key]

    def text(self, key: str, required: bool = False, max_len: int = 2000) -> str | None:
        raw = self._get(key, required)
        if raw is None:
            return None
        if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
            self.fail(f"'{key}' must be text")
        value = clean_line(str(raw))
        if required and not value:
            self.fail(f"'{key}' must not be empty")
        if value and len(value) > max_len:
            self.fail(f"'{key}' is longer than {max_len} characters")
        return value or None

    def code(self, key: str = "code") -> str:
        value = self.text(key, required=True, max_len=40)
        if any(ch.isspace() for ch in value):
            self.fail(f"'{key}' must not contain spaces: {value!r}")
        return value

    def day(self, key: str, required: bool = False) -> date | None:
        raw = self._get(key, required)
        if raw is None:
            return None
        if isinstance(raw, date):
            return raw
        if isinstance(raw, str):
            try:
                return date.fromisoformat(raw.strip())
            except ValueError:
                pass
        self.fail(f"'{key}' must be a date as YYYY-MM-DD, got {raw!r}")

    def flag(self, key: str, default: bool = False) -> bool:
        raw = self._get(key, False)
        if raw is None:
            return default
        if not isinstance(raw, bool):
            self.fail(f"'{key}' must be true or false, got {raw!r}")
        return raw

    def integer(self, key: str) -> int:
        raw = self._get(key, True)
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
            self.fail(f"'{key}' must be a positive whole number, got {raw!r}")
        return raw

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.text(key) or default
        if value not in choices:
            self.fail(f"'{key}' must be one of {', '.join(choices)}, got {value!r}")
        return value

    def items(self, key: str, required: bool = False) -> list:
        raw = self._get(key, required)
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.fail(f"'{key}' must be a list")
        return raw

    def mapping(self, key: str) -> dict:
        raw = self._get(key, False)
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.fail(f"'{key}' must be a mapping")
        return raw


def _validity(entry: _Entry) -> tuple[date | None, date | None]:
    start, end = entry.day("valid_from"), entry.day("valid_to")
    if start and end and end < start:
        entry.fail("valid_to is before valid_from")
    return start, end


def _unique(where: str, codes: list[str]) -> set[str]:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise PlanFileError(f"{where}: duplicate code {code!r}")
        seen.add(code)
    return seen


def _successions(where: str, rows: list, known: set[str]) -> tuple[SuccessionRow, ...]:
    result = []
    for i, raw in enumerate(rows):
        entry = _Entry(f"{where}[{i}]", raw)
        row = SuccessionRow(
            predecessor=entry.code("from"),
            successor=entry.code("to"),
            effective_date=entry.day("date", required=True),
            kind=entry.choice("kind", SUCCESSION_KINDS, SuccessionKind.MERGE.value),
            basis=entry.text("basis", max_len=200),
        )
        for code in (row.predecessor, row.successor):
            if code not in known:
                entry.fail(f"unknown code {code!r}")
        if row.predecessor == row.successor:
            entry.fail("an entry cannot succeed itself")
        result.append(row)
    return tuple(result)


def parse_reference(data: Any) -> Reference:
    """Validate the reference file: provinces, agencies and their successions."""
    top = _Entry("reference", data)
    provinces = []
    for i, raw in enumerate(top.items("provinces", required=True)):
        entry = _Entry(f"provinces[{i}]", raw)
        start, end = _validity(entry)
        provinces.append(ProvinceRow(
            code=entry.code(), name=entry.text("name", required=True, max_len=120),
            name_en=entry.text("name_en", max_len=120), gso_code=entry.text("gso_code", max_len=3),
            valid_from=start, valid_to=end,
        ))
    province_codes = _unique("provinces", [p.code for p in provinces])
    agencies = []
    for i, raw in enumerate(top.items("agencies", required=True)):
        entry = _Entry(f"agencies[{i}]", raw)
        start, end = _validity(entry)
        row = AgencyRow(
            code=entry.code(), province=entry.code("province"),
            name=entry.text("name", required=True, max_len=200), name_en=entry.text("name_en", max_len=200),
            kind=entry.choice("kind", AGENCY_KINDS, "department"), valid_from=start, valid_to=end,
            note=entry.text("note"),
        )
        if row.province not in province_codes:
            entry.fail(f"unknown province {row.province!r}")
        agencies.append(row)
    agency_codes = _unique("agencies", [a.code for a in agencies])
    return Reference(
        provinces=tuple(provinces),
        province_successions=_successions("province_successions", top.items("province_successions"), province_codes),
        agencies=tuple(agencies),
        agency_successions=_successions("agency_successions", top.items("agency_successions"), agency_codes),
    )


def _commitment(entry: _Entry, parties: set[str], agency_province: dict[str, str]) -> CommitmentRow:
    code = entry.code()
    entry.where = f"{entry.where} ({code})"
    start, due = entry.day("start_date"), entry.day("due_date")
    recurring = entry.flag("recurring")
    if recurring and due:
        entry.fail("a recurring commitment has no due_date")
    if start and due and due < start:
        entry.fail("due_date is before start_date")

    def agency(side: str, value: Any) -> str:
        if side not in parties:
            entry.fail(f"{side!r} is not a party province of the agreement")
        if not isinstance(value, str) or value not in agency_province:
            entry.fail(f"unknown agency {value!r}")
        if agency_province[value] != side:
            entry.fail(f"agency {value!r} does not belong to province {side!r}")
        return value

    lead = {side: agency(side, value) for side, value in entry.mapping("lead").items()}
    missing = sorted(parties - lead.keys())
    if missing:
        entry.fail(f"no lead agency for {', '.join(missing)}")
    support: dict[str, tuple[str, ...]] = {}
    for side, values in entry.mapping("support").items():
        if not isinstance(values, list):
            entry.fail(f"support.{side} must be a list")
        codes = tuple(agency(side, v) for v in values)
        if lead[side] in codes:
            entry.fail(f"{lead[side]} cannot both lead and co-operate")
        support[side] = codes
    return CommitmentRow(
        code=code, title=entry.text("title", required=True), description=entry.text("description"),
        deliverable=entry.text("deliverable"), start_date=start, due_date=due, recurring=recurring,
        source_text=entry.text("source_text"), lead=lead, support=support,
    )


def parse_agreement(data: Any, agency_province: dict[str, str], province_codes: set[str]) -> AgreementPlan:
    """Validate an agreement file against the known agency → province codes."""
    top = _Entry("file", data)
    demo = top.flag("demo")
    entry = _Entry("agreement", top.value.get("agreement"))
    period_start, period_end = entry.day("period_start", required=True), entry.day("period_end")
    if period_end and period_end < period_start:
        entry.fail("period_end is before period_start")
    parties = []
    for i, raw in enumerate(entry.items("parties", required=True)):
        p = _Entry(f"agreement.parties[{i}]", raw)
        row = PartyRow(
            province=p.code("province"), signatory_name=p.text("signatory_name", max_len=120),
            signatory_title=p.text("signatory_title", max_len=200), focal_agency=p.text("focal_agency", max_len=40),
        )
        if row.province not in province_codes:
            p.fail(f"unknown province {row.province!r}")
        if row.focal_agency and agency_province.get(row.focal_agency) != row.province:
            p.fail(f"focal agency {row.focal_agency!r} is unknown or not of {row.province}")
        parties.append(row)
    party_codes = _unique("agreement.parties", [p.province for p in parties])
    if len(parties) < 2:
        entry.fail("an agreement needs at least two parties")
    areas = []
    for i, raw in enumerate(entry.items("areas", required=True)):
        a = _Entry(f"agreement.areas[{i}]", raw)
        commitments = tuple(
            _commitment(_Entry(f"agreement.areas[{i}].commitments[{j}]", c), party_codes, agency_province)
            for j, c in enumerate(a.items("commitments"))
        )
        _unique(f"agreement.areas[{i}].commitments", [c.code for c in commitments])
        areas.append(AreaRow(
            number=a.integer("number"), name=a.text("name", required=True, max_len=300),
            name_en=a.text("name_en", max_len=300), description=a.text("description"),
            provisional=a.flag("provisional", True), restricted=a.flag("restricted"), commitments=commitments,
        ))
    _unique("agreement.areas (number)", [str(a.number) for a in areas])
    return AgreementPlan(
        code=entry.code(), kind=entry.text("kind", max_len=60) or "Biên bản ghi nhớ",
        title=entry.text("title", required=True), short_title=entry.text("short_title", max_len=200),
        document_number=entry.text("document_number", max_len=60), signed_date=entry.day("signed_date"),
        signed_place=entry.text("signed_place", max_len=200), signing_verified=entry.flag("signing_verified"),
        period_start=period_start, period_end=period_end, open_ended=entry.flag("open_ended"),
        assigned_on=entry.day("assigned_on") or period_start, summary=entry.text("summary"),
        source=entry.text("source"), demo=demo, parties=tuple(parties), areas=tuple(areas),
    )


__all__ = ["AgreementPlan", "PlanFileError", "Reference", "parse_agreement", "parse_reference"]
