"""Evidence files on disk: staging an upload, checking it, placing it under a generated name.

No database access here: the caller records ``Staged`` facts and the stored name on its
own rows, and ``remove_unless_committed`` ties the placed files to its transaction. Files live under the configured upload directory, never under ``static/``, and are
served only through a view that asks ``path_for`` and ``content_disposition``.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import unicodedata
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import event
from werkzeug.datastructures import FileStorage

from tracker.domain.evidence import (
    EMPTY,
    HEAD_BYTES,
    KINDS,
    TOO_LARGE,
    UNPACKED_TOO_LARGE,
    ZIP_KINDS,
    EvidenceProblem,
    archive_problem,
    identify,
    kind_from_name,
    safe_display_name,
)

CHUNK_BYTES = 64 * 1024
STAGING_DIR = ".staging"
FILE_MODE = 0o640
DIR_MODE = 0o750
# A real ODT "mimetype" member is 39 bytes; reading a little more is enough to tell a
# longer one apart without inflating whatever a hostile archive holds there.
_MIMETYPE_READ = 128
# RFC 5987 attr-char, less the alphanumerics that quote() always keeps.
_ATTR_CHAR_SAFE = "!#$&+-.^_`|~"
_ASCII_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})  # not a d with a combining mark: NFD keeps them


class StorageError(OSError):
    """The upload folder refused a write (full, read-only, no permission): nothing was kept.

    Raised by ``stage`` and ``place`` in place of the ``OSError`` they met, so a caller can
    tell the user (and keep their text) without catching every ``OSError`` there is.
    """


def _storage_error(exc: OSError) -> StorageError:
    error = StorageError(exc.errno, exc.strerror or str(exc))
    error.filename = exc.filename
    return error


@dataclass(frozen=True)
class Staged:
    """An upload that passed every check and waits in ``.staging`` to be placed or discarded.

    ``original_name`` is the display name (``safe_display_name``); ``content_type`` comes
    from the kind, never from the browser; ``sha256`` is hex.
    """

    path: Path
    original_name: str
    kind: str
    content_type: str
    size: int
    sha256: str


def stage(file: FileStorage, upload_dir: str | Path, max_bytes: int) -> Staged:
    """Copy an upload into ``<upload_dir>/.staging/`` and check it; raise ``EvidenceProblem`` if refused.

    The extension is checked before any byte is read. The body is streamed in 64 KiB
    chunks, so a large upload never sits in memory, and refused with ``too_large`` as
    soon as it passes ``max_bytes`` (per file; the per-request cap is Flask's
    ``MAX_CONTENT_LENGTH``). Zero bytes is ``empty``. The content is then judged by
    ``identify``; ``file.mimetype`` from the client is ignored. Whatever goes wrong,
    the temporary file is removed before the error propagates; a file-system failure
    (disk full, read-only folder) comes out as ``StorageError``.
    """
    if max_bytes < 1:
        raise ValueError("max_bytes must be positive")
    filename = file.filename or ""
    claimed = kind_from_name(filename)  # refuse an .exe before spending disk on it
    staging = Path(upload_dir) / STAGING_DIR
    try:
        staging.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=staging, suffix=".part")  # 0o600, unguessable name
    except OSError as exc:
        raise _storage_error(exc) from exc
    path = Path(name)
    try:
        digest = hashlib.sha256()
        size = 0
        head = b""
        with os.fdopen(fd, "wb") as out:
            while chunk := file.stream.read(CHUNK_BYTES):
                size += len(chunk)
                if size > max_bytes:
                    raise EvidenceProblem(TOO_LARGE, filename, f"more than {max_bytes} bytes")
                if len(head) < HEAD_BYTES:
                    # A stream may hand back short reads; keep collecting until the head is full.
                    head += chunk[: HEAD_BYTES - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise EvidenceProblem(EMPTY, filename)
        zip_names, zip_mimetype, bomb = _zip_facts(path) if claimed in ZIP_KINDS else (None, None, None)
        kind = identify(filename, head, zip_names, zip_mimetype)
        if bomb:
            raise EvidenceProblem(UNPACKED_TOO_LARGE, filename, bomb)
    except OSError as exc:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
        raise _storage_error(exc) from exc
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Staged(
        path=path,
        original_name=safe_display_name(filename),
        kind=kind,
        content_type=KINDS[kind],
        size=size,
        sha256=digest.hexdigest(),
    )


def _zip_facts(path: Path) -> tuple[frozenset[str] | None, bytes | None, str | None]:
    """A zip's member names, its ``mimetype`` member (if any) and why it looks like a bomb (if it does).

    ``(None, None, None)`` if unreadable. Only the central directory and the small
    ``mimetype`` member are read, so a zip bomb costs nothing here: its declared sizes
    are judged by ``archive_problem``.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = frozenset(info.filename for info in infos)
            bomb = archive_problem((info.compress_size, info.file_size) for info in infos)
            if "mimetype" not in names or bomb:
                return names, None, bomb
            try:
                with archive.open("mimetype") as member:
                    return names, member.read(_MIMETYPE_READ), None
            except (zipfile.BadZipFile, EOFError, RuntimeError, NotImplementedError, ValueError):
                # Encrypted, oddly compressed or corrupt member: not a usable ODT.
                return names, None, None
    except (zipfile.BadZipFile, EOFError):
        return None, None, None


def place(staged: Staged, upload_dir: str | Path, now: datetime | None = None) -> str:
    """Move a staged file to its final place and return the stored name.

    The stored name is relative to ``upload_dir``, ``YYYY/MM/<uuid4 hex>.<kind>`` by the
    UTC date (``now`` is for tests), so neither the uploader's name nor its extension
    ever reaches the file system. The move is an atomic ``os.replace`` within one file
    system (staging sits inside ``upload_dir``); the file ends up with mode 0o640. A
    file-system failure comes out as ``StorageError``, the staged file left for ``discard``.
    """
    now = now or datetime.now(timezone.utc)
    stored_name = f"{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{staged.kind}"
    target = Path(upload_dir) / stored_name
    try:
        target.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        os.chmod(staged.path, FILE_MODE)
        os.replace(staged.path, target)
    except OSError as exc:
        raise _storage_error(exc) from exc
    return stored_name


def discard(staged: Staged) -> None:
    """Delete the staged file if it is still there; safe to call twice or after ``place``."""
    staged.path.unlink(missing_ok=True)


@contextmanager
def held(staged: list[Staged]) -> Iterator[list[Staged]]:
    """The staged files for the length of a ``with`` block: whatever was not placed by its end
    is deleted, whether the block returned or raised, so nothing stays in ``.staging``."""
    try:
        yield staged
    finally:
        for s in staged:
            discard(s)


def path_for(stored_name: str, upload_dir: str | Path) -> Path:
    """The absolute path of a stored file; ``ValueError`` for any name that could leave ``upload_dir``.

    Stored names come from ``place``, so this is defence in depth for downloads: refused
    are empty names, absolute paths, backslashes, NUL, drive letters, ``.``/``..`` or
    hidden components (``.staging`` included), and anything that resolves (symlinks
    followed) outside ``upload_dir``. The file need not exist.
    """
    if not isinstance(stored_name, str) or not stored_name:
        raise ValueError("empty stored name")
    if "\\" in stored_name or "\x00" in stored_name or ":" in stored_name or stored_name.startswith("/"):
        raise ValueError(f"refused stored name {stored_name!r}")
    parts = stored_name.split("/")
    if any(not part or part.startswith(".") for part in parts):
        raise ValueError(f"refused stored name {stored_name!r}")
    base = Path(upload_dir).resolve()
    path = (base / stored_name).resolve()
    if not path.is_relative_to(base) or path == base:
        raise ValueError(f"stored name {stored_name!r} leaves the upload directory")
    return path


def content_disposition(original_name: str) -> str:
    """A ``Content-Disposition`` value offering the file for download under its original name.

    ``attachment; filename="<ASCII>"; filename*=UTF-8''<percent-encoded>`` (RFC 6266,
    RFC 5987): browsers use ``filename*``; the ASCII fallback drops diacritics (đ→d,
    Đ→D) and puts ``_`` for any other non-ASCII character, quote, backslash or ``%``.
    The name passes ``safe_display_name`` first, so no CR/LF can reach the header.
    """
    name = safe_display_name(original_name)
    decomposed = unicodedata.normalize("NFD", name.translate(_ASCII_LETTERS))
    fallback = "".join(
        "_" if ch in '"\\%' or not (" " <= ch <= "~") else ch
        for ch in decomposed
        if unicodedata.category(ch) != "Mn"
    )
    encoded = quote(name, safe=_ATTR_CHAR_SAFE, encoding="utf-8")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


@dataclass(frozen=True)
class Uploads:
    """The files chosen on a form, with where and how large they may be stored."""

    files: tuple[FileStorage, ...]
    upload_dir: str
    max_bytes: int

    @classmethod
    def of(cls, files, upload_dir: str, max_bytes: int) -> Uploads:
        return cls(tuple(f for f in (files or []) if getattr(f, "filename", "")), upload_dir, max_bytes)


@contextmanager
def checked(uploads: Uploads) -> Iterator[list[Staged]]:
    """Stage and check every file before anything is saved: one bad file (``EvidenceProblem``)
    refuses them all. Whatever the block does not place is deleted when it ends."""
    staged: list[Staged] = []
    with held(staged):
        for upload in uploads.files:
            staged.append(stage(upload, uploads.upload_dir, uploads.max_bytes))
        yield staged


def place_for_row(session, staged: Staged, upload_dir: str | Path, replaces: str | None = None) -> str:
    """Place ``staged`` for a row written in ``session``'s transaction and return its stored name:
    the file is removed again if the transaction rolls back, and the file it ``replaces`` (a
    stored name) is deleted once it commits. One file per row: a document, a memorandum, minutes."""
    placed: list[Path] = []
    remove_unless_committed(session, placed)
    stored = place(staged, upload_dir)
    placed.append(path_for(stored, upload_dir))
    if replaces:
        remove_once_committed(session, [path_for(replaces, upload_dir)])
    return stored


def remove_unless_committed(session, paths: list[Path]) -> None:
    """Delete ``paths`` if ``session``'s transaction is rolled back rather than committed,
    so a file placed for a row that never lands does not stay on disk."""
    state = {"open": True}

    def committed(_session):
        state["open"] = False

    def rolled_back(_session):
        if state["open"]:
            state["open"] = False
            for path in paths:
                path.unlink(missing_ok=True)

    event.listen(session, "after_commit", committed)
    event.listen(session, "after_rollback", rolled_back)


def remove_once_committed(session, paths: list[Path]) -> None:
    """Delete ``paths`` once ``session``'s transaction commits (a file replaced by another),
    and keep them if it is rolled back, so the row and the disk never disagree."""
    state = {"open": True}

    def committed(_session):
        if state["open"]:
            state["open"] = False
            for path in paths:
                path.unlink(missing_ok=True)

    def rolled_back(_session):
        state["open"] = False

    event.listen(session, "after_commit", committed)
    event.listen(session, "after_rollback", rolled_back)
