"""Hostile text typed into the progress form, approved, then read back from every export,
the pages, the dashboard's Plotly figures and the evidence download: inert everywhere.
"""
from __future__ import annotations

import csv
import io
import html
import json
import re
import secrets
import unicodedata
from urllib.parse import unquote

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from tests.client import csrf_token
from tests.factories import PDF_BYTES, officer_commitment
from tests.hostile.conftest import TALLY, multipart, parse_forms, urlencoded
from tracker import clock, exports
from tracker.domain.text import BIDI_CONTROLS
from tracker.extensions import db
from tracker.models import Agreement, CooperationArea, ProgressUpdate
from tracker.status.cache import invalidate

NFD_RESULT = unicodedata.normalize("NFD", "Đã hoàn thành giải phóng mặt bằng")
# One hostile text per field; each starts with a character a spreadsheet reads as a formula.
TEXTS = {
    "results": '=HYPERLINK("http://example.com","hx21") <script>alert("hx22")</script>\x00\x0b\u202egpj.exe\u202c '
               + NFD_RESULT + " %s%n{0}",
    "obstacles": "+cmd|' /C calc'!A0 hx23\x1b[31m",
    "proposals": "-2+3+cmd|' /C calc'!A0 hx24\u2066",
    "next_steps": "@SUM(1+1)*cmd hx25\x00",
}
EVIDENCE_NAMES = [b"../../etc/passwd.pdf", b"..\\..\\windows\\win.ini.pdf", b"bi\xc3\xaan b\xe1\xba\xa3n\x00.pdf",
                  "\u202efdp.exe.pdf".encode()]
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORMULA_STARTS = ("=", "+", "-", "@")
GENERATED_NAME = re.compile(r"\d{4}/\d{2}/[0-9a-f]{32}\.pdf")


def _without_markers(text: str) -> bool:
    return not CONTROLS.search(text) and not any(ch in BIDI_CONTROLS for ch in text)


@pytest.fixture
def hostile_update(app, client, login_as):
    """An update typed through the form by the officer, then approved by the admin."""
    commitment = officer_commitment()
    login_as("officer")
    path = f"/commitments/{commitment.id}/progress/new"
    form = next(f for f in parse_forms(client.get(path).get_data(as_text=True)) if f.is_post)
    values = {name: v[0] for name, v in form.values().items()}
    values.update(TEXTS, state="in_progress", percent="40", action="submit", as_of=clock.today().isoformat())
    boundary = "hostile" + secrets.token_hex(8)
    body = multipart([(k, v.encode()) for k, v in values.items()],
                     [("evidence", name, PDF_BYTES) for name in EVIDENCE_NAMES], boundary)
    response = client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    update = db.session.scalar(select(ProgressUpdate).where(ProgressUpdate.commitment_id == commitment.id)
                               .order_by(ProgressUpdate.id.desc()))
    client.post("/logout", data={"csrf_token": csrf_token(client, "/profile")})
    login_as("admin")
    token = csrf_token(client, f"/updates/{update.id}")
    response = client.post(f"/updates/{update.id}/approve", data=urlencoded([("csrf_token", token.encode())]),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    db.session.refresh(update)
    assert update.status == "approved"
    return update


def check_the_stored_text_is_clean(app, client, hostile_update):
    for name in TEXTS:
        stored = getattr(hostile_update, name)
        assert _without_markers(stored), (name, stored)
        assert stored == unicodedata.normalize("NFC", stored)
    assert unicodedata.normalize("NFC", NFD_RESULT) in hostile_update.results


def _report(client, fmt):
    agreement = db.session.scalar(select(Agreement))
    with client.get(f"/reports/status.{fmt}", query_string={"agreement": agreement.id}) as response:
        assert response.status_code == 200, (fmt, response.status_code)
        assert response.headers["Content-Type"].startswith(exports.FORMATS[fmt].split(";")[0])
        TALLY["export_checks"] += 1
        return response.get_data()


def check_csv_cells_are_defused_and_clean(client, hostile_update):
    text = _report(client, "csv").decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    assert any("hx21" in c for c in cells), "the hostile results are in the annex"
    assert any(c.startswith("'=HYPERLINK") and "hx27" in c for c in cells), "the formula-like task, defused"
    for cell in cells:
        assert _without_markers(cell), cell
        assert not cell.startswith(FORMULA_STARTS) or re.fullmatch(r"-?\d+([.,]\d+)?", cell), cell


def check_xlsx_has_no_formula_and_no_control_character(client, hostile_update):
    book = load_workbook(io.BytesIO(_report(client, "xlsx")))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert _without_markers(cell.value), (sheet.title, cell.coordinate, cell.value)
                    texts.append(cell.value)
    for name in TEXTS:  # every field typed is there, as text
        token = re.search(r"hx\d\d", TEXTS[name]).group()
        assert any(token in t for t in texts), name
    assert any(t.startswith("=HYPERLINK") for t in texts)  # kept as typed, stored as a string cell


def check_docx_opens_and_holds_the_text_inert(client, hostile_update):
    document = Document(io.BytesIO(_report(client, "docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "hx21" in text and '<script>alert("hx22")' in text  # shown as text, not lost
    assert _without_markers(text)
    assert unicodedata.normalize("NFC", NFD_RESULT) in text


def check_pdf_opens_and_holds_the_text_inert(client, hostile_update):
    reader = PdfReader(io.BytesIO(_report(client, "pdf")))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert "hx21" in text
    assert not CONTROLS.search(text.replace("\n", "")) and not any(ch in BIDI_CONTROLS for ch in text)


def check_update_page_shows_the_text_escaped(app, client, hostile_update):
    page = client.get(f"/updates/{hostile_update.id}").get_data(as_text=True)
    assert '<script>alert("hx22")' not in page
    assert "&lt;script&gt;alert(" in page
    assert _without_markers(page.replace("\r", "").replace("\n", "").replace("\t", ""))


def check_evidence_names_are_generated_and_downloads_say_a_safe_name(app, client, hostile_update):
    files = hostile_update.evidence
    assert len(files) == len(EVIDENCE_NAMES)
    for item in files:
        assert GENERATED_NAME.fullmatch(item.stored_name), item.stored_name
        assert "/" not in item.original_name and "\\" not in item.original_name
        assert _without_markers(item.original_name), item.original_name
        with client.get(f"/evidence/{item.id}") as response:
            assert response.status_code == 200
            assert response.get_data() == PDF_BYTES
            disposition = response.headers["Content-Disposition"]
        assert disposition.isascii() and not CONTROLS.search(disposition), disposition
        fallback = re.fullmatch(r'attachment; filename="([^"]*)"; filename\*=UTF-8\'\'(\S+)', disposition)
        assert fallback, disposition
        for name in (fallback.group(1), unquote(fallback.group(2))):
            assert "/" not in name and "\\" not in name and _without_markers(name), disposition
        TALLY["export_checks"] += 1
    names = {item.original_name for item in files}
    assert {"passwd.pdf", "win.ini.pdf", "biên bản.pdf", "fdp.exe.pdf"} == names


def test_dashboard_figures_are_inert_json(app, client, hostile_update):
    """A field named with markup (as an import could name it) reaches the Plotly figures as data."""
    area = db.session.get(CooperationArea, officer_commitment().area_id)
    area.name = '</script><script>alert("hx26")</script>\u202e' + TEXTS["next_steps"]
    invalidate(commitments=[c.id for c in area.commitments])  # as the services that name a field do (plan_edit)
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    match = re.search(r'id="dashboard-figures" data-src="([^"]+)"', page)
    assert match, "the dashboard names its figures"
    raw = client.get(html.unescape(match.group(1))).get_data(as_text=True)
    assert "<" not in raw, "a '<' inside the figures' JSON could close the script element"
    figures = json.dumps(json.loads(raw), ensure_ascii=False).replace("<br>", "")  # Plotly's line breaks
    assert "hx26" in figures and "&lt;/script&gt;&lt;script&gt;" in figures  # shown, as text
    # The only markup is the charts' own (bold, and Plotly's <extra> hover box).
    assert set(re.findall(r"<[^>]*>", figures)) <= {"<b>", "</b>", "<extra>", "</extra>"}
    assert '<script>alert("hx26")' not in page
    body = client.get("/dashboard.json").get_data(as_text=True)
    json.loads(body)
    assert "\u202e" not in body and "\\u202e" not in body.lower()
    TALLY["export_checks"] += 2


def check_compliance_board_xlsx_has_no_formula(client, hostile_update):
    agreement = db.session.scalar(select(Agreement))
    with client.get("/compliance.xlsx", query_string={"agreement": agreement.id}) as response:
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.get_data()))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                assert not isinstance(cell.value, str) or _without_markers(cell.value)
    TALLY["export_checks"] += 1


# One update typed and approved serves every check (a PDF takes seconds to render).
def test_the_typed_text_is_stored_clean_shown_escaped_and_files_are_safe(app, client, hostile_update):
    for check in (check_the_stored_text_is_clean, check_update_page_shows_the_text_escaped,
                  check_evidence_names_are_generated_and_downloads_say_a_safe_name):
        check(app, client, hostile_update)


def _formula_like_task():
    # The annex starts no cell with what the progress form takes ("Thái Nguyên: …"); a task
    # worded like a formula (as an imported plan could word it) starts one.
    officer_commitment().title = '=HYPERLINK("http://example.com","hx27")\x00'
    db.session.commit()


def test_every_export_holds_the_typed_text_inert(client, hostile_update):
    _formula_like_task()
    for check in (check_csv_cells_are_defused_and_clean, check_xlsx_has_no_formula_and_no_control_character,
                  check_compliance_board_xlsx_has_no_formula, check_docx_opens_and_holds_the_text_inert):
        check(client, hostile_update)


@pytest.mark.weasyprint
def test_the_pdf_report_holds_the_typed_text_inert(client, hostile_update):
    """Apart, as WeasyPrint's other tests: a quick local run skips the slow renderer."""
    _formula_like_task()
    check_pdf_opens_and_holds_the_text_inert(client, hostile_update)
