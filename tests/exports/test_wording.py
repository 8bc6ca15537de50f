"""wording: Nghị định 30 dates, Vietnamese numbers, annex cells and download names."""
import dataclasses
from datetime import date, datetime, timezone

import pytest

from tracker import exports
from tracker.exports import wording

from .conftest import ROWS


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
    (date(2026, 1, 1), "ngày 01 tháng 01 năm 2026"),
    (date(2026, 3, 5), "ngày 05 tháng 3 năm 2026"),  # months 3-12 take no leading zero
    (date(2025, 9, 9), "ngày 09 tháng 9 năm 2025"),
    (date(2025, 11, 10), "ngày 10 tháng 11 năm 2025"),
    (date(2025, 12, 31), "ngày 31 tháng 12 năm 2025"),
])
def test_long_date(day, expected):
    assert wording.long_date(day) == expected


def test_place_date():
    assert wording.place_date("Thái Nguyên", date(2026, 2, 5)) == "Thái Nguyên, ngày 05 tháng 02 năm 2026"


@pytest.mark.parametrize(("part", "whole", "expected"), [
    (12, 40, "30 %"), (1, 8, "12,5 %"), (1, 3, "33,3 %"), (0, 0, "0 %"), (5, 5, "100 %"),
])
def test_percent(part, whole, expected):
    assert wording.percent(part, whole) == expected


def test_number_and_share():
    assert wording.number(1234567) == "1.234.567"
    assert wording.share(12, 40) == "12/40 (30 %)"


def test_deadline_cells():
    assert wording.deadline(ROWS[0]) == "31/12/2025 (gia hạn từ 30/06/2025)"
    assert wording.deadline(ROWS[2]) == "Thường xuyên"
    assert wording.deadline(ROWS[1]) == "30/09/2025"


def test_local_naive_is_vietnam_wall_clock():
    assert wording.local_naive(datetime(2025, 12, 11, 3, 30, tzinfo=timezone.utc)) == datetime(2025, 12, 11, 10, 30)


def test_filename_is_ascii(report):
    assert exports.filename(report, "xlsx") == "bao-cao-TN-BG-2023-2025-12-14.xlsx"
    odd = dataclasses.replace(report, agreement_code="Thái Nguyên/Bắc Giang 2023")
    name = exports.filename(odd, "pdf")
    assert name == "bao-cao-Thai-Nguyen-Bac-Giang-2023-2025-12-14.pdf"
    assert name.isascii()


def test_unknown_format_is_refused(report, tmp_path):
    with pytest.raises(ValueError):
        exports.filename(report, "odt")
    with open(tmp_path / "x", "wb") as out, pytest.raises(ValueError):
        exports.write(report, "odt", out)


def test_formats_are_the_four_the_web_layer_serves():
    assert set(exports.FORMATS) == {"csv", "xlsx", "docx", "pdf"}
