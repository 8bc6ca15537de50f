"""The seed files' validation: a malformed entry is named with its problem."""
from datetime import date

import pytest

from tracker.domain.plan_file import PlanFileError, parse_agreement, parse_reference

REFERENCE = {
    "provinces": [
        {"code": "A97", "name": "Tỉnh A", "valid_from": date(1997, 1, 1), "valid_to": date(2025, 6, 30)},
        {"code": "B97", "name": "Tỉnh B", "valid_to": "2025-06-30"},
        {"code": "A", "name": "Tỉnh A", "valid_from": "2025-07-01"},
    ],
    "province_successions": [{"from": "A97", "to": "A", "date": "2025-07-01"}],
    "agencies": [
        {"code": "A97-X", "province": "A97", "name": "Sở X tỉnh A"},
        {"code": "B97-X", "province": "B97", "name": "Sở X tỉnh B"},
        {"code": "B97-Y", "province": "B97", "name": "Sở Y tỉnh B", "kind": "office"},
        {"code": "A-X", "province": "A", "name": "Sở X tỉnh A", "valid_from": "2025-07-01"},
    ],
    "agency_successions": [{"from": "A97-X", "to": "A-X", "date": "2025-07-01", "kind": "merge"}],
}


def agreement(**commitment_overrides):
    commitment = {
        "code": "1.1", "title": "Nhiệm vụ", "start_date": "2023-06-01", "due_date": "2024-12-31",
        "lead": {"A97": "A97-X", "B97": "B97-X"}, "support": {"B97": ["B97-Y"]},
    }
    commitment.update(commitment_overrides)
    return {
        "demo": True,
        "agreement": {
            "code": "AB", "title": "Biên bản", "period_start": "2023-01-01", "period_end": "2025-12-31",
            "parties": [{"province": "A97", "focal_agency": "A97-X"}, {"province": "B97"}],
            "areas": [{"number": 1, "name": "Lĩnh vực 1", "commitments": [commitment]}],
        },
    }


AGENCY_PROVINCE = {"A97-X": "A97", "B97-X": "B97", "B97-Y": "B97", "A-X": "A"}
PROVINCES = {"A97", "B97", "A"}


def test_valid_files_parse():
    ref = parse_reference(REFERENCE)
    assert [p.code for p in ref.provinces] == ["A97", "B97", "A"]
    assert ref.provinces[1].valid_to == date(2025, 6, 30)
    assert ref.agency_successions[0].effective_date == date(2025, 7, 1)
    plan = parse_agreement(agreement(), AGENCY_PROVINCE, PROVINCES)
    c = plan.areas[0].commitments[0]
    assert plan.demo and plan.assigned_on == date(2023, 1, 1)
    assert c.lead == {"A97": "A97-X", "B97": "B97-X"} and c.support == {"B97": ("B97-Y",)}


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda r: r["agencies"][0].update(province="ZZ"), "agencies[0]: unknown province 'ZZ'"),
        (lambda r: r["agencies"].append(dict(r["agencies"][0])), "agencies: duplicate code 'A97-X'"),
        (lambda r: r["provinces"][0].update(valid_from="2026-01-01"), "provinces[0]: valid_to is before valid_from"),
        (lambda r: r["provinces"][1].update(valid_to="30/06/2025"), "provinces[1]: 'valid_to' must be a date as YYYY-MM-DD"),
        (lambda r: r["agency_successions"][0].update(to="NOPE"), "agency_successions[0]: unknown code 'NOPE'"),
        (lambda r: r["agency_successions"][0].update(kind="absorb"), "agency_successions[0]: 'kind' must be one of"),
        (lambda r: r["agencies"][1].pop("name"), "agencies[1]: missing required field 'name'"),
        (lambda r: r.pop("provinces"), "reference: missing required field 'provinces'"),
        (lambda r: r["agencies"].__setitem__(0, "text"), "agencies[0]: expected a mapping"),
    ],
)
def test_reference_errors_name_the_entry(change, message):
    import copy

    data = copy.deepcopy(REFERENCE)
    change(data)
    with pytest.raises(PlanFileError) as info:
        parse_reference(data)
    assert message in str(info.value)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"due_date": "2022-01-01"}, "commitments[0] (1.1): due_date is before start_date"),
        ({"recurring": True}, "(1.1): a recurring commitment has no due_date"),
        ({"lead": {"A97": "A97-X"}}, "(1.1): no lead agency for B97"),
        ({"lead": {"A97": "A97-X", "B97": "A97-X"}}, "(1.1): agency 'A97-X' does not belong to province 'B97'"),
        ({"lead": {"A97": "A97-X", "B97": "B97-NOPE"}}, "(1.1): unknown agency 'B97-NOPE'"),
        ({"support": {"B97": ["B97-X"]}}, "(1.1): B97-X cannot both lead and co-operate"),
        ({"title": "   "}, "(1.1): 'title' must not be empty"),
        ({"recurring": "yes"}, "(1.1): 'recurring' must be true or false"),
        ({"code": "1 1"}, "'code' must not contain spaces"),
    ],
)
def test_commitment_errors_name_the_entry(overrides, message):
    with pytest.raises(PlanFileError) as info:
        parse_agreement(agreement(**overrides), AGENCY_PROVINCE, PROVINCES)
    assert "agreement.areas[0].commitments[0]" in str(info.value)
    assert message in str(info.value)


def test_agreement_level_errors():
    data = agreement()
    data["agreement"]["parties"] = [{"province": "A97"}]
    with pytest.raises(PlanFileError, match="at least two parties"):
        parse_agreement(data, AGENCY_PROVINCE, PROVINCES)
    data = agreement()
    data["agreement"]["areas"].append(dict(data["agreement"]["areas"][0], commitments=[]))
    with pytest.raises(PlanFileError, match=r"areas \(number\): duplicate code '1'"):
        parse_agreement(data, AGENCY_PROVINCE, PROVINCES)
    data = agreement()
    data["agreement"]["parties"][0]["focal_agency"] = "B97-X"
    with pytest.raises(PlanFileError, match=r"parties\[0\]: focal agency 'B97-X' is unknown or not of A97"):
        parse_agreement(data, AGENCY_PROVINCE, PROVINCES)
