"""`fsck`: a crash between placing a file and committing its row leaves an orphan; a lost or
changed file leaves a row without its file. Both are listed; `--repair` quarantines orphans
beside the upload folder and deletes nothing."""
import io
import os
import time

import pytest
from werkzeug.datastructures import FileStorage

from tests.factories import PDF_BYTES, make_update, officer_commitment
from tracker.services import evidence as store
from tracker.services.fsck import quarantine_dir


@pytest.fixture
def uploads(app, monkeypatch, tmp_path):
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(folder))
    return folder


def crashed_before_commit(uploads, age_seconds=3600) -> str:
    """A file staged and placed by a request that died before its commit: no row names it."""
    staged = store.stage(FileStorage(io.BytesIO(PDF_BYTES), filename="Tờ trình.pdf"), uploads, 1_000_000)
    stored = store.place(staged, uploads)
    old = time.time() - age_seconds
    os.utime(uploads / stored, (old, old))
    return stored


def test_fsck_lists_orphans_and_missing_files_and_fails(app, runner, uploads):
    commitment = officer_commitment()
    gone = make_update(app, commitment, evidence=True).evidence[0]
    changed = make_update(app, commitment, evidence=True).evidence[0]
    fine = make_update(app, commitment, evidence=True).evidence[0]
    (uploads / gone.stored_name).unlink()
    (uploads / changed.stored_name).write_bytes(PDF_BYTES + b"% edited on disk\n")
    orphan = crashed_before_commit(uploads)

    result = runner.invoke(args=["fsck"])
    lines = result.output.splitlines()
    assert result.exit_code == 1
    assert f"orphan\t{orphan}" in lines
    assert f"missing\t{gone.stored_name}\tevidence {gone.id}, update {gone.update_id}: file not found" in lines
    assert f"missing\t{changed.stored_name}\tevidence {changed.id}, update {changed.update_id}: sha256 differs" in lines
    assert not any(fine.stored_name in line for line in lines)
    assert lines[-1] == "fsck: 1 orphaned, 2 missing"
    assert (uploads / orphan).is_file()  # listing moves nothing


def test_fsck_repair_quarantines_orphans_and_deletes_nothing(app, runner, uploads):
    kept = make_update(app, officer_commitment(), evidence=True).evidence[0]
    orphan = crashed_before_commit(uploads)
    leftover = uploads / ".staging" / "tmpdead.part"  # a request that died while staging
    leftover.write_bytes(b"%PDF-1.4 half")
    os.utime(leftover, (time.time() - 3600,) * 2)

    result = runner.invoke(args=["fsck", "--repair"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "fsck: 2 orphaned, 0 missing, 2 quarantined"
    assert not (uploads / orphan).exists() and not leftover.exists()
    [run] = quarantine_dir(uploads).iterdir()
    moved = {p.relative_to(run).as_posix(): p.read_bytes() for p in run.rglob("*") if p.is_file()}
    assert moved == {orphan: PDF_BYTES, ".staging/tmpdead.part": b"%PDF-1.4 half"}
    assert quarantine_dir(uploads).parent == uploads.parent  # beside the uploads, not inside
    assert (uploads / kept.stored_name).read_bytes() == PDF_BYTES

    again = runner.invoke(args=["fsck"])
    assert again.exit_code == 0
    assert again.output.splitlines()[-1] == "fsck: 0 orphaned, 0 missing"


def test_fsck_leaves_a_file_that_may_be_about_to_be_committed(app, runner, uploads):
    young = crashed_before_commit(uploads, age_seconds=5)
    result = runner.invoke(args=["fsck", "--repair"])
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == \
        "fsck: 0 orphaned, 0 missing, 0 quarantined (1 newer than 15 minutes left alone)"
    assert (uploads / young).is_file()
    assert runner.invoke(args=["fsck", "--grace-minutes", "0"]).output.splitlines()[0] == f"orphan\t{young}"
