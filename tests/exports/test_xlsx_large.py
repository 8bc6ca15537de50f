"""A national-scale sheet (above ``xlsx.PLAIN_ABOVE`` rows) is streamed without cell objects:
read back, it holds what the styled writer holds, value for value, less the borders and wrapping."""
import dataclasses
import io
import zipfile

import pytest
from openpyxl import load_workbook

from tracker.exports import xlsx

from .conftest import FORMULA


def _book(report, monkeypatch, plain: bool):
    monkeypatch.setattr(xlsx, "PLAIN_ABOVE", 0 if plain else 10**9)
    out = io.BytesIO()
    xlsx.write(report, out)
    return out.getvalue()


@pytest.fixture
def hostile(report):
    """The report with the awkward values a plain sheet must keep: formula-like text, an error
    code, leading spaces, an empty string, a carriage return and markup characters."""
    rows = list(report.rows)
    rows[0] = dataclasses.replace(rows[0], task="#N/A", deliverable="  hai dấu cách", notes="")
    rows[1] = dataclasses.replace(rows[1], task="+84 912", deliverable="@tên")
    rows[2] = dataclasses.replace(rows[2], task="dòng một\rdòng hai & <ba>")
    return dataclasses.replace(report, rows=tuple(rows))


def test_plain_sheets_read_back_as_the_styled_ones(hostile, monkeypatch):
    styled_bytes, plain_bytes = _book(hostile, monkeypatch, False), _book(hostile, monkeypatch, True)
    styled, plain = load_workbook(io.BytesIO(styled_bytes)), load_workbook(io.BytesIO(plain_bytes))
    for name in (xlsx.SHEET_ANNEX, xlsx.SHEET_UPDATES, xlsx.SHEET_CHANGES):
        a, b = styled[name], plain[name]
        assert b.freeze_panes == a.freeze_panes and b.auto_filter.ref == a.auto_filter.ref
        assert {k: d.width for k, d in b.column_dimensions.items()} == {k: d.width for k, d in a.column_dimensions.items()}
        rows_a, rows_b = list(a.iter_rows()), list(b.iter_rows())
        assert len(rows_a) == len(rows_b) > 1
        for ra, rb in zip(rows_a, rows_b):
            for ca, cb in zip(ra, rb):
                assert (cb.value, cb.data_type, cb.is_date) == (ca.value, ca.data_type, ca.is_date), cb.coordinate
                if ca.is_date:
                    assert cb.number_format == ca.number_format
                if isinstance(ca.value, str):
                    assert cb.quotePrefix == ca.quotePrefix == xlsx.safe.is_formula_like(ca.value), cb.coordinate
        if name == xlsx.SHEET_ANNEX:  # the status keeps its word and its tint
            status = xlsx.wording.SHEET_HEADER.index("Tình trạng")
            for ra, rb in zip(rows_a[1:], rows_b[1:]):
                assert rb[status].fill.fgColor.rgb == ra[status].fill.fgColor.rgb
            assert [c.value for c in rows_b[1]][3] == "#N/A" and rows_b[1][3].data_type == "s"
            assert rows_b[1][8].value == "  hai dấu cách"
            assert rows_b[2][3].value == "+84 912" and rows_b[2][3].quotePrefix
            assert rows_b[3][3].value == "dòng một\rdòng hai & <ba>"
    assert any(c.value == FORMULA and c.quotePrefix for r in plain[xlsx.SHEET_ANNEX].iter_rows() for c in r)
    with zipfile.ZipFile(io.BytesIO(plain_bytes)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    styled.close()
    plain.close()
