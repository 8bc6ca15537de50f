"""Search keys and NFC: composed, decomposed, upper, lower and tone placement alike."""
import unicodedata

import pytest

from tracker.domain.text import MAX_QUERY_TERMS, clean_line, code_sort_key, fold, nfc, search_terms

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
