"""Evidence files on disk: staging real uploads, refusing bad ones without leftovers, safe downloads."""
import hashlib
import io
import os
import re
import stat
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage

from tracker.domain.evidence import KINDS, EvidenceProblem
from tracker.services import evidence
from tracker.services.evidence import Staged, content_disposition, discard, path_for, place, stage

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00" + bytes(range(7, 71))  # fixed bytes: test ids stay the same in every process
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(71, 135)) + b"\xff\xd9"
STORED = re.compile(r"^\d{4}/\d{2}/[0-9a-f]{32}\.(pdf|docx|xlsx|odt|jpg|png)$")


def zipped(members: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    """A real zip file with ``members``; ``stored_first`` is written first, uncompressed (as ODF wants)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first is not None:
            archive.writestr(zipfile.ZipInfo(stored_first), members[stored_first], compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            if name != stored_first:
                archive.writestr(name, data)
    return buffer.getvalue()


DOCX = zipped({
    "[Content_Types].xml": b"<Types/>",
    "_rels/.rels": b"<Relationships/>",
    "word/document.xml": "<w:document>Biên bản</w:document>".encode(),
})
XLSX = zipped({
    "[Content_Types].xml": b"<Types/>",
    "_rels/.rels": b"<Relationships/>",
    "xl/workbook.xml": b"<workbook/>",
    "xl/worksheets/sheet1.xml": b"<worksheet/>",
})
ODT = zipped(
    {
        "mimetype": b"application/vnd.oasis.opendocument.text",
        "content.xml": b"<office:document-content/>",
        "META-INF/manifest.xml": b"<manifest/>",
    },
    stored_first="mimetype",
)
ODS = zipped(
    {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"},
    stored_first="mimetype",
)


def upload(data: bytes, name: str, mimetype: str = "application/pdf") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type=mimetype)


def leftovers(upload_dir: Path) -> list[Path]:
    return [p for p in upload_dir.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    "data, name, kind",
    [
        (PDF, "Báo cáo tiến độ Quý I.pdf", "pdf"),
        (DOCX, "Biên bản họp.docx", "docx"),
        (XLSX, "Số liệu.XLSX", "xlsx"),
        (ODT, "Văn bản.odt", "odt"),
        (PNG, "Ảnh hiện trường.png", "png"),
        (JPG, "anh.jpeg", "jpg"),
    ],
)
def test_stage_and_place_round_trip(tmp_path, data, name, kind):
    upload_dir = tmp_path / "instance" / "uploads"
    staged = stage(upload(data, name, mimetype="text/plain"), upload_dir, max_bytes=1024 * 1024)
    assert isinstance(staged, Staged)
    assert staged.original_name == name
    assert staged.kind == kind
    assert staged.content_type == KINDS[kind]  # from the content, not the client's text/plain
    assert staged.size == len(data)
    assert staged.sha256 == hashlib.sha256(data).hexdigest()
    assert staged.path.parent == upload_dir / ".staging"
    assert stat.S_IMODE((upload_dir / ".staging").stat().st_mode) == 0o700

    stored = place(staged, upload_dir)
    assert STORED.match(stored) and stored.endswith("." + kind)
    final = upload_dir / stored
    assert final.read_bytes() == data
    assert stat.S_IMODE(final.stat().st_mode) == 0o640
    assert "static" not in final.relative_to(tmp_path).parts
    assert not staged.path.exists()
    assert path_for(stored, upload_dir) == final.resolve()
    assert leftovers(upload_dir) == [final]


def test_place_uses_the_utc_month_and_fresh_names(tmp_path):
    now = datetime(2026, 11, 30, 23, 59, tzinfo=timezone.utc)
    first = place(stage(upload(PDF, "a.pdf"), tmp_path, 10_000), tmp_path, now=now)
    second = place(stage(upload(PDF, "a.pdf"), tmp_path, 10_000), tmp_path, now=now)
    assert first.startswith("2026/11/") and second.startswith("2026/11/")
    assert first != second
    assert (tmp_path / first).read_bytes() == (tmp_path / second).read_bytes() == PDF


def test_large_upload_is_streamed_and_hashed(tmp_path):
    data = PDF + os.urandom(3 * evidence.CHUNK_BYTES + 17)
    staged = stage(upload(data, "lon.pdf"), tmp_path, max_bytes=len(data))
    assert staged.size == len(data)
    assert staged.sha256 == hashlib.sha256(data).hexdigest()
    discard(staged)


def test_too_large_is_refused_and_nothing_is_left(tmp_path):
    data = PDF + b"\x00" * (2 * evidence.CHUNK_BYTES)
    with pytest.raises(EvidenceProblem) as caught:
        stage(upload(data, "lon.pdf"), tmp_path, max_bytes=len(data) - 1)
    assert caught.value.code == "too_large"
    assert caught.value.filename == "lon.pdf"
    assert list((tmp_path / ".staging").iterdir()) == []


def test_too_large_stops_reading_early(tmp_path):
    stream = io.BytesIO(PDF + b"\x00" * (10 * evidence.CHUNK_BYTES))
    with pytest.raises(EvidenceProblem, match="too_large"):
        stage(FileStorage(stream=stream, filename="lon.pdf"), tmp_path, max_bytes=100)
    assert stream.tell() <= evidence.CHUNK_BYTES
    assert leftovers(tmp_path) == []


def test_empty_is_refused(tmp_path):
    with pytest.raises(EvidenceProblem) as caught:
        stage(upload(b"", "rong.pdf"), tmp_path, max_bytes=1000)
    assert caught.value.code == "empty"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "data, name",
    [
        (b"This is plain text pretending to be a PDF.\n", "x.pdf"),
        (PNG, "anh-that.pdf"),
        (XLSX, "bang-tinh.docx"),
        (ODS, "bang-tinh.odt"),
        (zipped({"[Content_Types].xml": b"<Types/>"}), "thieu.docx"),
        (b"PK\x03\x04 but not really a zip", "hong.xlsx"),
        (PDF, "anh.png"),
    ],
)
def test_content_mismatch_is_refused_and_nothing_is_left(tmp_path, data, name):
    with pytest.raises(EvidenceProblem) as caught:
        stage(upload(data, name), tmp_path, max_bytes=1_000_000)
    assert caught.value.code == "content_mismatch"
    assert leftovers(tmp_path) == []


def bomb(kind: str, unpacked: int) -> bytes:
    """A real office file whose main part is ``unpacked`` bytes of zeros (deflate packs ~1000:1)."""
    main = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
    return zipped({"[Content_Types].xml": b"<Types/>", main: b"<?xml?>" + bytes(unpacked)})


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_zip_bomb_is_refused_by_its_declared_sizes_and_nothing_is_left(tmp_path, kind):
    data = bomb(kind, 30 * 1024 * 1024)
    assert len(data) < 100_000
    with pytest.raises(EvidenceProblem) as caught:
        stage(upload(data, f"bao-cao.{kind}"), tmp_path, max_bytes=1_000_000)
    assert caught.value.code == "unpacked_too_large"
    assert leftovers(tmp_path) == []


def test_an_ordinary_office_file_with_a_large_part_passes(tmp_path):
    rows = b"".join(b"<row><c>%d</c><c>S\xe1\xbb\x9f T\xc3\xa0i ch\xc3\xadnh %d</c></row>" % (i, i * 7919 % 104729)
                    for i in range(60_000))
    data = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>", "xl/sheet1.xml": rows})
    assert len(rows) > 2 * 1024 * 1024
    assert stage(upload(data, "bang.xlsx"), tmp_path, max_bytes=10_000_000).kind == "xlsx"


def test_disallowed_extension_is_refused_before_reading(tmp_path):
    stream = io.BytesIO(b"MZ\x90\x00")
    with pytest.raises(EvidenceProblem) as caught:
        stage(FileStorage(stream=stream, filename="cai-dat.exe"), tmp_path, max_bytes=1000)
    assert caught.value.code == "extension_not_allowed"
    assert stream.tell() == 0
    assert leftovers(tmp_path) == []


def test_missing_name_is_refused(tmp_path):
    with pytest.raises(EvidenceProblem) as caught:
        stage(FileStorage(stream=io.BytesIO(PDF), filename=None), tmp_path, max_bytes=1000)
    assert caught.value.code == "no_name"


def test_a_failing_stream_leaves_nothing(tmp_path):
    class Broken(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            raise OSError("client went away")

    with Broken() as stream, pytest.raises(OSError, match="went away"):
        stage(FileStorage(stream=stream, filename="a.pdf"), tmp_path, max_bytes=1000)
    assert leftovers(tmp_path) == []


def test_discard_is_idempotent(tmp_path):
    staged = stage(upload(PDF, "a.pdf"), tmp_path, max_bytes=1000)
    assert staged.path.exists()
    discard(staged)
    discard(staged)
    assert not staged.path.exists()
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "stored_name",
    [
        "../x",
        "/etc/passwd",
        "2026/../../x.pdf",
        "2026/11/../../../etc/passwd",
        "..\\x",
        "2026\\11\\a.pdf",
        "C:/x.pdf",
        ".staging/tmpabc.part",
        "2026//a.pdf",
        "",
        "a\x00.pdf",
    ],
)
def test_path_for_refuses_escapes(tmp_path, stored_name):
    with pytest.raises(ValueError):
        path_for(stored_name, tmp_path)


def test_path_for_refuses_symlinks_out(tmp_path):
    upload_dir = tmp_path / "uploads"
    upload_dir.mkdir()
    (upload_dir / "2026").symlink_to(tmp_path)
    with pytest.raises(ValueError):
        path_for("2026/secret.pdf", upload_dir)


def test_path_for_accepts_a_stored_name(tmp_path):
    assert path_for("2026/11/" + "a" * 32 + ".pdf", str(tmp_path)) == tmp_path.resolve() / "2026/11" / ("a" * 32 + ".pdf")


def test_content_disposition_vietnamese():
    value = content_disposition("Báo cáo Đợt 1.pdf")
    assert value.startswith("attachment; ")
    assert 'filename="Bao cao Dot 1.pdf"' in value
    assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20%C4%90%E1%BB%A3t%201.pdf" in value
    value.encode("ascii")  # a header value must be pure ASCII


@pytest.mark.parametrize(
    "name, fallback",
    [
        ("report.pdf", "report.pdf"),
        ('say "hi".pdf', "say _hi_.pdf"),
        ("thu-muc\\ten.pdf", "ten.pdf"),  # a backslash is a Windows path separator, never kept
        ("100%.pdf", "100_.pdf"),
        ("日本語.pdf", "___.pdf"),
        ("a\r\nSet-Cookie: x=1.pdf", "aSet-Cookie: x=1.pdf"),
        ("đường Đèo.docx", "duong Deo.docx"),
    ],
)
def test_content_disposition_fallback(name, fallback):
    value = content_disposition(name)
    assert f'filename="{fallback}"' in value
    assert "\r" not in value and "\n" not in value
    value.encode("ascii")
