"""The plan template's row check: every error named by row, agencies matched by code or name."""
from datetime import date

import pytest

from tracker.domain.plan_sheet import (
    AgencyInfo,
    Context,
    Existing,
    PartyInfo,
    check,
    column_key,
    header_problems,
    match_agency,
    parse_day,
    rekey,
)
from tracker.domain.succession import Step

TODAY = date(2026, 11, 26)
A_AGENCIES = (
    AgencyInfo("A97-STC", "Sở Tài chính tỉnh A", date(1997, 1, 1), date(2025, 6, 30)),
    AgencyInfo("A-STC", "Sở Tài chính tỉnh A", date(2025, 7, 1), None),
    AgencyInfo("A-SXD", "Sở Xây dựng tỉnh A", date(2025, 7, 1), None),
    AgencyInfo("A-SXD2", "Sở Xây dựng tỉnh A", date(2025, 7, 1), None),  # a name two agencies share
)
B_AGENCIES = (AgencyInfo("B-SYT", "Sở Y tế tỉnh B", None, None), AgencyInfo("B-SCT", "Sở Công Thương tỉnh B", None, None))
STEPS = {"A97-STC": [Step("A-STC", date(2025, 7, 1))]}


def context(editable=("A", "B"), existing=None):
    return Context(
        parties=(PartyInfo("A", frozenset({"A", "A97"}), A_AGENCIES, "A" in editable),
                 PartyInfo("B", frozenset({"B"}), B_AGENCIES, "B" in editable)),
        fields=frozenset({1, 2}),
        existing=existing or {},
        steps_of=lambda code: STEPS.get(code, []),
        today=TODAY,
        period_start=date(2023, 1, 1),
    )


def row(**cells):
    base = {"field": 1, "code": "1.1", "title": "Nhiệm vụ", "start": date(2026, 1, 1), "due": "31/12/2026",
            "lead A": "A-STC", "lead B": "B-SYT"}
    base.update(cells)
    return {k: v for k, v in base.items() if v is not None}


EXISTING = Existing(code="1.1", field=1, title="Nhiệm vụ", description=None, deliverable=None,
                    start=date(2026, 1, 1), due=date(2026, 12, 31), recurring=False, source=None,
                    lead={"A": "A-STC", "B": "B-SYT"}, support={})


def problems(result):
    return [(r.row, p.code) for r in result.rows for p in r.problems]


@pytest.mark.parametrize(
    "cells, expected",
    [
        ({"lead A": "Sở Giáo dục"}, "agency_unknown"),
        ({"lead A": "so xay dung tinh a"}, "agency_ambiguous"),
        ({"due": "31/02/2026"}, "bad_date"),
        ({"start": "hôm qua"}, "bad_date"),
        ({"due": "01/01/2025"}, "due_before_start"),
        ({"lead A": None, "lead B": None}, "lead_missing"),
        ({"title": None}, "required"),
        ({"field": 7}, "field_unknown"),
        ({"code": "1 1"}, "bad_code"),
        ({"lead A": "A-STC; A-SXD"}, "one_lead"),
        ({"lead B": None, "support B": "B-SCT"}, "support_without_lead"),
        ({"support A": "A-STC"}, "lead_and_support"),
    ],
)
def test_each_error_is_named_on_its_row(cells, expected):
    result = check([(2, row(code="1.0")), (3, row(**cells))], context())
    assert problems(result) == [(3, expected)] and result.errors == 1
    assert result.rows[0].kind == "create"


def test_a_code_twice_is_an_error_on_the_second_row():
    result = check([(2, row()), (3, row())], context())
    assert problems(result) == [(3, "duplicate_code")]
    assert dict(result.rows[1].problems[0].params) == {"code": "1.1", "first": "2"}


def test_names_match_without_case_or_diacritics_among_agencies_valid_on_the_start_date():
    # in 2024 the name is the old department's, which the 2025 merger hands to A-STC
    result = check([(2, row(start="2024-03-01", **{"lead A": "SO TAI CHINH TINH A"}))], context())
    found = result.rows[0].planned.lead["A"]
    assert (found.code, found.since, found.today_code) == ("A97-STC", date(2024, 3, 1), "A-STC")
    agency, problem = match_agency("sở tài chính tỉnh a", context().parties[0], date(2026, 1, 1))
    assert agency.code == "A-STC" and problem is None


def test_unchanged_update_and_create_are_told_apart():
    ctx = context(existing={"1.1": EXISTING})
    result = check([(2, row()), (3, row(code="1.2")), (4, row(code="1.1", title="Mới"))], context(existing={"1.1": EXISTING}))
    assert [r.kind for r in result.rows] == ["unchanged", "create", "error"]  # 1.1 twice
    result = check([(2, row(title="Mới", **{"support B": "B-SCT"}))], ctx)
    assert result.rows[0].kind == "update"
    assert result.rows[0].changes == {"title": ("Nhiệm vụ", "Mới"), "support B": ([], ["B-SCT"])}


def test_an_existing_side_keeps_its_lead():
    result = check([(2, row(**{"lead B": None}))], context(existing={"1.1": EXISTING}))
    assert problems(result) == [(2, "side_lead_missing")]


def test_a_coordinator_changes_only_their_side():
    ctx = context(editable=("A",), existing={"1.1": EXISTING})
    result = check([(2, row(**{"lead A": "A-SXD"})), (3, row(code="1.2", **{"lead B": None}))], ctx)
    assert problems(result) == [] and [r.kind for r in result.rows] == ["update", "create"]
    result = check([(2, row(**{"lead B": "B-SCT"})), (3, row(code="1.2")), (4, row(code="1.3", title="x", **{"lead B": None}))],
                   context(editable=("A",), existing={"1.1": EXISTING}))
    assert problems(result) == [(2, "other_side"), (3, "other_side")]
    result = check([(2, row(title="Khác"))], ctx)
    assert problems(result) == [(2, "shared_fields")]


def test_recurring_due_and_dates():
    result = check([(2, row(due="Thường xuyên"))], context())
    assert result.rows[0].planned.recurring and result.rows[0].planned.due is None
    assert parse_day("05/02/2026") == date(2026, 2, 5) == parse_day("2026-02-05")


def test_headings_and_columns():
    assert column_key("Mã nhiệm vụ (code)") == "code"
    assert column_key("Mã nhiệm vụ") == "code"
    assert column_key("Cơ quan chủ trì TN97 (lead TN97)") == "lead TN97"
    keys, rows = rekey(["code", "lead A97"], [(2, {"lead A97": "A-STC"})], context().parties)
    assert keys == ["code", "lead A"] and rows == [(2, {"lead A": "A-STC"})]
    assert [p.code for p in header_problems(["code", "title", "code", "colour"], ["A"])] == [
        "column_missing", "column_twice", "column_unknown"]


def test_target_columns():
    old = Existing(**{**EXISTING.__dict__, "targets": {2026: 4.0}, "target_unit": "hội nghị"})
    ctx = context(existing={"1.1": old})
    assert check([(2, row(**{"target 2026": 4, "target_unit": "hội nghị"}))], ctx).rows[0].kind == "unchanged"
    assert check([(2, row(**{"target 2026": None}))], ctx).rows[0].kind == "unchanged"  # blank: left alone
    result = check([(2, row(**{"target 2026": "5,5", "target 2027": "6"}))], ctx)
    assert result.rows[0].changes == {"target 2026": (4.0, 5.5), "target 2027": (None, 6.0)}
    result = check([(2, row(code="1.2", **{"target 2026": "-1"})), (3, row(code="1.3", **{"target 2026": 3}))], ctx)
    assert problems(result) == [(2, "bad_number"), (3, "target_unit_missing")]
    result = check([(2, row(**{"target_unit": "sự kiện"}))], ctx)
    assert result.rows[0].changes == {"target_unit": ("hội nghị", "sự kiện"), "target 2026": (4.0, 4.0)}
    shared = check([(2, row(**{"target 2026": 9}))], context(editable=("A",), existing={"1.1": old}))
    assert problems(shared) == [(2, "shared_fields")]
