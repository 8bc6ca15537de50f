"""Evidence rules: which files are accepted (by name and content), and the names people see."""
import unicodedata

import pytest

from tracker.domain.evidence import (
    DISPLAY_NAME_MAX,
    KINDS,
    ZIP_MAX_MEMBERS,
    ZIP_MAX_UNPACKED,
    EvidenceProblem,
    archive_problem,
    identify,
    kind_from_name,
    safe_display_name,
)

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
ZIP = b"PK\x03\x04" + b"\x14\x00" + b"\x00" * 32
DOCX_NAMES = frozenset({"[Content_Types].xml", "_rels/.rels", "word/document.xml"})
XLSX_NAMES = frozenset({"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/worksheets/sheet1.xml"})
ODT_NAMES = frozenset({"mimetype", "content.xml", "META-INF/manifest.xml"})
ODT_MIME = b"application/vnd.oasis.opendocument.text"
NFD = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731


@pytest.mark.parametrize(
    "filename, head, zip_names, zip_mimetype, kind",
    [
        ("bao-cao.pdf", PDF, None, None, "pdf"),
        ("bao-cao.PDF", PDF, None, None, "pdf"),
        ("bom.pdf", b"\xef\xbb\xbf\r\n" + PDF, None, None, "pdf"),  # junk before the header is tolerated
        ("anh.png", PNG, None, None, "png"),
        ("anh.jpg", JPG, None, None, "jpg"),
        ("ANH.JPEG", JPG, None, None, "jpg"),
        ("Biên bản.docx", ZIP, DOCX_NAMES, None, "docx"),
        ("so-lieu.xlsx", ZIP, XLSX_NAMES, None, "xlsx"),
        ("van-ban.odt", ZIP, ODT_NAMES, ODT_MIME, "odt"),
        ("C:\\Users\\x\\anh.png", PNG, None, None, "png"),
    ],
)
def test_identify_accepts(filename, head, zip_names, zip_mimetype, kind):
    assert identify(filename, head, zip_names, zip_mimetype) == kind
    assert kind in KINDS


@pytest.mark.parametrize(
    "filename, head, zip_names, zip_mimetype, code",
    [
        ("gia.pdf", PNG, None, None, "content_mismatch"),
        ("gia.pdf", b"just some text, not a PDF at all\n", None, None, "content_mismatch"),
        ("xa.pdf", b" " * 1024 + PDF, None, None, "content_mismatch"),  # header beyond the first 1024 bytes
        ("anh.png", JPG, None, None, "content_mismatch"),
        ("anh.jpg", PNG, None, None, "content_mismatch"),
        ("bang.docx", ZIP, XLSX_NAMES, None, "content_mismatch"),  # an Excel file named .docx
        ("bang.xlsx", ZIP, DOCX_NAMES, None, "content_mismatch"),
        ("thieu.docx", ZIP, frozenset({"[Content_Types].xml", "word/styles.xml"}), None, "content_mismatch"),
        ("hong.docx", ZIP, None, None, "content_mismatch"),  # not a readable zip
        ("khong-zip.docx", PDF, DOCX_NAMES, None, "content_mismatch"),  # names without the zip signature
        ("sai.odt", ZIP, ODT_NAMES, b"application/vnd.oasis.opendocument.spreadsheet", "content_mismatch"),
        ("sai.odt", ZIP, ODT_NAMES, None, "content_mismatch"),
        ("thieu.odt", ZIP, frozenset({"mimetype"}), ODT_MIME, "content_mismatch"),
        ("virus.exe", b"MZ\x90\x00", None, None, "extension_not_allowed"),
        ("bao-cao.pdf.exe", PDF, None, None, "extension_not_allowed"),
        ("khong-duoi", PDF, None, None, "extension_not_allowed"),
        ("trang.gif", b"GIF89a", None, None, "extension_not_allowed"),
        ("", PDF, None, None, "no_name"),
        ("   ", PDF, None, None, "no_name"),
        ("thu-muc/", PDF, None, None, "no_name"),
        ("rong.pdf", b"", None, None, "empty"),
    ],
)
def test_identify_refuses(filename, head, zip_names, zip_mimetype, code):
    with pytest.raises(EvidenceProblem) as caught:
        identify(filename, head, zip_names, zip_mimetype)
    assert caught.value.code == code
    assert caught.value.filename == filename
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    "filename, kind",
    [("a.pdf", "pdf"), ("a.Docx", "docx"), ("a.XLSX", "xlsx"), ("a.odt", "odt"), ("a.jpeg", "jpg"), ("a.PNG", "png")],
)
def test_kind_from_name(filename, kind):
    assert kind_from_name(filename) == kind


def test_kind_from_name_without_a_name():
    with pytest.raises(EvidenceProblem) as caught:
        kind_from_name(None)
    assert caught.value.code == "no_name"
    assert caught.value.filename == ""


def test_unknown_problem_code_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown"):
        EvidenceProblem("bad_code", "x.pdf")


@pytest.mark.parametrize(
    "uploaded, shown",
    [
        ("Báo cáo tiến độ Quý I.pdf", "Báo cáo tiến độ Quý I.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\x\\Biên bản.docx", "Biên bản.docx"),
        ("Báo\x00cáo\r\n.pdf", "Báocáo.pdf"),
        ("\tBiên bản\x1b[31m.pdf ", "Biên bản[31m.pdf"),
        ("gpj\u202e.exe", "gpj.exe"),  # a right-to-left override would disguise the name
        (NFD("Đợt 1 – Hòa Bình.pdf"), "Đợt 1 – Hòa Bình.pdf"),
        ("", "tep-dinh-kem"),
        ("   ", "tep-dinh-kem"),
        (None, "tep-dinh-kem"),
        (".pdf", "tep-dinh-kem.pdf"),
        ("../", "tep-dinh-kem"),
        ("thu-muc/..", "tep-dinh-kem"),
        ("\x00\x01.docx", "tep-dinh-kem.docx"),
        ("khong-duoi", "khong-duoi"),
        ("ANH.JPEG", "ANH.JPEG"),
    ],
)
def test_safe_display_name(uploaded, shown):
    assert safe_display_name(uploaded) == shown


def test_decomposed_input_becomes_nfc():
    shown = safe_display_name(NFD("Báo cáo tiến độ.pdf"))
    assert unicodedata.is_normalized("NFC", shown)
    assert shown == "Báo cáo tiến độ.pdf"


@pytest.mark.parametrize("stem", ["a" * 300, "Báo cáo " * 40, "x" * 195 + "   yyyy"])
def test_long_names_are_cut_keeping_the_extension(stem):
    shown = safe_display_name(stem + ".pdf")
    assert len(shown) <= DISPLAY_NAME_MAX
    assert shown.endswith(".pdf")
    assert not shown.endswith(" .pdf")
    assert shown[:-4] == stem[: len(shown) - 4]


def test_long_name_without_extension_is_cut():
    assert safe_display_name("a" * 300) == "a" * DISPLAY_NAME_MAX


def test_exactly_the_limit_is_kept():
    name = "b" * (DISPLAY_NAME_MAX - 5) + ".docx"
    assert safe_display_name(name) == name


MB = 1024 * 1024


@pytest.mark.parametrize(
    "members, refused",
    [
        ([(40_000, 400_000), (2 * MB, 2 * MB + 10)], False),  # XML at 1:10, a picture stored as is
        ([(20 * MB, 250 * MB)], False),  # 1:12.5, just under the total
        ([(50, 900_000)], False),  # tiny members are not held to the ratio
        ([(21_000, 2_100_000)], False),  # 1:100 exactly is allowed
        ([(1_000_000, ZIP_MAX_UNPACKED + 1)], True),  # the declared total is too large
        ([(20 * MB, 200 * MB), (10 * MB, 100 * MB)], True),  # ... also when spread over members
        ([(50_000, 5_000_000_000)], True),  # 42.zip style: 5 GB of zeros from 50 KB
        ([(10_000, 2 * MB)], True),  # a member above 1:100
        ([(0, 2 * MB)], True),  # "stored" with no bytes but 2 MB declared
        ([(10, 10)] * (ZIP_MAX_MEMBERS + 1), True),
    ],
)
def test_archive_problem_judges_declared_sizes(members, refused):
    assert (archive_problem(members) is not None) is refused
