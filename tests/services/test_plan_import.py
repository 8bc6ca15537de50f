"""Plan import and export: a round trip changes nothing, errors write nothing, an upsert
changes exactly the changed rows (effective today, past reports untouched)."""
from __future__ import annotations

import csv
from datetime import date, timedelta

from sqlalchemy import func, select

from tests.factories import TODAY, agreement
from tracker.exports import plan_sheet
from tracker.extensions import db
from tracker.models import Assignment, AuditEvent, Commitment, DeadlineExtension
from tracker.queries import plan as plan_queries
from tracker.services import plan_import
from tracker.status import sql as status_sql


def export(runner, path):
    result = runner.invoke(args=["plan", "export", "TN-BG-2023", str(path)])
    assert result.exit_code == 0, result.output
    return path


def rows_of(path):
    with open(path, encoding="utf-8-sig") as source:
        return list(csv.reader(source))


def write(path, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows(rows)
    return path


def counts():
    return (db.session.scalar(select(func.count(Commitment.id))), db.session.scalar(select(func.count(Assignment.id))),
            db.session.scalar(select(func.count(AuditEvent.id))))


def test_export_then_import_changes_nothing(runner, tmp_path):
    path = export(runner, tmp_path / "plan.xlsx")
    before = counts()
    result = runner.invoke(args=["plan", "import", str(path), "--agreement", "TN-BG-2023", "--apply"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "created: 0, updated: 0, unchanged: 29, errors: 0"
    assert counts() == before


def test_errors_are_listed_by_row_and_nothing_is_written(runner, tmp_path):
    rows = rows_of(export(runner, tmp_path / "plan.csv"))
    rows[1][2] = "Tiêu đề đã sửa"  # a good change that must not be written either
    rows[3][6] = "31/02/2025"  # row 4: no such date
    rows.append(["3", "3.99", "Việc mới", "", "", "01/01/2026", "01/01/2025", "", "TN-STC", "", "BN-SXD", ""])  # row 31
    rows.append(["3", "1.1", "Trùng mã", "", "", "", "", "", "TN-STC", "", "BN-SXD", ""])  # row 32
    rows.append(["3", "3.98", "Không chủ trì", "", "", "", "", "", "", "", "", ""])  # row 33
    rows.append(["3", "3.97", "Cơ quan lạ", "", "", "", "", "", "Sở Không Có", "", "BN-SXD", ""])  # row 34
    before = counts()
    result = runner.invoke(args=["plan", "import", str(write(tmp_path / "bad.csv", rows)),
                                 "--agreement", "TN-BG-2023", "--apply"])
    assert result.exit_code != 0
    lines = result.output.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == ["row 4", "row 31", "row 32", "row 33", "row 34"]
    assert "31/02/2025" in lines[0] and "1.1" in lines[2] and "Sở Không Có" in lines[4]
    assert lines[-1] == "created: 0, updated: 1, unchanged: 27, errors: 5"
    assert counts() == before
    assert db.session.scalar(select(Commitment.title).where(Commitment.code == "1.1")) != "Tiêu đề đã sửa"


def test_an_upsert_changes_exactly_the_changed_rows(runner, tmp_path):
    rows = rows_of(export(runner, tmp_path / "plan.csv"))
    header = rows[0]
    col = {h.rsplit("(", 1)[1].rstrip(")"): i for i, h in enumerate(header)}
    by_code = {r[col["code"]]: r for r in rows[1:]}
    target = next(c for c, r in by_code.items() if r[col["due"]] and r[col["lead TN"]] != "TN-STC")
    changed = by_code[target]
    old_due = changed[col["due"]]
    changed[col["lead TN"]] = "sở tài chính tỉnh thái nguyên"  # by name, without diacritics' case
    changed[col["due"]] = "31/12/2027"
    title_row = by_code["1.2"] if target != "1.2" else by_code["1.3"]
    title_row[col["title"]] = "Nội dung đã sửa"
    new = ["7", "7.99", "Xúc tiến đầu tư chung", "", "", "01/01/2027", "30/06/2027", "", "TN-SKHCN", "",
           "BN-SCT", "BN-SXD; Sở Tài chính tỉnh Bắc Ninh"]
    rows.append(new)
    commitment = db.session.scalar(select(Commitment).where(Commitment.code == target))
    past = date(2026, 1, 15)
    past_row = db.session.execute(status_sql.commitments(past).where(Commitment.id == commitment.id)).one()
    audit_before = db.session.scalar(select(func.count(AuditEvent.id)))

    result = runner.invoke(args=["plan", "import", str(write(tmp_path / "new.csv", rows)),
                                 "--agreement", "TN-BG-2023", "--apply"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "created: 1, updated: 2, unchanged: 27, errors: 0"
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.id > 0).order_by(AuditEvent.id.desc())
                                .limit(db.session.scalar(select(func.count(AuditEvent.id))) - audit_before)).all()
    assert sorted(e.action for e in events) == ["plan_commitment_created", "plan_commitment_updated",
                                                "plan_commitment_updated"]
    db.session.expire_all()
    commitment = db.session.get(Commitment, commitment.id)
    lead = [a for a in commitment.assignments if a.role == "lead" and a.party.province.code in ("TN97", "TN")]
    current = [a for a in lead if a.valid_to is None]
    assert [a.agency.code for a in current] == ["TN-STC"] and current[0].valid_from == TODAY
    assert any(a.valid_to == TODAY - timedelta(days=1) for a in lead)
    # the deadline moved from today on; a report for a past date keeps the old one
    extension = db.session.scalar(select(DeadlineExtension).where(DeadlineExtension.commitment_id == commitment.id))
    assert extension.effective_on == TODAY and extension.new_due_date == date(2027, 12, 31)
    assert extension.old_due_date.strftime("%d/%m/%Y") == old_due
    assert db.session.execute(status_sql.commitments(past).where(Commitment.id == commitment.id)).one() == past_row
    created = db.session.scalar(select(Commitment).where(Commitment.code == "7.99"))
    assert sorted((a.party.province.code, a.role, a.agency.code) for a in created.assignments) == [
        ("BG97", "lead", "BN-SCT"), ("BG97", "support", "BN-STC"), ("BG97", "support", "BN-SXD"),
        ("TN97", "lead", "TN-SKHCN")]
    again = runner.invoke(args=["plan", "import", str(tmp_path / "new.csv"), "--agreement", "TN-BG-2023"])
    assert again.output.splitlines()[-1] == "created: 0, updated: 0, unchanged: 30, errors: 0"


def test_without_apply_nothing_is_written_and_missing_codes_can_be_removed(runner, tmp_path):
    rows = rows_of(export(runner, tmp_path / "plan.csv"))
    rows[1][2] = "Sửa nhưng chưa ghi"
    path = write(tmp_path / "p.csv", rows[:-1])  # the last commitment is missing
    result = runner.invoke(args=["plan", "import", str(path), "--agreement", "TN-BG-2023"])
    assert result.exit_code == 0 and result.output.splitlines()[-1] == "created: 0, updated: 1, unchanged: 27, errors: 0"
    assert db.session.scalar(select(func.count(Commitment.id)).where(Commitment.title == "Sửa nhưng chưa ghi")) == 0
    missing_code = rows[-1][1]
    result = runner.invoke(args=["plan", "import", str(path), "--agreement", "TN-BG-2023", "--apply",
                                 "--remove-missing"])
    assert result.exit_code == 0, result.output
    gone = db.session.scalar(select(Commitment).where(Commitment.code == missing_code))
    assert gone.removed_on == TODAY and all(a.valid_to is not None for a in gone.assignments)
    ids_now = {r.commitment_id for r in db.session.execute(status_sql.commitments(TODAY))}
    ids_then = {r.commitment_id for r in db.session.execute(status_sql.commitments(date(2026, 1, 1)))}
    assert gone.id not in ids_now and gone.id in ids_then


def test_a_coordinator_import_refuses_the_other_side(app, tmp_path):
    ag = agreement()
    cols, rows = plan_queries.export_rows(ag, TODAY)
    rows[0]["lead BN"] = "BN-SXD"  # the other province's side
    rows[1]["lead TN"] = "TN-SXD"  # their own side: fine, but a shared row's text is not theirs
    rows[2]["title"] = "Đổi nội dung chung"
    path = tmp_path / "c.xlsx"
    with open(path, "wb") as out:
        plan_sheet.write_xlsx(cols, rows, out)
    keys, read_rows = plan_sheet.read("c.xlsx", path.read_bytes())
    tn = next(p.province_id for p in ag.parties if p.province.code == "TN97")
    from tracker.queries.commitments import province_lineage
    from tracker.models import Province

    today_tn = db.session.scalar(select(Province.id).where(Province.code == "TN"))
    ctx, result = plan_queries.check_file(ag, keys, read_rows, TODAY, province_lineage(today_tn) | {tn})
    assert [(r.row, [p.code for p in r.problems]) for r in result.rows if r.problems] == [
        (2, ["other_side"]), (4, ["shared_fields"])]
    assert result.rows[1].kind == "update"
    try:
        plan_import.apply(ag, result, ctx, None)
    except plan_import.PlanImportError:
        pass
    else:
        raise AssertionError("a file with errors was applied")


def test_targets_go_in_and_come_back_out(runner, tmp_path):
    from tracker.models import CommitmentTarget

    rows = rows_of(export(runner, tmp_path / "plan.csv"))
    col = {h.rsplit("(", 1)[1].rstrip(")"): i for i, h in enumerate(rows[0])}
    assert "target_unit" in col and f"target {TODAY.year}" in col
    rows[1][col["target_unit"]] = "hội nghị"
    rows[1][col[f"target {TODAY.year}"]] = "4"
    result = runner.invoke(args=["plan", "import", str(write(tmp_path / "t.csv", rows)), "--agreement", "TN-BG-2023",
                                 "--apply"])
    assert result.output.splitlines()[-1] == "created: 0, updated: 1, unchanged: 28, errors: 0", result.output
    target = db.session.scalar(select(CommitmentTarget))
    assert (target.year, target.value, target.unit, target.effective_on) == (TODAY.year, 4.0, "hội nghị", TODAY)
    again = rows_of(export(runner, tmp_path / "again.csv"))
    result = runner.invoke(args=["plan", "import", str(tmp_path / "again.csv"), "--agreement", "TN-BG-2023"])
    assert result.output.splitlines()[-1] == "created: 0, updated: 0, unchanged: 29, errors: 0"
    assert again[1][col["target_unit"]] == "hội nghị"
