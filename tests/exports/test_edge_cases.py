"""Every format copes with an empty scope, default letterhead and hostile text."""
import dataclasses
import io

import pytest

from tracker import exports
from tracker.domain.report import Counts, Letterhead

from .conftest import ROWS, make_report

# the PDF goes through WeasyPrint: marked, so a quick local run can leave it out
FORMATS = [pytest.param(f, marks=pytest.mark.weasyprint) if f == "pdf" else f for f in sorted(exports.FORMATS)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_scope_with_default_letterhead(fmt):
    report = make_report(rows=(), updates=(), changes=(), by_province=(), summary=Counts.empty(),
                         letterhead=Letterhead(), period_label=None, window_start=None, hidden_restricted=0)
    out = io.BytesIO()
    exports.write(report, fmt, out)
    assert len(out.getvalue()) > 100


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_text_everywhere(fmt):
    nasty = "=HYPERLINK(\"http://evil\")\x00\x1b<script>\ud800 & </w:t>"
    row = dataclasses.replace(ROWS[0], task=nasty, lead_agencies=(nasty,), result=nasty, notes=nasty,
                              deliverable=nasty, area_name=nasty)
    head = dataclasses.replace(make_report().letterhead, issuing_agency=nasty, signer_name=nasty,
                               recipients=(nasty,), place=nasty)
    report = make_report(rows=(row,), letterhead=head, agreement_title=nasty, scope_label=nasty)
    out = io.BytesIO()
    exports.write(report, fmt, out)
    assert len(out.getvalue()) > 100
