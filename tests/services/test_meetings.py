"""Recording a meeting: checked before anything is kept, its conclusions commitments made by the
plan service (coded, assigned, audited, counted like any other), its minutes stored like evidence."""
import io
from datetime import date

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from tests.factories import PDF_BYTES, TODAY, agreement, approve, user
from tracker.domain.dashboard import Filters
from tracker.extensions import db
from tracker.models import Agency, AuditEvent, Commitment, Meeting
from tracker.queries import dashboard
from tracker.queries import meetings as queries
from tracker.services import evidence
from tracker.services import meetings as service
from tracker.services import seed


def agency(code: str) -> Agency:
    return db.session.scalar(select(Agency).where(Agency.code == code))


def sides():
    """The memorandum's parties: Thái Nguyên's (TN97) and Bắc Giang's (BG97, now Bắc Ninh)."""
    first, second = agreement().parties
    return first, second


def allowed_all() -> dict[int, set[int]]:
    tn, bg = sides()
    return {tn.id: {agency("TN-SXD").id, agency("TN-STC").id}, bg.id: {agency("BN-SXD").id, agency("BN-STC").id}}


def conclusion(**changes) -> service.ConclusionData:
    tn, bg = sides()
    area = next(a for a in agreement().areas if a.number == 3)
    base = dict(area_id=area.id, text="Hoàn thành rà soát hướng tuyến đường vành đai V", due_date=date(2026, 12, 31),
                leads=((tn.id, agency("TN-SXD").id), (bg.id, agency("BN-SXD").id)),
                supports=((tn.id, agency("TN-STC").id),))
    return service.ConclusionData(**{**base, **changes})


def data(**changes) -> service.MeetingData:
    base = dict(kind="so_ket", held_on=date(2026, 6, 15), place="Thái Nguyên", chair="Chủ tịch UBND tỉnh",
                participants="Các sở, ngành hai tỉnh",
                conclusions=(conclusion(), conclusion(text="Tổ chức xúc tiến đầu tư chung", due_date=date(2026, 9, 30))))
    return service.MeetingData(**{**base, **changes})


def record(item=None, allowed=None, uploads=None) -> Meeting:
    return service.create(agreement(), item or data(), user(), allowed=allowed or allowed_all(), today=TODAY,
                          uploads=uploads)


def test_conclusions_are_commitments_coded_assigned_and_audited(app):
    meeting = record()
    db.session.commit()
    first, second = meeting.conclusions
    assert (first.code, second.code) == ("KL1.1", "KL1.2")
    assert first.meeting_id == meeting.id and first.start_date == meeting.held_on and first.due_date == date(2026, 12, 31)
    assert first.title == "Hoàn thành rà soát hướng tuyến đường vành đai V" and first.area.number == 3
    leads = sorted(a.agency.code for a in first.current_assignments if a.role == "lead")
    assert leads == ["BN-SXD", "TN-SXD"]
    assert [a.agency.code for a in first.current_assignments if a.role == "support"] == ["TN-STC"]
    assert all(a.valid_from == meeting.held_on for a in first.assignments)  # the meeting assigned them
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"meeting_recorded", "plan_commitment_created", "assignment_changed"} <= actions
    again = record()  # a second meeting: the next number
    assert [c.code for c in again.conclusions] == ["KL2.1", "KL2.2"]


def test_conclusions_count_like_any_commitment_and_the_meeting_filter_keeps_only_them(app):
    everything = dashboard.build(Filters(agreement=agreement().id), TODAY, see_restricted=True).total
    meeting = record()
    db.session.commit()
    approve(meeting.conclusions[0], "done", 100, as_of=date(2026, 10, 1))
    assert dashboard.build(Filters(agreement=agreement().id), TODAY, see_restricted=True).total == everything + 2
    only = dashboard.build(Filters(agreement=agreement().id, meeting=meeting.id), TODAY, see_restricted=True)
    assert only.total == 2 and only.categories["done_on_time"] == 1
    assert queries.counts([meeting.id], TODAY, True)[meeting.id]["done_on_time"] == 1
    line = queries.register(agreement().id, TODAY, True)[0]
    assert line.meeting.id == meeting.id and line.total == 2 and line.done == 1


def test_restricted_conclusions_are_counted_only_for_the_cleared(app):
    restricted = next(a for a in agreement().areas if a.restricted)
    meeting = record(data(conclusions=(conclusion(), conclusion(area_id=restricted.id))))
    db.session.commit()
    assert sum(queries.counts([meeting.id], TODAY, True)[meeting.id].values()) == 2
    assert sum(queries.counts([meeting.id], TODAY, False)[meeting.id].values()) == 1
    assert len(queries.conclusions(meeting.id, TODAY, False)) == 1
    assert queries.api_list(agreement().id, False)[0][1] == [meeting.conclusions[0].id]


@pytest.mark.parametrize("changes, problems", [
    (dict(held_on=None), {"held_on": service.REQUIRED}),
    (dict(held_on=date(2026, 11, 27), conclusions="first only"), {"held_on": service.IN_FUTURE}),
    (dict(held_on=date(2022, 12, 31)), {"held_on": service.BEFORE_AGREEMENT}),
    (dict(place=" ", chair=""), {"place": service.REQUIRED, "chair": service.REQUIRED}),
    (dict(kind="hop"), {"kind": service.REQUIRED}),
    (dict(conclusions=()), {"conclusions": service.NO_CONCLUSION}),
])
def test_a_bad_meeting_is_refused_whole(app, changes, problems):
    if changes.get("conclusions") == "first only":  # due after the day, which is not the point here
        changes = {**changes, "conclusions": (conclusion(),)}
    before = db.session.scalar(select(func.count(Commitment.id)))
    with pytest.raises(service.MeetingError) as refused:
        record(data(**changes))
    assert refused.value.problems == problems
    assert db.session.scalar(select(func.count(Commitment.id))) == before
    assert db.session.scalar(select(func.count(Meeting.id))) == 0


def test_a_bad_conclusion_is_named_by_its_row(app):
    tn, _bg = sides()
    rows = (conclusion(), conclusion(text="", due_date=date(2026, 1, 1), leads=()),
            conclusion(area_id=None, leads=((tn.id, agency("TN-SXD").id), (tn.id, agency("TN-STC").id))),
            conclusion(supports=((tn.id, agency("TN-SYT").id),)))
    with pytest.raises(service.MeetingError) as refused:
        record(data(conclusions=rows))
    assert refused.value.problems == {
        "conclusions-1-text": service.REQUIRED, "conclusions-1-due_date": service.DUE_BEFORE_MEETING,
        "conclusions-1-leads": service.NO_LEAD, "conclusions-2-area": service.REQUIRED,
        "conclusions-2-leads": service.TWO_LEADS, "conclusions-3-supports": service.NOT_ALLOWED}


def test_a_coordinator_names_only_the_agencies_allowed(app):
    tn, _bg = sides()
    with pytest.raises(service.MeetingError) as refused:
        record(allowed={tn.id: {agency("TN-SXD").id, agency("TN-STC").id}})  # Bắc Ninh's agencies are not theirs
    assert refused.value.problems["conclusions-0-leads"] == service.NOT_ALLOWED


def test_the_minutes_are_stored_like_evidence_and_fsck_and_backup_know_them(app, tmp_path):
    from tracker.services import backup, fsck

    upload = FileStorage(io.BytesIO(PDF_BYTES), filename="Biên bản hội nghị.pdf")
    meeting = record(uploads=evidence.Uploads.of([upload], str(tmp_path), 10_000_000))
    db.session.commit()
    assert meeting.original_name == "Biên bản hội nghị.pdf" and meeting.file_kind == "pdf"
    report = fsck.check(tmp_path, grace=fsck.timedelta(0))
    assert report.orphans == [] and report.missing == []  # named by its row: never quarantined
    assert (meeting.stored_name, meeting.sha256) in db.session.execute(
        db.text(backup._stored_files({"evidence_files", "meetings"}))).all()
    evidence.path_for(meeting.stored_name, tmp_path).unlink()
    [missing] = fsck.check(tmp_path).missing
    assert missing.owner == f"meeting {meeting.id}" and missing.reason == "not_found"


def test_the_status_report_names_the_meetings_held_by_its_date(app):
    from tracker.exports import outline
    from tracker.queries import reports

    meeting = record()
    db.session.commit()
    approve(meeting.conclusions[0], "done", 100, as_of=date(2026, 10, 1))
    report = reports.build(reports.Scope(agreement=agreement(), as_of=TODAY), TODAY)
    assert report.meetings == ("Ngày 15/06/2026, tổ chức Hội nghị sơ kết tại Thái Nguyên; ban hành 2 kết luận, "
                               "đã hoàn thành 1.",)
    earlier = reports.build(reports.Scope(agreement=agreement(), as_of=date(2026, 9, 30)), TODAY)
    assert earlier.meetings == ("Ngày 15/06/2026, tổ chức Hội nghị sơ kết tại Thái Nguyên; ban hành 2 kết luận, "
                                "đã hoàn thành 0.",)  # as the conclusions stood then
    assert reports.build(reports.Scope(agreement=agreement(), as_of=date(2026, 6, 14)), TODAY).meetings == ()
    notes = {row.code: row.notes for row in report.rows}
    assert notes["KL1.1"].startswith("Kết luận Hội nghị sơ kết ngày 15/06/2026")  # the annex names the source
    assert not any("Kết luận" in notes[code] for code in ("2.1", "3.1"))
    texts = [getattr(block, "text", "") for block in outline.build(report).body]
    at = texts.index("Các hội nghị, cuộc họp đã tổ chức:")
    assert texts[at + 1].startswith("- Ngày 15/06/2026, tổ chức Hội nghị sơ kết")


def test_the_demonstration_meeting_is_loaded_once(app):
    first = seed.demo_meetings()
    assert first.created == {"meetings": 1, "commitments": 3}
    meeting = db.session.scalar(select(Meeting))
    assert meeting.is_demo and meeting.kind == "so_ket" and all(c.is_demo for c in meeting.conclusions)
    assert [c.code for c in meeting.conclusions] == ["KL1.1", "KL1.2", "KL1.3"]
    for c in meeting.conclusions:
        assert sorted(a.agency.province.code for a in c.current_assignments if a.role == "lead") == ["BN", "TN"]
    assert seed.demo_meetings().created == {}  # twice changes nothing
