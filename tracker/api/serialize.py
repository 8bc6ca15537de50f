"""Models as the API's plain JSON (dates as ISO text): what ``schemas`` describes."""
from __future__ import annotations

from datetime import date, datetime

from flask import url_for

from tracker.models import Agency, Agreement, AgreementParty, Assignment, Commitment, CooperationArea, Province


def day(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def province_ref(p: Province) -> dict:
    return {"id": p.id, "code": p.code, "name": p.name}


def agency_ref(a: Agency) -> dict:
    return {"id": a.id, "code": a.code, "name": a.name}


def today_province(p: Province) -> Province:
    """The province as it is now: its single successor, transitively (a merger's new province)."""
    seen = {p.id}
    while len(p.successions) == 1 and p.successions[0].successor_id not in seen:
        p = p.successions[0].successor
        seen.add(p.id)
    return p


def party(p: AgreementParty) -> dict:
    return {"id": p.id, "position": p.position, "province_at_signing": province_ref(p.province),
            "province_now": province_ref(today_province(p.province)), "signatory_name": p.signatory_name,
            "signatory_title": p.signatory_title, "focal_agency": agency_ref(p.focal_agency) if p.focal_agency else None}


def area(a: CooperationArea, commitments: int = 0) -> dict:
    return {"id": a.id, "number": a.number, "name": a.name, "name_en": a.name_en, "provisional": a.provisional,
            "restricted": a.restricted, "commitments": commitments}


def agreement(a: Agreement, counts: dict[int, int], cleared: bool) -> dict:
    visible = [x for x in a.areas if cleared or not x.restricted]
    return {
        "id": a.id, "code": a.code, "title": a.title, "short_title": a.short_title, "kind": a.kind,
        "document_number": a.document_number, "signed_date": day(a.signed_date), "signed_place": a.signed_place,
        "period_start": day(a.period_start), "period_end": day(a.period_end), "open_ended": a.open_ended,
        "predecessor_id": a.predecessor_id, "successor_id": a.successor.id if a.successor else None,
        "renewed_on": day(a.renewed_on),
        "parties": [party(p) for p in a.parties], "fields": [area(x, counts.get(x.id, 0)) for x in visible],
        "hidden_fields": len(a.areas) - len(visible),
    }


def assignment(a: Assignment) -> dict:
    return {"id": a.id, "role": a.role, "agency": agency_ref(a.agency), "agency_name": a.agency_name,
            "party_id": a.party_id, "province": province_ref(a.party.province), "valid_from": day(a.valid_from),
            "valid_to": day(a.valid_to)}


def commitment(c: Commitment, standing) -> dict:
    return {
        "id": c.id, "code": c.code, "title": c.title, "agreement_id": c.area.agreement_id, "field": area(c.area),
        "due_date": day(standing.due), "recurring": c.recurring, "category": standing.category.value,
        "percent": standing.percent, "deadline_state": standing.deadline.value,
        "open_past_due": standing.open_past_due, "assignments": [assignment(a) for a in c.assignments],
        "carried_from_id": c.carried_from_id,
        "meeting_id": c.meeting_id,
    }


def sides(c: Commitment, standing, at_risk: set[int] = frozenset(), confirmations: dict[int, str] | None = None
          ) -> list[dict]:
    parties = {a.party_id: a.party for a in c.assignments}
    out = []
    for party_id, report in standing.sides.items():
        out.append({"party_id": party_id, "province": province_ref(parties[party_id].province),
                    "at_risk": party_id in at_risk, "confirmation": (confirmations or {}).get(party_id),
                    "state": report.state.value if report else None, "percent": report.percent if report else None,
                    "as_of": day(report.as_of) if report else None,
                    "completed_on": day(report.completed_on) if report else None})
    return out


def update(u) -> dict:
    return {
        "id": u.id, "commitment_id": u.commitment_id, "status": u.status, "agency": agency_ref(u.agency),
        "party_id": u.party_id, "role": u.role, "state": u.state, "percent": u.percent, "as_of": day(u.as_of),
        "results": u.results, "obstacles": u.obstacles, "proposals": u.proposals, "next_steps": u.next_steps,
        "reason": u.reason, "actual": u.actual, "period_key": u.period_key, "late": bool(u.late), "submitted_at": day(u.submitted_at),
        "reviewed_at": day(u.reviewed_at), "review_reason": u.review_reason, "supersedes_id": u.supersedes_id,
        "evidence": [{"id": e.id, "name": e.original_name, "content_type": e.content_type, "size": e.size,
                      "url": url_for("progress.evidence", evidence_id=e.id)} for e in u.evidence],
    }


def period(view) -> dict:
    from tracker import i18n

    p = view.period
    return {"key": p.key, "label": p.label_en if i18n.language() == "en" else p.label_vi, "frequency": p.frequency.value, "start": day(p.start),
            "end": day(p.end), "deadline": day(p.deadline), "closes_on": day(view.closes_on), "closed": view.closed,
            "frozen_on": day(view.frozen_on)}


def agency(a: Agency) -> dict:
    return {"id": a.id, "code": a.code, "name": a.name, "name_en": a.name_en, "kind": a.kind,
            "province": province_ref(a.province), "valid_from": day(a.valid_from), "valid_to": day(a.valid_to),
            "successor_ids": sorted(s.successor_id for s in a.successions)}
