"""Backups: a consistent copy of the database and the evidence files it names, with a SHA-256
manifest, and the restore of such a copy into an empty database and upload folder.

No Flask here: callers pass the engine and the folders. The copy is taken while the app
serves: SQLite through its online backup API (one step, one read snapshot), PostgreSQL
through ``pg_dump`` reading a snapshot this module exports and reads too, so the files
copied are exactly those the copied rows name (evidence files never change once placed).
``pg_tools`` finds and runs the PostgreSQL client tools.

Left out on purpose: the files of background reports (``REPORT_JOB_DIR``, beside the upload
folder, not in it). They are regenerable from the rows and deleted after a few days anyway;
their ``report_jobs`` rows are copied, and after a restore the progress page says the file is
gone and offers to build it again.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from tracker.models import search_index
from tracker.services import evidence as store, pg_tools
from tracker.services.pg_tools import parse_major, tool_major  # noqa: F401 - part of this module's API

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
UPLOADS = "uploads"
CHUNK_BYTES = 1024 * 1024
# Not user data: restoring needs it, but it is not counted as rows.
BOOKKEEPING = frozenset({"alembic_version"})
# Not tables of their own: SQLite's search index and its shadow tables, derived from the
# commitments and copied with the file (a migrated empty database already has a few rows in
# them). Neither counted nor compared.
DERIVED = search_index.TABLES


class BackupError(Exception):
    """A backup or restore refused or failed; ``str()`` is the one-line reason."""


@dataclass
class BackupReport:
    rows: int
    files: int
    missing: list[str] = field(default_factory=list)  # named by a row, absent from the upload folder
    changed: list[str] = field(default_factory=list)  # present, but not the bytes the row's sha256 names


@dataclass
class RestoreReport:
    rows: int
    files: int
    missing: list[str] = field(default_factory=list)  # already missing when the backup was taken


@dataclass(frozen=True)
class _Snapshot:
    tables: dict[str, int]
    evidence: list[tuple[str, str]]  # (stored_name, sha256)
    revision: str | None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while chunk := source.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_hashed(source: Path, target: Path) -> tuple[str, int]:
    """Copy ``source`` to ``target`` (parents made), returning the sha256 and size of what was read.

    No fsync per file: a copy cut short by a crash fails the manifest's checksum on restore.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with open(source, "rb") as src, open(target, "xb") as out:
        while chunk := src.read(CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return digest.hexdigest(), size


# --- backup -------------------------------------------------------------------------


def backup(engine: Engine, upload_dir: str | Path, target_dir: str | Path, *, pg_bin: str | None = None,
           now: datetime | None = None) -> BackupReport:
    """Copy the database and every evidence file it names into ``target_dir`` (new or empty).

    ``manifest.json`` is written last, so a directory without one is an unfinished
    backup. Files named by a row but absent (or changed) are reported, not fatal: the
    copy of everything else is still worth having.
    """
    target = Path(target_dir)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} is not an empty directory")
    try:
        target.mkdir(parents=True, exist_ok=True)
        return _backup_into(engine, Path(upload_dir), target, pg_bin, now)
    except BaseException as exc:
        shutil.rmtree(target, ignore_errors=True)  # it was empty: leave no half backup behind
        if isinstance(exc, OSError):
            raise BackupError(f"writing the backup failed: {exc}") from exc
        raise


def _backup_into(engine: Engine, upload_dir: Path, target: Path, pg_bin: str | None,
                 now: datetime | None) -> BackupReport:
    backend = engine.dialect.name
    if backend == "sqlite":
        database_file = SQLITE_FILE
        snapshot = _sqlite_backup(engine, target / SQLITE_FILE)
    elif backend == "postgresql":
        database_file = PG_FILE
        snapshot = _pg_backup(engine, target / PG_FILE, pg_bin)
    else:
        raise BackupError(f"backups of {backend} databases are not supported")

    files = {database_file: {"sha256": sha256_of(target / database_file),
                             "size": (target / database_file).stat().st_size}}
    report = BackupReport(rows=_row_total(snapshot.tables), files=0)
    for stored_name, expected in sorted(snapshot.evidence):
        try:
            source = store.path_for(stored_name, upload_dir)
        except ValueError:  # a name no upload could have produced: nothing to copy
            source = None
        if source is None or not source.is_file():
            report.missing.append(stored_name)
            continue
        digest, size = _copy_hashed(source, target / UPLOADS / stored_name)
        if digest != expected:
            report.changed.append(stored_name)
        files[f"{UPLOADS}/{stored_name}"] = {"sha256": digest, "size": size}
        report.files += 1

    manifest = {
        "format": FORMAT,
        "created_at": (now or datetime.now(timezone.utc)).isoformat(timespec="seconds"),
        "backend": backend,
        "database": database_file,
        "revision": snapshot.revision,
        "tables": snapshot.tables,
        "rows": report.rows,
        "files": files,
        "missing": report.missing,
        "changed": report.changed,
    }
    partial = target / (MANIFEST + ".part")
    partial.write_text(json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(partial, target / MANIFEST)
    return report


def _row_total(tables: dict[str, int]) -> int:
    return sum(n for name, n in tables.items() if name not in BOOKKEEPING)


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("only a SQLite database in a file can be backed up or restored")
    return Path(database)


def _sqlite_backup(engine: Engine, target: Path) -> _Snapshot:
    """SQLite's online backup in a single step: one read snapshot, writers carry on (WAL)."""
    source = sqlite3.connect(_sqlite_path(engine), timeout=30)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # pages=-1: everything in one step, so the copy is one snapshot
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
            return _sqlite_facts(copy)
        finally:
            copy.close()
    finally:
        source.close()


# The rows that name a file in the upload folder: (stored_name, sha256), by table.
_FILE_ROWS = {
    "evidence_files": "SELECT stored_name, sha256 FROM evidence_files",
    "implementing_documents": "SELECT stored_name, sha256 FROM implementing_documents WHERE stored_name IS NOT NULL",
    "agreements": "SELECT source_stored_name, source_sha256 FROM agreements WHERE source_stored_name IS NOT NULL",
    "meetings": "SELECT stored_name, sha256 FROM meetings WHERE stored_name IS NOT NULL",
}


def _stored_files(tables) -> str | None:
    """One query for every file the database names (of the tables it has), or None."""
    return " UNION ALL ".join(sql for table, sql in _FILE_ROWS.items() if table in tables) or None


def _sqlite_facts(connection: sqlite3.Connection) -> _Snapshot:
    names = [row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        if row[0] not in DERIVED]
    tables = {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # nosec B608 # names from the catalogue
              for name in names}
    evidence = connection.execute(query).fetchall() if (query := _stored_files(tables)) else []
    revision = (connection.execute("SELECT version_num FROM alembic_version").fetchone()
                if "alembic_version" in tables else None)
    return _Snapshot(tables, [tuple(row) for row in evidence], revision[0] if revision else None)


@contextmanager
def _tool_errors():
    """A client tool's ``pg_tools.ToolError`` raised as a ``BackupError`` (same one-line message)."""
    try:
        yield
    except pg_tools.ToolError as error:
        raise BackupError(str(error)) from None


def find_pg_tool(name: str, server_major: int, pg_bin: str | None = None) -> str:
    """``pg_tools.find``: the ``pg_dump``/``pg_restore`` that can work with the server, or a BackupError."""
    with _tool_errors():
        return pg_tools.find(name, server_major, pg_bin)


def _pg_backup(engine: Engine, target: Path, pg_bin: str | None) -> _Snapshot:
    """``pg_dump`` of a snapshot exported by a repeatable-read transaction that also reads the
    row counts and evidence names, so all three describe the same moment."""
    uri, env = pg_tools.libpq(engine)
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
        with connection.begin():
            tool = find_pg_tool("pg_dump", pg_tools.server_major(connection), pg_bin)
            snapshot_id = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            tables = _pg_counts(connection)
            query = _stored_files(tables)
            evidence = [tuple(row) for row in connection.execute(text(query))] if query else []
            revision = (connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
                        if "alembic_version" in tables else None)
            command = [tool, "--format=custom", f"--snapshot={snapshot_id}", f"--file={target}", f"--dbname={uri}"]
            with _tool_errors():
                pg_tools.run("pg_dump", command, env)
    return _Snapshot(tables, evidence, revision)


def _pg_counts(connection) -> dict[str, int]:
    """Rows per table of the connection's current schema (the one the app's tables live in)."""
    names = connection.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")).scalars().all()
    return {name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()  # nosec B608 # catalogue names
            for name in names}


# --- restore ------------------------------------------------------------------------


def read_manifest(source_dir: str | Path) -> dict:
    path = Path(source_dir) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source_dir} holds no {MANIFEST}: not a backup, or an unfinished one")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path} is unreadable: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown backup format {manifest.get('format') if isinstance(manifest, dict) else '?'}")
    return manifest


def verify(source_dir: str | Path, manifest: dict) -> None:
    """Check every file the manifest lists against its SHA-256; ``BackupError`` names the first that differs."""
    source = Path(source_dir).resolve()
    for name, facts in sorted(manifest["files"].items()):
        path = (source / name).resolve()
        if not path.is_relative_to(source):
            raise BackupError(f"manifest names {name!r}, outside the backup")
        if not path.is_file():
            raise BackupError(f"checksum failed: {name} is missing from the backup")
        if sha256_of(path) != facts["sha256"]:
            raise BackupError(f"checksum failed: {name} is not the file that was backed up")


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows per table in the engine's database ({} when it has no tables)."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            return _pg_counts(connection)
        names = [name for name in inspect(connection).get_table_names() if name not in DERIVED]
        return {name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()  # nosec B608
                for name in names}


def _refuse_non_empty(engine: Engine, upload_dir: Path, manifest: dict) -> None:
    counts = table_counts(engine)
    full = {name: n for name, n in counts.items() if n and name not in BOOKKEEPING}
    if full:
        example = ", ".join(f"{name} ({n})" for name, n in sorted(full.items())[:3])
        raise BackupError(f"the target database is not empty: {_row_total(full)} rows, e.g. in {example}")
    if counts and "alembic_version" in counts:
        with engine.connect() as connection:
            revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if revision and manifest.get("revision") and revision != manifest["revision"]:
            raise BackupError(f"the target database is migrated to {revision} but the backup is at "
                              f"{manifest['revision']}: restore into a database with no tables")
    if upload_dir.exists():
        leftover = next((p for p in upload_dir.rglob("*") if not p.is_dir()), None)
        if leftover is not None:
            raise BackupError(f"the upload folder is not empty: {leftover}")


def restore(engine: Engine, upload_dir: str | Path, source_dir: str | Path, *,
            pg_bin: str | None = None) -> RestoreReport:
    """Restore a backup into an empty database and upload folder; every checksum is verified
    before anything is written, and the restored rows and files are checked against the manifest.

    Refused (``BackupError``, nothing written) for another backend, a tampered backup, or a
    target with any row or file. If the database step fails the files copied are removed.
    """
    source = Path(source_dir)
    manifest = read_manifest(source)
    backend = engine.dialect.name
    if manifest["backend"] != backend:
        raise BackupError(f"the backup is of a {manifest['backend']} database; the target is {backend}")
    verify(source, manifest)
    uploads = Path(upload_dir)
    _refuse_non_empty(engine, uploads, manifest)

    copied: list[Path] = []
    try:
        for name, facts in sorted(manifest["files"].items()):
            if not name.startswith(UPLOADS + "/"):
                continue
            stored_name = name[len(UPLOADS) + 1:]
            target = store.path_for(stored_name, uploads)
            digest, _ = _copy_hashed(source / name, target)
            copied.append(target)
            if digest != facts["sha256"]:
                raise BackupError(f"checksum failed after copying {stored_name}")
        if backend == "sqlite":
            _sqlite_restore(engine, source / manifest["database"])
        else:
            _pg_restore(engine, source / manifest["database"], pg_bin)
    except BaseException as exc:
        for path in copied:
            path.unlink(missing_ok=True)
        if isinstance(exc, (OSError, ValueError)):  # ValueError: a manifest naming a file outside uploads
            raise BackupError(f"restoring failed, no file kept: {exc}") from exc
        raise

    counts = table_counts(engine)
    for name, expected in manifest["tables"].items():
        if counts.get(name) != expected:
            raise BackupError(f"restored table {name} has {counts.get(name)} rows; the backup had {expected}")
    return RestoreReport(rows=_row_total(counts), files=len(copied), missing=list(manifest.get("missing", [])))


def _sqlite_restore(engine: Engine, copy: Path) -> None:
    target = _sqlite_path(engine)
    engine.dispose()  # no pooled connection may keep the old (empty) schema cached
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        destination = sqlite3.connect(target, timeout=30)
        try:
            source.backup(destination)
            destination.execute("PRAGMA journal_mode = WAL")  # as the app runs it (tracker/sqlite.py)
        finally:
            destination.close()
    finally:
        source.close()
    engine.dispose()


def _pg_restore(engine: Engine, dump: Path, pg_bin: str | None) -> None:
    uri, env = pg_tools.libpq(engine)
    with engine.connect() as connection:
        tool = find_pg_tool("pg_restore", pg_tools.server_major(connection), pg_bin)
    engine.dispose()
    # --clean --if-exists replaces the empty tables of a migrated target; one transaction, so
    # a failure leaves the target as it was.
    command = [tool, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
               "--exit-on-error", f"--dbname={uri}", str(dump)]
    with _tool_errors():
        pg_tools.run("pg_restore", command, env)

