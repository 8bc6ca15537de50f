"""Load reference data and agreement plans from the package's data files.

Idempotent: rows are found by their codes and created only when missing; an existing row
is never overwritten, so what an administrator corrected in the app stays corrected.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from importlib import resources

import yaml
from sqlalchemy import select

from tracker.domain import documents as document_rules
from tracker.domain.plan_file import AgreementPlan, PlanFileError, Reference, parse_agreement, parse_reference
from tracker.domain.succession import AmbiguousSuccession, Step, holders
from tracker.services import meetings, plan_edit, renewal
from tracker.services.periods import ensure_schedule
from tracker.status.cache import invalidate
from tracker.extensions import db
from tracker.models import (Agency, AgencySuccession, Agreement, AgreementParty, Assignment, Commitment,
                            CooperationArea, ImplementingDocument, Meeting, Province, ProvinceSuccession, Role, User)

REFERENCE_FILE = "reference.yaml"
AGREEMENT_GLOB = "agreement_*.yaml"
DOCUMENTS_FILE = "documents_demo.yaml"
MEETINGS_FILE = "meetings_demo.yaml"
RENEWAL_FILE = "renewal_demo.yaml"


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, n: int = 1) -> None:
        self.created[kind] = self.created.get(kind, 0) + n

    @property
    def total(self) -> int:
        return sum(self.created.values())


# libyaml's parser, when PyYAML was built with it: ten times faster on the packaged files
# (~0.2 s -> 0.02 s a seed); the same constructors, so the same data.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def read_yaml(name: str, text: str):
    if _FAST_LOADER is not None:
        try:
            return yaml.load(text, Loader=_FAST_LOADER)  # nosec B506 # CSafeLoader: safe_load's rules in C
        except yaml.YAMLError:
            pass  # told by the pure-Python parser below, in its words, as before
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise PlanFileError(f"{name}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc


def packaged_files() -> tuple[str, list[tuple[str, str]]]:
    """The packaged reference text and the (name, text) of each agreement file."""
    data = resources.files("tracker") / "data"
    reference = (data / REFERENCE_FILE).read_text(encoding="utf-8")
    agreements = sorted(
        (f.name, f.read_text(encoding="utf-8"))
        for f in data.iterdir()
        if f.name.startswith("agreement_") and f.name.endswith(".yaml")
    )
    return reference, agreements


def parse_files(reference_text: str, agreement_texts: list[tuple[str, str]]) -> tuple[Reference, list[AgreementPlan]]:
    """Validate every file before anything is written."""
    try:
        reference = parse_reference(read_yaml(REFERENCE_FILE, reference_text))
    except PlanFileError as exc:
        raise PlanFileError(f"{REFERENCE_FILE}: {exc}") from None
    agency_province = {a.code: a.province for a in reference.agencies}
    province_codes = {p.code for p in reference.provinces}
    plans = []
    for name, text in agreement_texts:
        try:
            plans.append(parse_agreement(read_yaml(name, text), agency_province, province_codes))
        except PlanFileError as exc:
            raise PlanFileError(f"{name}: {exc}") from None
    return reference, plans


def _by_code(model) -> dict:
    return {row.code: row for row in db.session.scalars(select(model))}


def _add_missing(model, rows, make, counter: str, report: SeedReport) -> dict:
    """The units of ``model`` by code, adding each row whose code is not there yet."""
    units = _by_code(model)
    for row in rows:
        if row.code not in units:
            units[row.code] = make(row)
            db.session.add(units[row.code])
            report.add(counter)
    db.session.flush()
    return units


def _add_successions(model, rows, units: dict, make, counter: str, report: SeedReport) -> None:
    """Add each succession (predecessor → successor by code) not recorded yet."""
    existing = {(s.predecessor_id, s.successor_id) for s in db.session.scalars(select(model))}
    for row in rows:
        pair = (units[row.predecessor].id, units[row.successor].id)
        if pair not in existing:
            db.session.add(make(row, *pair))
            report.add(counter)


def load_reference(reference: Reference, report: SeedReport) -> None:
    provinces = _add_missing(Province, reference.provinces, lambda row: Province(
        code=row.code, name=row.name, name_en=row.name_en, gso_code=row.gso_code,
        valid_from=row.valid_from, valid_to=row.valid_to), "provinces", report)
    _add_successions(ProvinceSuccession, reference.province_successions, provinces, lambda row, old, new:
                     ProvinceSuccession(predecessor_id=old, successor_id=new, effective_date=row.effective_date,
                                        legal_basis=row.basis), "province_successions", report)
    agencies = _add_missing(Agency, reference.agencies, lambda row: Agency(
        code=row.code, province=provinces[row.province], name=row.name, name_en=row.name_en, kind=row.kind,
        is_party_body=row.kind == "party", valid_from=row.valid_from, valid_to=row.valid_to, note=row.note),
        "agencies", report)
    _add_successions(AgencySuccession, reference.agency_successions, agencies, lambda row, old, new:
                     AgencySuccession(predecessor_id=old, successor_id=new, effective_date=row.effective_date,
                                      kind=row.kind, legal_basis=row.basis), "agency_successions", report)
    db.session.flush()


def _steps_of(reference: Reference):
    steps: dict[str, list[Step]] = {}
    for s in reference.agency_successions:
        steps.setdefault(s.predecessor, []).append(Step(s.successor, s.effective_date))
    return lambda code: steps.get(code, [])


def load_agreement(plan: AgreementPlan, reference: Reference, report: SeedReport) -> None:
    agreement = db.session.scalar(select(Agreement).where(Agreement.code == plan.code))
    provinces = _by_code(Province)
    agencies = _by_code(Agency)
    if agreement is None:
        agreement = Agreement(
            code=plan.code, kind=plan.kind, title=plan.title, short_title=plan.short_title,
            document_number=plan.document_number, signed_date=plan.signed_date, signed_place=plan.signed_place,
            signing_verified=plan.signing_verified, period_start=plan.period_start, period_end=plan.period_end,
            open_ended=plan.open_ended, summary=plan.summary, source=plan.source,
        )
        db.session.add(agreement)
        for position, row in enumerate(plan.parties, start=1):
            agreement.parties.append(AgreementParty(
                province=provinces[row.province], position=position, signatory_name=row.signatory_name,
                signatory_title=row.signatory_title,
                focal_agency=agencies[row.focal_agency] if row.focal_agency else None,
            ))
        report.add("agreements")
        db.session.flush()
        ensure_schedule(agreement)  # the Decree 09 default: half-year and annual reports
    party_by_province = {p.province.code: p for p in agreement.parties}
    areas = {a.number: a for a in agreement.areas}
    steps_of = _steps_of(reference)
    for area_row in plan.areas:
        area = areas.get(area_row.number)
        if area is None:
            area = CooperationArea(
                number=area_row.number, name=area_row.name, name_en=area_row.name_en,
                description=area_row.description, provisional=area_row.provisional, restricted=area_row.restricted,
            )
            agreement.areas.append(area)
            report.add("areas")
        codes = {c.code for c in area.commitments}
        for row in area_row.commitments:
            if row.code in codes:
                continue
            commitment = Commitment(
                code=row.code, title=row.title, description=row.description,
                deliverable=row.deliverable, start_date=row.start_date, due_date=row.due_date,
                recurring=row.recurring, source_text=row.source_text, is_demo=plan.demo,
            )
            area.commitments.append(commitment)
            report.add("commitments")
            for side, lead in row.lead.items():
                _assign(commitment, party_by_province[side], lead, Role.LEAD, plan, agencies, steps_of, report)
            for side, codes_ in row.support.items():
                for code in codes_:
                    _assign(commitment, party_by_province[side], code, Role.SUPPORT, plan, agencies, steps_of, report)
    db.session.flush()


def _assign(commitment, party, agency_code, role, plan, agencies, steps_of, report) -> None:
    """Assign on the plan's date, then follow the agency's successions to today's holder."""
    try:
        spans = holders(agency_code, plan.assigned_on, steps_of)
    except AmbiguousSuccession as exc:
        raise PlanFileError(f"{plan.code} {commitment.code}: {exc}") from None
    previous = None
    for span in spans:
        agency = agencies[span.agency]
        assignment = Assignment(
            party=party, agency=agency, role=role, agency_name=agency.name,
            valid_from=span.valid_from, valid_to=span.valid_to, predecessor=previous,
        )
        commitment.assignments.append(assignment)
        report.add("assignments")
        previous = assignment


def seed(reference_text: str | None = None, agreement_texts: list[tuple[str, str]] | None = None) -> SeedReport:
    """Validate the files, then add whatever is missing. The caller commits."""
    packaged = reference_text is None and agreement_texts is None
    if reference_text is None:
        reference_text, files = packaged_files()
        agreement_texts = files if agreement_texts is None else agreement_texts
    reference, plans = parse_files(reference_text, agreement_texts or [])
    report = SeedReport()
    load_reference(reference, report)
    for plan in plans:
        load_agreement(plan, reference, report)
    if packaged:
        load_documents(read_yaml(DOCUMENTS_FILE, (resources.files("tracker") / "data" / DOCUMENTS_FILE)
                                 .read_text(encoding="utf-8")), report)
    invalidate()
    return report


def load_documents(data: dict, report: SeedReport) -> None:
    """The demonstration implementing documents, each checked by the register's rules; one
    already there (same agreement, province and number) is left as it is."""
    agreement = db.session.scalar(select(Agreement).where(Agreement.code == data["agreement"]))
    if agreement is None:
        return
    provinces = _by_code(Province)
    commitments = {c.code: c for area in agreement.areas for c in area.commitments}
    have = set(db.session.execute(select(ImplementingDocument.province_id, ImplementingDocument.number_symbol)
                                  .where(ImplementingDocument.agreement_id == agreement.id)).tuples())
    for i, row in enumerate(data["documents"]):
        facts = document_rules.DocumentFacts(row["type"], row["number_symbol"], row["issued_on"],
                                             row["issuing_body"], row["subject"])
        problems = document_rules.problems(facts, today=row["issued_on"],
                                           agreement_from=agreement.signed_date or agreement.period_start)
        if problems or row["province"] not in provinces or set(row["commitments"]) - set(commitments):
            raise PlanFileError(f"{DOCUMENTS_FILE} documents[{i}]: {problems or 'unknown province or commitment'}")
        province = provinces[row["province"]]
        if (province.id, row["number_symbol"]) in have:
            continue
        db.session.add(ImplementingDocument(
            agreement_id=agreement.id, province_id=province.id, doc_type=row["type"],
            number_symbol=row["number_symbol"], issued_on=row["issued_on"], issuing_body=row["issuing_body"],
            subject=row["subject"], is_demo=True, commitments=[commitments[c] for c in row["commitments"]],
        ))
        report.add("documents")
    db.session.flush()


def demo_meetings() -> SeedReport:
    """The packaged demonstration meeting and its conclusions (``flask users demo``). Not part of
    ``seed``: its conclusions are tracked tasks, so they would change every figure of a plain
    install; a demonstration install gets them with its demo accounts. The caller commits."""
    report = SeedReport()
    load_meetings(read_yaml(MEETINGS_FILE, (resources.files("tracker") / "data" / MEETINGS_FILE)
                            .read_text(encoding="utf-8")), report)
    invalidate()
    return report


def load_meetings(data: dict, report: SeedReport) -> None:
    """The demonstration meetings, each recorded through the meetings service (its conclusions
    made by the plan service); one already there (same agreement, kind and day) is left as it is."""
    agreement = db.session.scalar(select(Agreement).where(Agreement.code == data["agreement"]))
    if agreement is None:
        return
    have = set(db.session.execute(select(Meeting.kind, Meeting.held_on)
                                  .where(Meeting.agreement_id == agreement.id)).tuples())
    parties = {p.province.code: p.id for p in agreement.parties}
    agencies, areas = _by_code(Agency), {a.number: a.id for a in agreement.areas}
    for i, row in enumerate(data["meetings"]):
        if (row["kind"], row["held_on"]) in have:
            continue
        try:
            conclusions = tuple(meetings.ConclusionData(
                area_id=areas[c["area"]], text=c["text"], due_date=c["due_date"],
                leads=tuple((parties[p], agencies[a].id) for p, a in c["lead"].items()),
                supports=tuple((parties[p], agencies[a].id) for p, codes in c.get("support", {}).items() for a in codes))
                for c in row["conclusions"])
        except KeyError as exc:
            raise PlanFileError(f"{MEETINGS_FILE} meetings[{i}]: unknown {exc}") from None
        allowed: dict[int, set[int]] = {}
        for c in conclusions:
            for party_id, agency_id in c.leads + c.supports:
                allowed.setdefault(party_id, set()).add(agency_id)
        data_ = meetings.MeetingData(kind=row["kind"], held_on=row["held_on"], place=row["place"], chair=row["chair"],
                                     participants=row.get("participants", ""), conclusions=conclusions, is_demo=True)
        try:
            meetings.create(agreement, data_, None, allowed=allowed, today=row["held_on"])
        except meetings.MeetingError as exc:
            raise PlanFileError(f"{MEETINGS_FILE} meetings[{i}]: {exc.problems}") from None
        report.add("meetings")
        report.add("commitments", len(conclusions))


def demo_renewal(actor: User | None, today: date) -> Agreement | None:
    """The packaged demonstration of the next phase (``flask users demo``, after the demonstration
    progress): the memorandum renewed through the renewal service with the file's choice of open
    commitments. None when it is not there or already renewed. The caller commits."""
    data = read_yaml(RENEWAL_FILE, (resources.files("tracker") / "data" / RENEWAL_FILE).read_text(encoding="utf-8"))
    old = db.session.scalar(select(Agreement).where(Agreement.code == data["agreement"]))
    if old is None or old.successor is not None:
        return None
    form = {k: data[k] for k in ("renewed_on", "code", "title", "short_title", "period_start", "period_end")}
    try:
        result = renewal.preview(old, form, today)
    except renewal.RenewalError as exc:
        raise PlanFileError(f"{RENEWAL_FILE}: {exc.problems}") from None
    codes = {line.commitment.code: line.commitment.id for line in result.open}
    if set(data["carry"]) - set(codes):
        raise PlanFileError(f"{RENEWAL_FILE} carry: not open on {data['renewed_on']}: {set(data['carry']) - set(codes)}")
    new = renewal.apply(result, {codes[code] for code in data["carry"]}, actor)
    new.summary = data["summary"]
    for c in (c for area in new.areas for c in area.commitments if c.code in data.get("due_dates", {})):
        fields = {"code": c.code, "start_date": c.start_date, "recurring": False, "due_date": data["due_dates"][c.code]}
        plan_edit.edit_commitment(c, fields, None, data["deadline_reason"], actor, new.renewed_on)
    db.session.flush()
    return new
