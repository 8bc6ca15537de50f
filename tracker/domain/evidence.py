"""What an evidence file may be: allowed kinds, content checks, and the name shown to people.

The rules judge a file by its name *and* its first bytes (plus, for the zip-based office
formats, the member names the caller listed). Reading files, storing them and clocks
live in ``tracker.services.evidence``; nothing here touches the disk.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable

# kind → the MIME type we store and serve it as (never the type the browser claimed).
KINDS: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "jpg": "image/jpeg",
    "png": "image/png",
}

# Extension (lower case, no dot) → kind.
EXTENSIONS: dict[str, str] = {
    "pdf": "pdf",
    "docx": "docx",
    "xlsx": "xlsx",
    "odt": "odt",
    "jpg": "jpg",
    "jpeg": "jpg",
    "png": "png",
}

# The kinds that are zip containers: the caller must list their members for ``identify``.
ZIP_KINDS = frozenset({"docx", "xlsx", "odt"})

# How many leading bytes ``identify`` looks at; callers pass at least this many when the
# file is that long.
HEAD_BYTES = 1024

NO_NAME = "no_name"
EXTENSION_NOT_ALLOWED = "extension_not_allowed"
EMPTY = "empty"
TOO_LARGE = "too_large"
CONTENT_MISMATCH = "content_mismatch"
UNPACKED_TOO_LARGE = "unpacked_too_large"
PROBLEM_CODES = (NO_NAME, EXTENSION_NOT_ALLOWED, EMPTY, TOO_LARGE, CONTENT_MISMATCH, UNPACKED_TOO_LARGE)

# Zip bombs: an office file is a zip whose central directory declares each member's
# packed and unpacked size, so a bomb is recognised without inflating a byte. Real Word
# and Excel files unpack to a few times their size (XML ~10:1, pictures ~1:1); the
# bounds below leave a wide margin for them. Apache POI's ZipSecureFile uses the same
# 1:100 ratio per member.
ZIP_MAX_UNPACKED = 256 * 1024 * 1024  # declared total, all members together
ZIP_MAX_RATIO = 100  # unpacked : packed, per member
ZIP_RATIO_GRACE = 1024 * 1024  # members smaller than this unpacked are not held to the ratio
ZIP_MAX_MEMBERS = 10_000

DISPLAY_NAME_MAX = 200
FALLBACK_STEM = "tep-dinh-kem"  # "tệp đính kèm", "attachment", kept ASCII so it survives anywhere

_PDF_MAGIC = b"%PDF-"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPG_MAGIC = b"\xff\xd8\xff"
_ZIP_MAGIC = b"PK\x03\x04"
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# Members an OOXML package of each kind cannot lack. Both have [Content_Types].xml;
# the main part is what tells a Word file from an Excel one.
_OOXML_MEMBERS = {
    "docx": frozenset({"[Content_Types].xml", "word/document.xml"}),
    "xlsx": frozenset({"[Content_Types].xml", "xl/workbook.xml"}),
}
_ODT_MEMBERS = frozenset({"mimetype", "content.xml"})
# Cc: C0/C1 controls (header injection, terminal tricks); Cf: format characters such as
# U+202E RIGHT-TO-LEFT OVERRIDE that make "gpj.exe" look like "exe.jpg"; Cs: lone
# surrogates, which cannot be encoded as UTF-8 in a download header.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})


class EvidenceProblem(ValueError):
    """An evidence file that is refused; ``code`` is one of ``PROBLEM_CODES``.

    ``filename`` is the name as uploaded (possibly empty), for the message shown back.
    """

    def __init__(self, code: str, filename: str | None = None, detail: str | None = None):
        if code not in PROBLEM_CODES:
            raise ValueError(f"unknown evidence problem code {code!r}")
        self.code = code
        self.filename = filename or ""
        message = f"{code}: {self.filename!r}" if self.filename else code
        super().__init__(f"{message} ({detail})" if detail else message)


def _base_name(filename: str) -> str:
    """The last path component, whether the browser sent ``/`` or ``\\`` separators."""
    return filename.replace("\\", "/").rsplit("/", 1)[-1]


def kind_from_name(filename: str | None) -> str:
    """The kind a file claims by its extension (case-insensitive; ``.jpeg`` is ``jpg``).

    Raises ``no_name`` when there is no name at all (``None``, blank, or only a directory
    path), and ``extension_not_allowed`` for any other extension, or none. Only the last
    extension counts: ``report.pdf.exe`` is an ``.exe``.
    """
    base = _base_name(filename or "").strip()
    if not base:
        raise EvidenceProblem(NO_NAME, filename)
    _, dot, extension = base.rpartition(".")
    kind = EXTENSIONS.get(extension.lower()) if dot else None
    if kind is None:
        raise EvidenceProblem(EXTENSION_NOT_ALLOWED, filename)
    return kind


def content_matches(kind: str, head: bytes, zip_names: frozenset[str] | None, zip_mimetype: bytes | None = None) -> bool:
    """Whether the content looks like a file of ``kind``.

    - pdf: ``%PDF-`` within the first 1024 bytes (real files sometimes start with a
      BOM, whitespace or a mail header, and readers accept that much);
    - png: the 8-byte PNG signature at the start; jpg: ``FF D8 FF`` at the start;
    - docx/xlsx: a zip (``PK\\x03\\x04``) with ``[Content_Types].xml`` and the kind's main
      part (``word/document.xml`` / ``xl/workbook.xml``);
    - odt: a zip with ``content.xml`` and a ``mimetype`` member whose bytes
      (``zip_mimetype``) are exactly ``application/vnd.oasis.opendocument.text``.

    ``zip_names`` is ``None`` when the file is not a readable zip: no zip kind matches then.
    """
    if kind == "pdf":
        return _PDF_MAGIC in head[:HEAD_BYTES]
    if kind == "png":
        return head.startswith(_PNG_MAGIC)
    if kind == "jpg":
        return head.startswith(_JPG_MAGIC)
    if kind in ZIP_KINDS:
        if not head.startswith(_ZIP_MAGIC) or zip_names is None:
            return False
        if kind == "odt":
            return _ODT_MEMBERS <= zip_names and zip_mimetype == _ODT_MIMETYPE
        return _OOXML_MEMBERS[kind] <= zip_names
    raise ValueError(f"unknown evidence kind {kind!r}")


def archive_problem(members: Iterable[tuple[int, int]]) -> str | None:
    """Why a zip's declared sizes look like a zip bomb, or ``None`` when they are in bounds.

    ``members`` gives ``(packed, unpacked)`` bytes for each member, as the central
    directory declares them. Refused: more than ``ZIP_MAX_MEMBERS`` members, a declared
    total above ``ZIP_MAX_UNPACKED``, or any member above ``ZIP_RATIO_GRACE`` that
    unpacks to more than ``ZIP_MAX_RATIO`` times its packed size.
    """
    total = 0
    count = 0
    for packed, unpacked in members:
        count += 1
        if count > ZIP_MAX_MEMBERS:
            return f"more than {ZIP_MAX_MEMBERS} members"
        total += unpacked
        if total > ZIP_MAX_UNPACKED:
            return f"declares more than {ZIP_MAX_UNPACKED} bytes unpacked"
        if unpacked > ZIP_RATIO_GRACE and unpacked > ZIP_MAX_RATIO * max(packed, 1):
            return f"a member unpacks {unpacked} bytes from {packed}"
    return None


def identify(filename: str, head: bytes, zip_names: frozenset[str] | None, zip_mimetype: bytes | None = None) -> str:
    """The kind of an uploaded file, judged from its name and its content together.

    The extension decides which kind is claimed (see ``kind_from_name``); the content
    must then be that kind (see ``content_matches``), or ``content_mismatch`` is raised,
    e.g. for a text or PNG file named ``.pdf``, or an Excel workbook named ``.docx``.
    An empty ``head`` raises ``empty``. ``head`` holds the first bytes of the file, at
    least ``HEAD_BYTES`` of them when the file is that long.
    """
    kind = kind_from_name(filename)
    if not head:
        raise EvidenceProblem(EMPTY, filename)
    if not content_matches(kind, head, zip_names, zip_mimetype):
        raise EvidenceProblem(CONTENT_MISMATCH, filename, f"content is not {kind}")
    return kind


def safe_display_name(filename: str | None) -> str:
    """The uploaded name made safe to show and to offer as a download name.

    NFC-normalised; only the last path component kept (``/`` or ``\\``: browsers on
    Windows may send ``C:\\Users\\x\\file.docx``); control, format and surrogate
    characters removed; surrounding whitespace trimmed. Longer than 200 characters, the
    stem is cut and the extension kept. With nothing left of the stem (``""``, ``".pdf"``,
    ``".."``) the name becomes ``tep-dinh-kem`` plus the extension if any. Vietnamese
    letters stay: this name is for people, never a storage path.
    """
    value = unicodedata.normalize("NFC", filename or "")
    value = "".join(ch for ch in value if unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    value = _base_name(value).strip()
    stem, dot, extension = value.rpartition(".")
    if not dot or not extension or extension != extension.strip():
        # No extension (or "name. with words" after the last dot): all of it is stem.
        stem, extension = value, ""
    else:
        extension = "." + extension
    stem = stem.rstrip()
    if not stem.strip("."):
        stem = FALLBACK_STEM
    if len(extension) > DISPLAY_NAME_MAX // 2:
        # Not an extension worth keeping whole: treat it as part of a too-long name.
        stem, extension = stem + extension, ""
    if len(stem) + len(extension) > DISPLAY_NAME_MAX:
        stem = stem[: DISPLAY_NAME_MAX - len(extension)].rstrip()
    return stem + extension
