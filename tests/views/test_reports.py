"""Report files through the web: the builder, the reproducible link, counts, as-of, restricted fields."""
import csv
import io
import re
from datetime import date, datetime, timezone

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from tests.factories import officer_commitment
from tracker import clock
from tracker.domain.dashboard import Filters
from tracker.extensions import db
from tracker.models import Agreement, User
from tracker.queries import dashboard
from tracker.services import progress
from tracker.status import spans as status


class Download:
    """A response read whole and closed (report files stream from a temporary file)."""

    def __init__(self, response):
        with response:
            self.status_code = response.status_code
            self.data = response.get_data()
            self.mimetype = response.mimetype
            self.headers = response.headers


def fetch(client, url):
    return Download(client.get(url))


def agreement():
    return db.session.scalar(select(Agreement).where(Agreement.code == "TN-BG-2023"))


def approve_both(commitment, as_of, approved_at, state="in_progress", percent=40, results="Kết quả"):
    admin = db.session.scalar(select(User).where(User.email == "admin@example.com"))
    for lead in [a for a in commitment.assignments if a.valid_to is None and a.role == "lead"]:
        u = progress.create(commitment, lead, admin,
                            progress.UpdateData(state, str(percent), as_of, results=results),
                            submit=True, form_token=f"r{lead.id}{approved_at}", today=clock.today())
        progress.approve(u, admin)
        u.reviewed_at = approved_at
        status.refresh_side(u.commitment_id, u.party_id)
    db.session.commit()


def summary_counts(xlsx_bytes):
    book = load_workbook(io.BytesIO(xlsx_bytes))
    first = book.worksheets[0]
    values = [[c for c in row] for row in first.iter_rows(values_only=True)]
    book.close()
    return values


def annex_rows(xlsx_bytes):
    book = load_workbook(io.BytesIO(xlsx_bytes))
    sheet = book.worksheets[1]
    rows = [r for r in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


def test_builder_remembers_the_letterhead_and_redirects_to_a_reproducible_link(login_as):
    client = login_as("coordinator")
    html = client.get("/reports").get_data(as_text=True)
    assert "Lập báo cáo tình hình thực hiện" in html
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post("/reports", data={
        "csrf_token": token, "agreement": str(agreement().id), "period": "", "as_of": "2026-01-31", "province": "",
        "fmt": "docx", "profile": "state", "parent_body": "UBND TỈNH THÁI NGUYÊN", "issuing_agency": "SỞ TÀI CHÍNH",
        "number": "123/BC-STC", "place": "Thái Nguyên", "signer_authority": "KT. GIÁM ĐỐC",
        "signer_title": "PHÓ GIÁM ĐỐC", "signer_name": "Nguyễn Văn Minh", "recipients": "UBND tỉnh\nSở Nội vụ",
    })
    assert response.status_code == 302
    link = response.headers["Location"]
    assert link.startswith("/reports/status.docx?") and "as_of=2026-01-31" in link and "profile=state" in link
    document = Document(io.BytesIO(fetch(client, link).data))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for t in document.tables for row in t.rows for cell in row.cells)
    assert "SỞ TÀI CHÍNH" in text and "123/BC-STC" in text and "Nguyễn Văn Minh" in text
    again = client.get("/reports").get_data(as_text=True)
    assert 'value="123/BC-STC"' in again  # remembered per user


@pytest.mark.parametrize("fmt, mimetype", [("csv", "text/csv"), ("xlsx", "application/vnd.openxmlformats"),
                                           ("docx", "application/vnd.openxmlformats"),
                                           pytest.param("pdf", "application/pdf", marks=pytest.mark.weasyprint)])
def test_every_format_downloads(login_as, fmt, mimetype):
    response = fetch(login_as("viewer"), f"/reports/status.{fmt}?agreement={agreement().id}")
    assert response.status_code == 200 and response.mimetype.startswith(mimetype)
    assert "attachment" in response.headers["Content-Disposition"]
    assert len(response.data) > 500


def test_xlsx_counts_match_the_dashboard_and_one_row_per_commitment(login_as):
    commitment = officer_commitment()
    approve_both(commitment, date(2025, 3, 1), datetime(2025, 3, 3, tzinfo=timezone.utc))
    client = login_as("viewer")
    as_of = "2025-12-31"
    data = fetch(client, f"/reports/status.xlsx?agreement={agreement().id}&as_of={as_of}").data
    d = dashboard.build(Filters(agreement=agreement().id, as_of=date(2025, 12, 31)), clock.today(), see_restricted=False)
    flat = [v for row in summary_counts(data) for v in row]
    for n in d.categories.values():
        assert n in flat
    rows = [r for r in annex_rows(data)[1:] if r and r[0] is not None]
    assert len(rows) == d.total == 23


def test_csv_is_utf8_with_bom_and_restricted_rows_absent_for_uncleared(login_as):
    response = fetch(login_as("viewer"), f"/reports/status.csv?agreement={agreement().id}")
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) - 1 == 23
    restricted_titles = [c.title for a in agreement().areas if a.restricted for c in a.commitments]
    assert not any(t in response.data.decode("utf-8-sig") for t in restricted_titles)


def test_an_update_approved_after_the_as_of_date_is_absent(login_as):
    commitment = officer_commitment()
    approve_both(commitment, date(2025, 3, 1), datetime(2025, 3, 10, tzinfo=timezone.utc),
                 results="=HYPERLINK(\"http://evil\")")
    client = login_as("viewer")
    before = fetch(client, f"/reports/status.csv?agreement={agreement().id}&as_of=2025-03-09").data.decode("utf-8-sig")
    after = fetch(client, f"/reports/status.csv?agreement={agreement().id}&as_of=2025-03-10").data.decode("utf-8-sig")
    assert "HYPERLINK" not in before
    assert "HYPERLINK" in after
    cells = [c for row in csv.reader(io.StringIO(after)) for c in row]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)  # nothing a spreadsheet would run


def test_bad_input(login_as):
    client = login_as("viewer")
    a = agreement()
    assert fetch(client, f"/reports/status.xlsx?agreement={a.id}&as_of=31/12/2025").status_code == 400
    assert fetch(client, f"/reports/status.xlsx?agreement={a.id}&period=2099-H1").status_code == 404
    assert fetch(client, f"/reports/status.odt?agreement={a.id}").status_code == 404
    restricted = next(x for x in a.areas if x.restricted)
    assert fetch(client, f"/reports/status.csv?agreement={a.id}&area={restricted.id}").status_code == 404


def test_word_and_pdf_of_a_huge_scope_offer_the_background_job_and_the_spreadsheet(app, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "REPORT_DOCUMENT_MAX_ROWS", 10)
    response = fetch(login_as("viewer"), f"/reports/status.docx?agreement={agreement().id}")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.data.decode()
    assert "Tải bảng tính Excel" in html and "/reports/status.xlsx?" in html
    assert 'method="post" action="/reports/jobs?fmt=docx&amp;agreement=' in html  # a GET never queues a job
