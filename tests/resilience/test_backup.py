"""`backup` while 16 writers write, `restore` elsewhere, and the copy compared table by table and
file by file; restore's refusals; finding pg_dump."""
from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from werkzeug.datastructures import FileStorage

from tests.resilience.conftest import OFFICER, Standalone
from tracker import clock
from tracker.extensions import db
from tracker.models import Agency, Assignment, Commitment, CooperationArea, EvidenceFile, User, search_index
from tracker.permissions import reportable_assignments
from tracker.queries.commitments import CommitmentFilters, search
from tracker.services import backup as backup_service
from tracker.services import evidence as store
from tracker.services import fsck
from tracker.services import progress

WRITERS = 16
# Tables the writers add to; every other table must come back exactly as it was.
WRITTEN = {"progress_updates", "evidence_files", "audit_events", "change_counter"}
RESULTS = re.compile(r"^writer (\d+) #(\d+)$")


def evidence_pdf(writer: int, seq: int) -> bytes:
    return (f"%PDF-1.4\n% writer {writer} #{seq}\n".encode()
            + b"1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def officer_target() -> tuple[int, int]:
    """(commitment id, officer id): a commitment today's TN-STC leads, outside restricted fields."""
    agency = db.session.scalar(select(Agency).where(Agency.code == "TN-STC"))
    commitment = db.session.scalar(
        select(Commitment).join(Commitment.area).join(Assignment, Assignment.commitment_id == Commitment.id)
        .where(Assignment.agency_id == agency.id, Assignment.valid_to.is_(None), Assignment.role == "lead",
               CooperationArea.restricted.is_(False)).order_by(Commitment.id))
    officer = db.session.scalar(select(User).where(User.email == OFFICER.email))
    return commitment.id, officer.id


def record_update(upload_dir: Path, commitment_id: int, officer_id: int, staged: store.Staged, placed: list[str],
                  *, results: str, token: str) -> None:
    """A draft update with one file, committed as the progress form does it (``placed`` grows as the file is placed)."""
    today = clock.today()
    commitment = db.session.get(Commitment, commitment_id)
    author = db.session.get(User, officer_id)
    assignment = reportable_assignments(author, commitment, today)[0]
    update = progress.create(
        commitment, assignment, author,
        progress.UpdateData(state="in_progress", percent="10", as_of=today, results=results),
        submit=False, form_token=token, today=today)
    placed.append(store.place(staged, upload_dir))
    update.evidence.append(EvidenceFile(
        original_name=staged.original_name, stored_name=placed[0], kind=staged.kind,
        content_type=staged.content_type, size=staged.size, sha256=staged.sha256, uploader_id=author.id))
    db.session.commit()


class TakingTurns:
    """A first-come, first-served lock (``threading.Lock`` lets one thread win again and again)."""

    def __init__(self):
        self._changed = threading.Condition()
        self._next_ticket = 0
        self._serving = 0

    def __enter__(self):
        with self._changed:
            ticket = self._next_ticket
            self._next_ticket += 1
            self._changed.wait_for(lambda: self._serving == ticket)

    def __exit__(self, *exc):
        with self._changed:
            self._serving += 1
            self._changed.notify_all()


class Writers:
    """16 threads, each recording draft updates with one PDF through the services, as the
    progress form does: add, place the file, commit; on a database error roll back, remove
    the placed file and try again."""

    def __init__(self, source: Standalone):
        self.source = source
        self.committed = [0] * WRITERS
        self.stop = threading.Event()
        self.errors: list[BaseException] = []
        # SQLite admits one writer at a time; taking turns here (the backup does not) spares the
        # writers SQLite's sleeping busy handler, which starves some of them for seconds.
        self.turn = TakingTurns() if source.backend == "sqlite" else contextlib.nullcontext()
        with source.app.app_context():
            self.commitment_id, self.officer_id = officer_target()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(WRITERS)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)
        assert not any(t.is_alive() for t in self.threads), "a writer hung"

    def _run(self, writer: int) -> None:
        try:
            with self.source.app.app_context():
                while not self.stop.is_set():
                    self._write_one(writer, self.committed[writer])
                    self.committed[writer] += 1
                db.session.remove()
        except BaseException as exc:  # reported by the test
            self.errors.append(exc)

    def _write_one(self, writer: int, seq: int) -> None:
        for attempt in range(200):
            staged = store.stage(FileStorage(io.BytesIO(evidence_pdf(writer, seq)), filename=f"w{writer}-{seq}.pdf"),
                                 self.source.upload_dir, 1_000_000)
            placed: list[str] = []
            try:
                with self.turn:
                    self._transaction(writer, seq, staged, placed)
                return
            except OperationalError:  # "database is locked": try again, as a user would
                db.session.rollback()
                for name in placed:
                    store.path_for(name, self.source.upload_dir).unlink()
                time.sleep(0.002 * (attempt % 10))
            finally:
                store.discard(staged)
        raise AssertionError(f"writer {writer} could not commit #{seq}")

    def _transaction(self, writer: int, seq: int, staged: store.Staged, placed: list[str]) -> None:
        record_update(self.source.upload_dir, self.commitment_id, self.officer_id, staged, placed,
                      results=f"writer {writer} #{seq}", token=f"w{writer}-{seq}")

    def wait_until(self, minimum: list[int], timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while any(c < m for c, m in zip(self.committed, minimum)):
            assert not self.errors, self.errors[0]
            assert time.monotonic() < deadline, f"writers too slow: {self.committed}"
            time.sleep(0.005)


def rows_by_key(engine) -> dict[str, dict[tuple, tuple]]:
    """Every row of every table the models define, keyed by primary key."""
    result = {}
    with engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            key = [c.name for c in table.primary_key.columns]
            names = [c.name for c in table.columns]
            result[table.name] = {
                tuple(row[k] for k in key): tuple(row[n] for n in names)
                for row in connection.execute(select(table)).mappings()
            }
    return result


def files_under(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_backup_while_16_writers_write_restores_a_consistent_copy(source, restore_target, tmp_path):
    backup_dir = tmp_path / "backup"
    with source.app.app_context():
        before = {name: len(rows) for name, rows in rows_by_key(db.engine).items()}

    with Writers(source) as writers:
        writers.wait_until([1] * WRITERS)  # every writer is busy when the backup starts
        at_start = list(writers.committed)
        result = source.app.test_cli_runner().invoke(args=["backup", str(backup_dir)])
        at_end = list(writers.committed)
        writers.wait_until([n + 1 for n in at_end])  # and still writing after it ended
    assert not writers.errors, writers.errors[0]
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith("backup: ")

    target = restore_target()
    restored_run = target.app.test_cli_runner().invoke(args=["restore", str(backup_dir)])
    assert restored_run.exit_code == 0, restored_run.output

    with source.app.app_context():
        original = rows_by_key(db.engine)
    with target.app.app_context():
        restored = rows_by_key(db.engine)
        db.engine.dispose()

    # Table by table: untouched tables identical; written ones a subset of the source, row for row.
    with target.app.app_context():
        assert set(backup_service.table_counts(db.engine)) == set(original) | {"alembic_version"}
        db.engine.dispose()
    for name, rows in restored.items():
        if name in WRITTEN:
            if name != "change_counter":
                assert before[name] < len(rows) < len(original[name]), name  # taken mid-stream
                assert all(original[name].get(key) == row for key, row in rows.items()), name
        else:
            assert rows == original[name], name
    [(counter_key, counter)] = restored["change_counter"].items()
    assert counter <= original["change_counter"][counter_key]

    # One moment: each writer's updates are a prefix 0..k-1, every one with its file and audit event.
    updates = restored["progress_updates"]
    cols = {t.name: [c.name for c in t.columns] for t in db.metadata.sorted_tables}
    seqs: dict[int, set[int]] = {}
    written_ids = set()
    for row in updates.values():
        match = RESULTS.match(dict(zip(cols["progress_updates"], row))["results"] or "")
        if match:
            seqs.setdefault(int(match[1]), set()).add(int(match[2]))
            written_ids.add(dict(zip(cols["progress_updates"], row))["id"])
    for writer in range(WRITERS):
        k = len(seqs.get(writer, ()))
        assert seqs.get(writer, set()) == set(range(k))
        # at most one commit per writer can have landed without being counted yet
        assert at_start[writer] <= k <= at_end[writer] + 1
    evidence = [dict(zip(cols["evidence_files"], row)) for row in restored["evidence_files"].values()]
    assert sorted(e["update_id"] for e in evidence) == sorted(written_ids)
    created = [dict(zip(cols["audit_events"], row)) for row in restored["audit_events"].values()]
    assert sorted(a["object_id"] for a in created if a["action"] == "update_created") == sorted(written_ids)

    # File by file: exactly the files the restored rows name, byte for byte the source's.
    restored_files = files_under(target.upload_dir)
    assert set(restored_files) == {e["stored_name"] for e in evidence}
    source_files = files_under(source.upload_dir)
    for name, data in restored_files.items():
        assert data == source_files[name]
    assert {backup_service.sha256_of(target.upload_dir / e["stored_name"]) for e in evidence} \
        == {e["sha256"] for e in evidence}

    rows_total = sum(len(r) for r in restored.values())  # alembic_version is not counted
    assert restored_run.output.splitlines()[-1] == f"restored: {rows_total} rows, {len(evidence)} files, checksums ok"

    # The writers' failed attempts left nothing behind.
    with source.app.app_context():
        report = fsck.check(source.upload_dir, grace=timedelta(0))
        db.session.remove()
    assert report.orphans == [] and report.missing == []


@pytest.fixture(scope="module")
def small_backup(source, tmp_path_factory) -> Path:
    """A backup of the source, shared by the tests below (copy it before changing it)."""
    folder = tmp_path_factory.mktemp("backup") / "b"
    result = source.app.test_cli_runner().invoke(args=["backup", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def restore(target: Standalone, folder: Path):
    result = target.app.test_cli_runner().invoke(args=["restore", str(folder)])
    with target.app.app_context():
        db.engine.dispose()
    return result


def test_restore_into_a_migrated_empty_database_then_refuse_a_second_time(small_backup, restore_target):
    folder = small_backup
    manifest = json.loads((folder / "manifest.json").read_text())
    target = restore_target()
    with target.app.app_context():
        upgrade()  # tables, no rows
        db.engine.dispose()
    first = restore(target, folder)
    assert first.exit_code == 0, first.output
    assert first.output.splitlines()[-1] == (
        f"restored: {manifest['rows']} rows, {len(manifest['files']) - 1} files, checksums ok")

    if target.backend == "sqlite":  # the search index came with the copy, in step with the commitments
        with target.app.app_context():
            assert search_index.in_step(db.session.connection())
            pagination, _hidden = search(CommitmentFilters(q="Thái Nguyên"), True, 1, 25)
            assert pagination.total > 0
            db.session.remove()
            db.engine.dispose()

    again = restore(target, folder)
    assert again.exit_code != 0
    assert "the target database is not empty" in again.output
    assert len(again.output.strip().splitlines()) == 1


def test_restore_refuses_an_upload_folder_with_files_in_it(small_backup, restore_target):
    folder = small_backup
    target = restore_target()
    (target.upload_dir / "2026").mkdir(parents=True)
    (target.upload_dir / "2026" / "left-over.pdf").write_bytes(b"%PDF-1.4")
    result = restore(target, folder)
    assert result.exit_code != 0
    assert "the upload folder is not empty" in result.output
    with target.app.app_context():
        assert backup_service.table_counts(db.engine) == {}  # nothing restored
        db.engine.dispose()


def test_restore_refuses_a_tampered_backup_and_writes_nothing(small_backup, restore_target, tmp_path):
    folder = Path(shutil.copytree(small_backup, tmp_path / "copy"))
    manifest = json.loads((folder / "manifest.json").read_text())
    tampered = folder / manifest["database"]
    data = tampered.read_bytes()
    tampered.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # one bit
    target = restore_target()
    result = restore(target, folder)
    assert result.exit_code != 0
    assert f"checksum failed: {manifest['database']}" in result.output
    assert files_under(target.upload_dir) == {}
    with target.app.app_context():
        assert backup_service.table_counts(db.engine) == {}
        db.engine.dispose()


def test_restore_refuses_a_folder_that_is_not_a_finished_backup(source, restore_target, tmp_path):
    (tmp_path / "half").mkdir()
    result = restore(restore_target(), tmp_path / "half")
    assert result.exit_code != 0
    assert "holds no manifest.json" in result.output


def test_backup_refuses_a_folder_with_something_in_it(source, tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "notes.txt").write_text("x")
    result = source.app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b")])
    assert result.exit_code != 0
    assert "is not an empty directory" in result.output


def test_a_file_lost_before_the_backup_is_reported_by_backup_and_restore(source, small_backup, restore_target,
                                                                        tmp_path):
    if source.backend != "sqlite":
        pytest.skip("the warnings come from the manifest alone; PostgreSQL's evidence read is tested above")
    scratch = restore_target()  # a copy of the source to damage
    assert restore(scratch, small_backup).exit_code == 0
    with scratch.app.app_context():
        commitment_id, officer_id = officer_target()
        placed: list[str] = []
        staged = store.stage(FileStorage(io.BytesIO(evidence_pdf(99, 0)), filename="Mất.pdf"), scratch.upload_dir, 10**6)
        record_update(scratch.upload_dir, commitment_id, officer_id, staged, placed, results="lost", token="lost-0")
        db.session.remove()
    (scratch.upload_dir / placed[0]).unlink()

    result = scratch.app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b2")])
    assert result.exit_code == 0, result.output
    assert f"warning: {placed[0]} is named by a row but missing from the upload folder (see fsck)" in result.stderr
    assert json.loads((tmp_path / "b2" / "manifest.json").read_text())["missing"] == [placed[0]]

    target = restore_target()
    restored = target.app.test_cli_runner().invoke(args=["restore", str(tmp_path / "b2")])
    with target.app.app_context():
        db.engine.dispose()
    assert restored.exit_code == 0, restored.output
    assert f"warning: {placed[0]} was already missing when the backup was taken (see fsck)" in restored.stderr
    assert restored.stdout.splitlines()[-1].endswith("checksums ok")


def fake_tool(folder: Path, name: str, version: str) -> None:
    folder.mkdir(exist_ok=True)
    script = folder / name
    script.write_text(f"#!/bin/sh\necho '{name} (PostgreSQL) {version}'\n")
    script.chmod(0o755)


def test_pg_dump_absent_or_too_old_is_a_clear_one_line_error(tmp_path):
    with pytest.raises(backup_service.BackupError, match=r"pg_dump not found in .*postgresql-client-16"):
        backup_service.find_pg_tool("pg_dump", 16, str(tmp_path))
    fake_tool(tmp_path / "old", "pg_dump", "14.9 (Debian 14.9-1)")
    with pytest.raises(backup_service.BackupError, match=r"pg_dump 14 cannot work with a PostgreSQL 16 server"):
        backup_service.find_pg_tool("pg_dump", 16, str(tmp_path / "old"))
    fake_tool(tmp_path / "new", "pg_dump", "17.2")
    assert backup_service.find_pg_tool("pg_dump", 16, str(tmp_path / "new")) == str(tmp_path / "new" / "pg_dump")
    assert backup_service.parse_major("pg_dump (PostgreSQL) 9.6.24") == 9
