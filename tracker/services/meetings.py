"""Recording a meeting and its conclusions: each conclusion a commitment made through the plan
service (``plan_edit``), led and supported by the agencies named, marked with the meeting.
Checked, flushed and audited, never committed."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from tracker.domain import meetings as rules
from tracker.domain.codes import Role
from tracker.domain.problems import Problems
from tracker.extensions import db
from tracker.models import Agreement, AgreementParty, Agency, Commitment, CooperationArea, Meeting, User
from tracker.services import audit, evidence, plan_edit

REQUIRED = "required"
IN_FUTURE = "in_future"
BEFORE_AGREEMENT = "before_agreement"
NO_CONCLUSION = "no_conclusion"
TOO_MANY = "too_many"
DUE_BEFORE_MEETING = "due_before_meeting"
NO_LEAD = "no_lead"
TWO_LEADS = "two_leads"
NOT_ALLOWED = "not_allowed"
OTHER_AGREEMENT = "other_agreement"


class MeetingError(Problems):
    """The meeting was refused: ``problems`` maps a form field (``conclusions-0-due_date`` for
    a conclusion's) to a problem code."""


@dataclass(frozen=True)
class ConclusionData:
    area_id: int | None
    text: str
    due_date: date | None
    leads: tuple[tuple[int, int], ...] = ()  # (party id, agency id): one lead per side at most
    supports: tuple[tuple[int, int], ...] = ()  # co-operating agencies


@dataclass(frozen=True)
class MeetingData:
    kind: str
    held_on: date | None
    place: str
    chair: str
    participants: str = ""
    conclusions: tuple[ConclusionData, ...] = field(default=())
    is_demo: bool = False


def _check_meeting(agreement: Agreement, data: MeetingData, today: date) -> dict[str, str]:
    found: dict[str, str] = {}
    if data.kind not in set(rules.MeetingKind):
        found["kind"] = REQUIRED
    if data.held_on is None:
        found["held_on"] = REQUIRED
    elif data.held_on > today:
        found["held_on"] = IN_FUTURE
    elif data.held_on < (agreement.signed_date or agreement.period_start):
        found["held_on"] = BEFORE_AGREEMENT
    for name in ("place", "chair"):
        if not getattr(data, name).strip():
            found[name] = REQUIRED
    if not data.conclusions:
        found["conclusions"] = NO_CONCLUSION
    elif len(data.conclusions) > rules.MAX_CONCLUSIONS:
        found["conclusions"] = TOO_MANY
    return found


def _check_conclusion(c: ConclusionData, held_on: date | None, areas: set[int],
                      allowed: dict[int, set[int]]) -> dict[str, str]:
    found: dict[str, str] = {}
    if c.area_id not in areas:
        found["area"] = REQUIRED if c.area_id is None else OTHER_AGREEMENT
    if not c.text.strip():
        found["text"] = REQUIRED
    if c.due_date is None:
        found["due_date"] = REQUIRED
    elif held_on is not None and c.due_date < held_on:
        found["due_date"] = DUE_BEFORE_MEETING
    if any(agency not in allowed.get(party, ()) for party, agency in c.supports):
        found["supports"] = NOT_ALLOWED
    if any(agency not in allowed.get(party, ()) for party, agency in c.leads):
        found["leads"] = NOT_ALLOWED
    elif not c.leads:
        found["leads"] = NO_LEAD
    elif len({party for party, _ in c.leads}) != len(c.leads):
        found["leads"] = TWO_LEADS
    return found


def _check(agreement: Agreement, data: MeetingData, allowed: dict[int, set[int]], today: date) -> None:
    found = _check_meeting(agreement, data, today)
    areas = {a.id for a in agreement.areas}
    for i, conclusion in enumerate(data.conclusions[:rules.MAX_CONCLUSIONS]):
        found.update({f"conclusions-{i}-{k}": v
                      for k, v in _check_conclusion(conclusion, data.held_on, areas, allowed).items()})
    if found:
        raise MeetingError(found)


def _taken_codes(agreement_id: int) -> set[str]:
    return set(db.session.scalars(select(Commitment.code).join(CooperationArea)
                                  .where(CooperationArea.agreement_id == agreement_id)))


def create(agreement: Agreement, data: MeetingData, author: User | None, *, allowed: dict[int, set[int]],
           today: date, uploads: evidence.Uploads | None = None) -> Meeting:
    """Record a meeting and its conclusions. ``allowed``: for each party id the author may assign
    for, the agencies they may name there (a coordinator: their province's).

    Everything is checked before anything is kept (``MeetingError``, ``EvidenceProblem``);
    the minutes file placed is removed again if the transaction does not commit.
    """
    _check(agreement, data, allowed, today)
    meeting = Meeting(agreement_id=agreement.id, kind=data.kind, held_on=data.held_on, place=data.place.strip(),
                      chair=data.chair.strip(), participants=data.participants.strip() or None,
                      is_demo=data.is_demo, created_by_id=author.id if author is not None else None)
    with evidence.checked(uploads or evidence.Uploads((), "", 1)) as staged:
        if staged:
            _attach(meeting, staged[0], uploads.upload_dir)
        db.session.add(meeting)
        db.session.flush()
    codes = rules.conclusion_codes(_taken_codes(agreement.id), len(data.conclusions))
    areas = {a.id: a for a in agreement.areas}
    for code, conclusion in zip(codes, data.conclusions):
        _conclude(meeting, areas[conclusion.area_id], code, conclusion, author)
    audit.record("meeting_recorded", actor=author, category=audit.DATA, obj=meeting, agreement_id=agreement.id,
                 kind=meeting.kind, held_on=meeting.held_on.isoformat(), conclusions=[c.id for c in meeting.conclusions],
                 file=meeting.original_name)
    return meeting


def _conclude(meeting: Meeting, area: CooperationArea, code: str, c: ConclusionData, author: User | None) -> None:
    """One conclusion: a commitment from the meeting's day to its deadline, with its agencies
    assigned from that day (the meeting assigned them)."""
    reason = rules.title(meeting.kind, meeting.held_on)
    commitment = plan_edit.create_commitment(area, {
        "code": code, "title": c.text.strip(), "start_date": meeting.held_on, "due_date": c.due_date,
        "is_demo": meeting.is_demo, "meeting_id": meeting.id}, author)
    for role, pairs in ((Role.LEAD, c.leads), (Role.SUPPORT, c.supports)):
        for party_id, agency_id in pairs:
            plan_edit.assign(commitment, db.session.get(AgreementParty, party_id), role.value,
                             db.session.get(Agency, agency_id), reason, author, meeting.held_on)


def _attach(meeting: Meeting, staged: evidence.Staged, upload_dir: str) -> None:
    meeting.hold(staged, evidence.place_for_row(db.session(), staged, upload_dir))
