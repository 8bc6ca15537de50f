"""The edge's parsers: what counts as an id, a page and a date."""
from datetime import date

import pytest

from tracker import params


@pytest.mark.parametrize("value, expected", [
    ("1", 1), ("42", 42), ("+7", 7), (str(2**31 - 1), 2**31 - 1), (5, 5),
    (str(2**31), None), (str(2**63), None), ("99999999999999999999", None), ("0", None), ("-1", None),
    ("", None), (None, None), ("abc", None), ("1e3", None), ("0x10", None), (" 3", None), ("3 ", None),
    ("1_000", None), ("١٢", None), ("²", None), ("-", None), (True, None), ("9" * 10_000, None), (2**63, None),
])
def test_parse_id(value, expected):
    assert params.parse_id(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("2026-11-27", date(2026, 11, 27)), ("1900-01-01", date(1900, 1, 1)), ("2199-12-31", date(2199, 12, 31)),
    ("1899-12-31", None), ("2200-01-01", None), ("9999-12-31", None), ("0001-01-01", None),
    ("2026-02-30", None), ("abc", None), ("", None), (None, None), ("20261127", None), ("2026-11-27T00:00", None),
    (date(9999, 12, 31), None), (date(2026, 1, 1), date(2026, 1, 1)),
])
def test_parse_date(value, expected):
    assert params.parse_date(value) == expected


@pytest.mark.parametrize("query, expected", [
    ("", 1), ("page=2", 2), ("page=-3", 1), ("page=0", 1), ("page=abc", 1), (f"page={2**63}", 1),
])
def test_arg_page(app, query, expected):
    with app.test_request_context(f"/commitments?{query}"):
        assert params.arg_page() == expected


def test_strict_date_is_400(app):
    from werkzeug.exceptions import BadRequest

    with app.test_request_context("/reports/status.csv?as_of=9999-12-31"):
        with pytest.raises(BadRequest):
            params.arg_date("as_of", strict=True)
    with app.test_request_context("/reports/status.csv?as_of="):
        assert params.arg_date("as_of", strict=True) is None


def test_id_converter_bounds_every_int_route(app):
    adapter = app.url_map.bind("localhost")
    assert adapter.match("/commitments/2147483647")[1] == {"commitment_id": 2**31 - 1}
    for bad in ("0", str(2**31), str(2**63), "-1"):
        with pytest.raises(Exception) as raised:
            adapter.match(f"/commitments/{bad}")
        assert getattr(raised.value, "code", None) == 404, bad
