from datetime import date

import pytest

from tracker.domain.meetings import (
    KIND_LABELS_VI,
    MeetingKind,
    conclusion_codes,
    is_conclusion_code,
    kind_label,
    report_line,
    title,
)
from tracker.domain.text import code_sort_key


@pytest.mark.parametrize("kind, label", [
    ("so_ket", "Hội nghị sơ kết"),
    ("tong_ket", "Hội nghị tổng kết"),
    ("giao_ban", "Họp giao ban"),
    ("other", "Cuộc họp"),
    ("unknown", "unknown"),
])
def test_kind_labels(kind, label):
    assert kind_label(kind) == label


def test_every_kind_has_a_label():
    assert set(KIND_LABELS_VI) == set(MeetingKind)


def test_title_names_the_kind_and_the_vietnamese_date():
    assert title("so_ket", date(2024, 6, 5)) == "Hội nghị sơ kết ngày 05/06/2024"


@pytest.mark.parametrize("taken, count, expected", [
    (set(), 2, ["KL1.1", "KL1.2"]),
    ({"1.1", "7.10"}, 1, ["KL1.1"]),
    ({"KL1.1", "KL1.2"}, 3, ["KL2.1", "KL2.2", "KL2.3"]),
    ({"KL1.1", "kl3.1"}, 1, ["KL2.1"]),  # a gap is filled; the case does not matter
    ({"KL1.x"}, 1, ["KL1.1"]),  # not a conclusion's code
    (set(), 0, []),
])
def test_conclusion_codes(taken, count, expected):
    assert conclusion_codes(taken, count) == expected


def test_conclusion_codes_sort_by_number():
    codes = conclusion_codes(set(), 12)
    assert sorted(codes, key=code_sort_key) == codes
    assert all(len(c) <= 20 for c in codes)


@pytest.mark.parametrize("code, expected", [("KL1.2", True), ("kl10.3", True), ("1.2", False), ("KL1", False)])
def test_is_conclusion_code(code, expected):
    assert is_conclusion_code(code) is expected


def test_report_line():
    assert report_line("giao_ban", date(2025, 10, 16), "Bắc Ninh ", 3, 1) == (
        "Ngày 16/10/2025, tổ chức Họp giao ban tại Bắc Ninh; ban hành 3 kết luận, đã hoàn thành 1.")
    assert report_line("so_ket", date(2025, 1, 2), "", 0, 0) == (
        "Ngày 02/01/2025, tổ chức Hội nghị sơ kết; ban hành 0 kết luận, đã hoàn thành 0.")
