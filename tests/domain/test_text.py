"""Search keys and NFC: composed, decomposed, upper, lower and tone placement alike."""
import unicodedata

import pytest

from tracker.domain.text import MAX_QUERY_TERMS, clean_line, clean_text, code_sort_key, fold, nfc, search_terms

NFD = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731


@pytest.mark.parametrize(
    "typed, key",
    [
        ("thai nguyen", "thai nguyen"),
        ("THÁI NGUYÊN", "thai nguyen"),
        (NFD("Thái Nguyên"), "thai nguyen"),
        ("Hòa", "hoa"),
        ("Hoà", "hoa"),
        (NFD("Hoà"), "hoa"),
        ("Đường vành đai V", "duong vanh dai v"),
        ("  Quốc   lộ\t37 ", "quoc lo 37"),
        ("Tỉnh ủy", "tinh uy"),
        ("", ""),
        (None, ""),
        ("a\x00b\x1fc", "a b c"),
    ],
)
def test_fold(typed, key):
    assert fold(typed) == key


def test_fold_keeps_emoji_and_survives_odd_unicode():
    assert fold("🙂 Bắc Giang") == "🙂 bac giang"
    assert fold("\ud800") == ""  # a lone surrogate is dropped, not an error


def test_search_terms_are_bounded():
    assert search_terms("x " * 10_000) == ["x"]
    many = " ".join(f"t{i}" for i in range(50))
    assert len(search_terms(many)) == MAX_QUERY_TERMS
    assert len("".join(search_terms("a" * 10_000))) <= 200
    assert search_terms("THÁI  nguyên thái") == ["thai", "nguyen"]


def test_nfc_and_clean_line():
    assert nfc(NFD("Bắc Giang")) == "Bắc Giang"
    assert unicodedata.is_normalized("NFC", nfc(NFD("Hòa")))
    assert clean_line("  Sở \x07 Tài   chính \n") == "Sở Tài chính"
    assert nfc(None) is None


@pytest.mark.parametrize("a, b", [("7.2", "7.10"), ("1.9", "2.1"), ("9.1", "10.1")])
def test_code_sort_key_orders_numerically(a, b):
    assert code_sort_key(a) < code_sort_key(b)


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("Đã họp\x00 liên ngành", "Đã họp liên ngành"),  # NUL
        ("tệp \u202egpj.exe", "tệp gpj.exe"),  # RIGHT-TO-LEFT OVERRIDE
        ("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069x", "x"),  # every embedding, override, isolate
        ("dòng 1\r\ndòng 2\rdòng 3\ndòng 4", "dòng 1\ndòng 2\ndòng 3\ndòng 4"),  # line ends as \n
        ("a\tb", "a\tb"),  # tab stays
        ("chuông\x07\x1b[31m đỏ\x7f\x85", "chuông[31m đỏ"),  # C0, DEL, C1
        ("nửa \ud800 cặp", "nửa  cặp"),  # a lone surrogate
        (NFD("Hoà Bình"), "Hoà Bình"),
        ("👩\u200d💻 gạch\u00admềm", "👩\u200d💻 gạch\u00admềm"),  # joiners and soft hyphens are kept
        ("  cách   giữ nguyên  ", "  cách   giữ nguyên  "),
        ("", ""),
        (None, None),
    ],
)
def test_clean_text(typed, stored):
    assert clean_text(typed) == stored
    if stored:
        assert unicodedata.is_normalized("NFC", clean_text(typed))
        assert clean_text(stored) == stored  # idempotent


def test_clean_line_also_drops_bidi_controls():
    assert clean_line(" Sở \u202eTài chính\u2069 ") == "Sở Tài chính"


def test_clean_text_removes_exactly_the_controls_bidi_controls_and_surrogates():
    """Every character of the Basic Multilingual Plane (where all of Unicode's "Cc" and "Cs"
    are), in one text: what is removed is the categories' and ``BIDI_CONTROLS``' characters,
    tab and newline kept (carriage returns become newlines first)."""
    from tracker.domain.text import BIDI_CONTROLS

    every = "".join(chr(c) for c in range(0x10000) if c != 0x0D)
    removed = {ch for ch in every if ch not in "\t\n" and (
        ch in BIDI_CONTROLS or unicodedata.category(ch) in ("Cc", "Cs"))}
    assert len(removed) == 2048 + 62 + 9
    kept = "".join(ch for ch in every if ch not in removed)
    assert clean_text(every) == unicodedata.normalize("NFC", kept)
