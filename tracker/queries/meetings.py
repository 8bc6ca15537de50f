"""Reads of meetings and their conclusions: the register with each meeting's conclusions
counted by category, one meeting, the form's menus, the report's lines and the API's list."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.domain.status import CATEGORY_ORDER
from tracker.extensions import db
from tracker.models import Agency, Agreement, AgreementParty, Commitment, CooperationArea, Meeting
from tracker.queries.commitments import province_lineage
from tracker.queries.plan import today_province
from tracker.status import sql as status_sql

DONE = ("done_on_time", "done_late")


@dataclass(frozen=True)
class MeetingLine:
    meeting: Meeting
    counts: dict[str, int]  # category code → conclusions the user may see, on the date
    total: int

    @property
    def done(self) -> int:
        return sum(self.counts.get(c, 0) for c in DONE)


def get(meeting_id: int) -> Meeting | None:
    return db.session.get(Meeting, meeting_id)


def counts(meeting_ids: list[int], as_of: date, see_restricted: bool) -> dict[int, dict[str, int]]:
    """Meeting id → its conclusions by category on ``as_of`` (the one engine's categories);
    conclusions in restricted fields only for who may see them (never a number that tells them)."""
    if not meeting_ids:
        return {}
    within = select(Commitment.id).where(Commitment.meeting_id.in_(meeting_ids))
    rows = status_sql.commitments(as_of, within=within).subquery("conclusion_rows")
    stmt = (select(Commitment.meeting_id, rows.c.category, func.count())
            .select_from(rows).join(Commitment, Commitment.id == rows.c.commitment_id)
            .join(CooperationArea, CooperationArea.id == Commitment.area_id)
            .group_by(Commitment.meeting_id, rows.c.category))
    if not see_restricted:
        stmt = stmt.where(CooperationArea.restricted.is_(False))
    found: dict[int, dict[str, int]] = defaultdict(lambda: {c.value: 0 for c in CATEGORY_ORDER})
    for meeting_id, category, n in db.session.execute(stmt):
        found[meeting_id][category] += n
    return {m: dict(found[m]) for m in meeting_ids}


def register(agreement_id: int | None, as_of: date, see_restricted: bool) -> list[MeetingLine]:
    """The meetings (of one agreement, or all), newest first, with their conclusions counted."""
    stmt = select(Meeting).order_by(Meeting.held_on.desc(), Meeting.id.desc()).options(
        selectinload(Meeting.agreement), selectinload(Meeting.conclusions).selectinload(Commitment.area))
    if agreement_id is not None:
        stmt = stmt.where(Meeting.agreement_id == agreement_id)
    meetings = list(db.session.scalars(stmt))
    tallies = counts([m.id for m in meetings], as_of, see_restricted)
    return [MeetingLine(m, tallies[m.id], sum(tallies[m.id].values())) for m in meetings]


def conclusions(meeting_id: int, as_of: date, see_restricted: bool) -> list[Commitment]:
    """The meeting's conclusions in the plan on ``as_of``, by code (restricted fields only if seen)."""
    stmt = (select(Commitment).join(CooperationArea).where(Commitment.meeting_id == meeting_id,
                                                           status_sql.present_on(as_of))
            .order_by(Commitment.sort_key)
            .options(selectinload(Commitment.area).selectinload(CooperationArea.agreement),
                     selectinload(Commitment.assignments)))
    if not see_restricted:
        stmt = stmt.where(CooperationArea.restricted.is_(False))
    return list(db.session.scalars(stmt))


def for_report(agreement_id: int, as_of: date, see_restricted: bool) -> list[MeetingLine]:
    """The agreement's meetings held by ``as_of``, oldest first, with their conclusions on that date."""
    lines = [line for line in register(agreement_id, as_of, see_restricted) if line.meeting.held_on <= as_of]
    return lines[::-1]


def area_menu(agreement: Agreement, see_restricted: bool) -> list[tuple[int, str]]:
    return [(a.id, f"{a.number}. {a.name}") for a in agreement.areas if see_restricted or not a.restricted]


def agency_menu(parties: list[AgreementParty], today: date) -> list[tuple[int, int, str]]:
    """(party id, agency id, "Agency (Province)") for each side's agencies valid today, of the
    party's province as it was and as it is now (a merged party's side is today's province's)."""
    menu = []
    for party in parties:
        now = today_province(party.province, today)
        provinces = province_lineage(party.province_id) | province_lineage(now.id)
        agencies = db.session.scalars(select(Agency).where(Agency.province_id.in_(provinces)).order_by(Agency.name))
        menu += [(party.id, a.id, f"{a.name} ({now.name})") for a in agencies if a.is_valid_on(today)]
    return menu


def api_list(agreement_id: int | None, see_restricted: bool) -> list[tuple[Meeting, list[int]]]:
    """Every meeting (newest first) with the ids of its conclusions the caller may see."""
    stmt = select(Meeting).order_by(Meeting.held_on.desc(), Meeting.id.desc())
    if agreement_id is not None:
        stmt = stmt.where(Meeting.agreement_id == agreement_id)
    meetings = list(db.session.scalars(stmt))
    ids = select(Commitment.meeting_id, Commitment.id).join(CooperationArea).where(
        Commitment.meeting_id.in_([m.id for m in meetings]), Commitment.removed_on.is_(None)).order_by(Commitment.sort_key)
    if not see_restricted:
        ids = ids.where(CooperationArea.restricted.is_(False))
    by_meeting: dict[int, list[int]] = defaultdict(list)
    for meeting_id, commitment_id in db.session.execute(ids):
        by_meeting[meeting_id].append(commitment_id)
    return [(m, by_meeting[m.id]) for m in meetings]
