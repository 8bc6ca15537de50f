"""Render checks (marker ``render``): LibreOffice opens the DOCX, poppler rasterises page 1.

Each test also leaves its page-1 PNG in /tmp (report_page1.png, report_party_page1.png,
report_pdf_page1.png) so a person can look at the letterhead. Without soffice/pdftoppm
the tests skip, except on CI (CI=true), where a missing tool is a failure.
"""
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from tracker import exports

pytestmark = pytest.mark.render
TIMEOUT = 180


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path:
        return path
    message = f"{tool} is not installed: render check not run (apt-get install libreoffice-writer poppler-utils)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


def docx_to_pdf(report, tmp_path: Path) -> Path:
    soffice = need("soffice")
    source = tmp_path / "report.docx"
    with source.open("wb") as out:
        exports.write(report, "docx", out)
    home = tmp_path / "home"  # a fresh LibreOffice profile, never the user's
    home.mkdir()
    env = {**os.environ, "HOME": str(home)}
    command = [soffice, "--headless", f"-env:UserInstallation=file://{home}/lo", "--convert-to", "pdf",
               "--outdir", str(tmp_path), str(source)]
    # Once more when LibreOffice itself fails (it exited 1 once in a CI run on a loaded machine,
    # having made its profile and written nothing); a second failure is the test's, with its output.
    for attempt in (1, 2):
        done = subprocess.run(command, env=env, timeout=TIMEOUT, capture_output=True, text=True)
        if done.returncode == 0 or attempt == 2:
            break
    assert done.returncode == 0, f"soffice exited {done.returncode}: {done.stdout}\n{done.stderr}"
    pdf = tmp_path / "report.pdf"
    assert pdf.exists(), f"LibreOffice wrote no PDF: {done.stdout}\n{done.stderr}"
    return pdf


def page1_png(pdf: Path, keep_as: str) -> Path:
    pdftoppm = need("pdftoppm")
    prefix = pdf.with_suffix("")
    subprocess.run([pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(prefix)],
                   check=True, timeout=TIMEOUT, capture_output=True)
    png = prefix.with_suffix(".png")
    assert png.exists() and png.stat().st_size > 1000
    shutil.copyfile(png, keep_as)
    return png


def first_page_text(pdf: Path) -> str:
    with pdf.open("rb") as handle:
        return norm(PdfReader(handle).pages[0].extract_text())


@pytest.mark.libreoffice
def test_libreoffice_renders_the_state_report(report, tmp_path):
    pdf = docx_to_pdf(report, tmp_path)
    page1_png(pdf, "/tmp/report_page1.png")
    text = first_page_text(pdf)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "ngày 05 tháng 02 năm 2026" in text


@pytest.mark.libreoffice
def test_libreoffice_renders_the_party_report(party_report, tmp_path):
    pdf = docx_to_pdf(party_report, tmp_path)
    page1_png(pdf, "/tmp/report_party_page1.png")
    text = first_page_text(pdf)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in text


@pytest.mark.weasyprint
def test_weasyprint_page_one(report, tmp_path):
    pdf = tmp_path / "weasy.pdf"
    with pdf.open("wb") as out:
        exports.write(report, "pdf", out)
    page1_png(pdf, "/tmp/report_pdf_page1.png")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first_page_text(pdf)
