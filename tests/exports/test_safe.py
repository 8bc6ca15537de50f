"""safe: stripping what files cannot hold and defusing spreadsheet formulas, as tables."""
import pytest

from tracker.exports import safe


@pytest.mark.parametrize(("raw", "expected"), [
    (None, ""),
    ("", ""),
    ("Hà Nội", "Hà Nội"),
    ("Hoa\u0300", "Hoà"),  # decomposed input comes out NFC
    ("a\x00b\x07c", "abc"),
    ("\x01\x02\x03\x04\x05\x06\x08x", "x"),
    ("tab\tnew\nline\rcr", "tab\tnew\nline\rcr"),  # the three legal controls stay
    ("v\x0bt\x0cf", "vtf"),
    ("\x0e\x1f-end", "-end"),
    ("lone \ud800 high \udfff low", "lone  high  low"),
    ("non\ufffechar\uffff", "nonchar"),
    (42, "42"),
])
def test_clean(raw, expected):
    assert safe.clean(raw) == expected


@pytest.mark.parametrize(("text", "formula"), [
    ("=SUM(A1:A9)", True),
    ("+84 912 345 678", True),
    ("-5", True),
    ("@SUM(A1)", True),
    ("\t=1+1", True),
    ("\r=1+1", True),
    ("Đã hoàn thành", False),
    ("1+1", False),
    (" =1", False),
    ("", False),
])
def test_is_formula_like(text, formula):
    assert safe.is_formula_like(text) is formula


@pytest.mark.parametrize(("raw", "expected"), [
    ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("@cmd", "'@cmd"),
    ("- Lưu: VT", "'- Lưu: VT"),
    ("\x00=1", "'=1"),  # cleaned first, then defused: stripping cannot uncover a formula
    ("Kết quả tốt", "Kết quả tốt"),
    (None, ""),
])
def test_csv_text(raw, expected):
    assert safe.csv_text(raw) == expected


def test_xlsx_text_keeps_formula_text_as_is_and_fits_a_cell():
    assert safe.xlsx_text("=SUM(A1:A9)") == "=SUM(A1:A9)"
    assert safe.xlsx_text("a\x07b") == "ab"
    long = safe.xlsx_text("ạ" * 40_000)
    assert len(long) == safe.XLSX_MAX_CHARS
    assert long.endswith("…")


@pytest.mark.parametrize(("raw", "expected"), [
    ("Thái Nguyên: xong.\r\nBắc Ninh: đang làm.\rThêm\n\n  ", ["Thái Nguyên: xong.", "Bắc Ninh: đang làm.", "Thêm"]),
    (None, []),
    ("  \n \t ", []),
])
def test_lines(raw, expected):
    assert safe.lines(raw) == expected


def test_one_line():
    assert safe.one_line("a   b\nc\x00d") == "a b; cd"
