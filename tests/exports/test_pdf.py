"""The PDF from WeasyPrint: text extractable, Vietnamese intact, numbered pages, nothing fetched."""
import io
import re
import unicodedata

import pytest
from pypdf import PdfReader

from tracker import exports
from tracker.exports import pdf_report

pytestmark = pytest.mark.weasyprint


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


@pytest.fixture
def pdf(report) -> PdfReader:
    out = io.BytesIO()
    exports.write(report, "pdf", out)
    return PdfReader(io.BytesIO(out.getvalue()))


def test_text_and_pages(pdf, report):
    assert len(pdf.pages) >= 2
    text = norm(" ".join(page.extract_text() for page in pdf.pages))
    assert "BÁO CÁO" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert norm(report.rows[1].task) in text
    assert "Thái Nguyên, ngày 05 tháng 02 năm 2026" in text


def test_page_numbers_from_page_two(pdf):
    numbers = [[line for line in page.extract_text().splitlines() if line.strip().isdigit()] for page in pdf.pages]
    assert numbers[0] == []
    assert numbers[1:] == [[str(n)] for n in range(2, len(pdf.pages) + 1)]


def test_annex_is_landscape(pdf):
    first = pdf.pages[0].mediabox
    last = pdf.pages[-1].mediabox
    assert first.height > first.width
    assert last.width > last.height


def test_party_header(party_report):
    out = io.BytesIO()
    exports.write(party_report, "pdf", out)
    text = norm(PdfReader(io.BytesIO(out.getvalue())).pages[0].extract_text())
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" not in text


@pytest.mark.parametrize("url", ["http://example.com/x.png", "https://example.com/a.css",
                                 "file:///etc/passwd", "ftp://example.com/f"])
def test_fetcher_refuses_everything_but_data_urls(url):
    with pytest.raises(ValueError):
        pdf_report.DataOnlyFetcher().fetch(url)


def test_fetcher_serves_data_urls():
    response = pdf_report.DataOnlyFetcher().fetch("data:text/plain;base64,SGVsbG8=")
    try:
        assert response.read() == b"Hello"
    finally:
        response.close()


def test_html_escapes_user_text(report):
    import dataclasses

    evil = dataclasses.replace(report.rows[0], task='<img src="http://example.com/x.png">')
    html = pdf_report.html(dataclasses.replace(report, rows=(evil, *report.rows[1:])))
    assert '<img src="http://example.com' not in html
    assert "&lt;img" in html
