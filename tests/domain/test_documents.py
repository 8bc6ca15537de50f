"""Implementing documents: the number and symbol of Decree 30 (and the Party's form), the dates, the report line."""
from datetime import date

import pytest

from tracker.domain.documents import (
    BAD_FORMAT,
    BEFORE_AGREEMENT,
    IN_FUTURE,
    REQUIRED,
    WRONG_TYPE,
    DocumentFacts,
    NumberSymbol,
    normalise_number,
    parse_number,
    problems,
    report_line,
)

TODAY = date(2026, 11, 26)
SIGNED = date(2023, 3, 18)


@pytest.mark.parametrize("raw, parsed", [
    ("125/KH-UBND", NumberSymbol(125, None, "KH-UBND")),
    ("Số: 125/KH-UBND", NumberSymbol(125, None, "KH-UBND")),
    (" 125 / KH - UBND ", NumberSymbol(125, None, "KH-UBND")),
    ("12/2023/NQ-HĐND", NumberSymbol(12, 2023, "NQ-HĐND")),
    ("1234/UBND-KT", NumberSymbol(1234, None, "UBND-KT")),  # công văn: the body's symbol
    ("125-KH/TU", NumberSymbol(125, None, "KH/TU")),  # Party form
    ("07/CTr-UBND", NumberSymbol(7, None, "CTr-UBND")),
    ("2047/QĐ-UBND", NumberSymbol(2047, None, "QĐ-UBND")),
])
def test_numbers_that_parse(raw, parsed):
    assert parse_number(raw) == parsed


@pytest.mark.parametrize("raw", [
    "", None, "KH-UBND", "125", "125/", "0/KH-UBND", "125/kh-ubnd", "125/KH--UBND", "1234567/KH-UBND",
    "125/KH-UBND/", "125 KH UBND", "125/KH-UBND; 126/KH-UBND", "125/KH-" + "A" * 60,
])
def test_numbers_refused(raw):
    assert parse_number(raw) is None


def test_normalised_as_stored():
    assert normalise_number("  số:  125 /KH- UBND ") == "125/KH-UBND"


def facts(**changes):
    base = dict(doc_type="plan", number_symbol="125/KH-UBND", issued_on=date(2024, 3, 5),
                issuing_body="UBND tỉnh Thái Nguyên", subject="Triển khai thực hiện Chương trình hợp tác")
    return DocumentFacts(**{**base, **changes})


@pytest.mark.parametrize("changes, found", [
    ({}, {}),
    ({"issued_on": TODAY}, {}),  # today is fine
    ({"issued_on": date(2026, 11, 27)}, {"issued_on": IN_FUTURE}),
    ({"issued_on": SIGNED}, {}),  # the day of signing is fine
    ({"issued_on": date(2023, 3, 17)}, {"issued_on": BEFORE_AGREEMENT}),
    ({"issued_on": None}, {"issued_on": REQUIRED}),
    ({"number_symbol": "125/QĐ-UBND"}, {"number_symbol": WRONG_TYPE}),  # a decision's symbol on a plan
    ({"number_symbol": "125-KH/TU"}, {}),
    ({"number_symbol": "KH-UBND"}, {"number_symbol": BAD_FORMAT}),
    ({"doc_type": "letter", "number_symbol": "1234/UBND-KT"}, {}),  # no type abbreviation to check
    ({"doc_type": "memo"}, {"doc_type": REQUIRED}),
    ({"issuing_body": "  "}, {"issuing_body": REQUIRED}),
    ({"subject": ""}, {"subject": REQUIRED}),
])
def test_problems(changes, found):
    assert problems(facts(**changes), today=TODAY, agreement_from=SIGNED) == found


def test_no_agreement_date_no_lower_bound():
    assert problems(facts(issued_on=date(2001, 1, 1)), today=TODAY, agreement_from=None) == {}


@pytest.mark.parametrize("subject, about", [
    ("Triển khai thực hiện Biên bản ghi nhớ.", "về triển khai thực hiện Biên bản ghi nhớ."),
    ("UBND hai tỉnh phối hợp", "về UBND hai tỉnh phối hợp."),
])
def test_report_line(subject, about):
    line = report_line("plan", "125/KH-UBND", date(2024, 3, 5), "UBND tỉnh Thái Nguyên", subject)
    assert line == f"UBND tỉnh Thái Nguyên ban hành Kế hoạch số 125/KH-UBND ngày 05/03/2024 {about}"
