"""The Word report, read back with python-docx: page, letterhead, fonts, outline, annex, profiles."""
import dataclasses
import io
import zipfile

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from tracker import exports
from tracker.exports import outline, wording

FONT = "Times New Roman"


def load(report):
    out = io.BytesIO()
    exports.write(report, "docx", out)
    return Document(io.BytesIO(out.getvalue()))


@pytest.fixture
def doc(report):
    return load(report)


def paragraphs(doc):
    """Every paragraph of the body, including those inside tables, in document order."""
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def texts(doc) -> list[str]:
    return [p.text for p in paragraphs(doc)]


def test_page_is_a4_with_decree_margins(doc):
    section = doc.sections[0]
    assert abs(section.page_width.mm - 210) < 0.5 and abs(section.page_height.mm - 297) < 0.5
    assert 20 <= round(section.top_margin.mm) <= 25
    assert 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35
    assert 15 <= round(section.right_margin.mm) <= 20


def test_state_letterhead(doc):
    found = texts(doc)
    for text in ("UBND TỈNH THÁI NGUYÊN", "VĂN PHÒNG", outline.NATION, outline.MOTTO, "BÁO CÁO",
                 "Thái Nguyên, ngày 05 tháng 02 năm 2026"):
        assert text in found
    assert any(t.startswith("Số: …/BC-VP") for t in found)
    head = doc.tables[0]
    assert len(head.columns) == 2
    motto = next(p for p in head.cell(0, 1).paragraphs if p.text == outline.MOTTO)
    assert all(r.bold for r in motto.runs) and motto.runs[0].font.size.pt == 13
    date_line = head.cell(1, 1).paragraphs[0]
    assert date_line.runs[0].italic
    # the rules are bottom borders on short paragraphs under the agency and the motto
    assert head._tbl.xml.count("<w:bottom ") == 2


def test_title_and_subject(doc, report):
    body = doc.paragraphs
    at = next(i for i, p in enumerate(body) if p.text == "BÁO CÁO")
    title, subject = body[at], body[at + 1]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].bold and 13 <= title.runs[0].font.size.pt <= 14
    assert subject.text == report.subject and subject.runs[0].bold


def test_fonts_cover_every_script(doc):
    runs = [r for p in paragraphs(doc) for r in p.runs if r.text.strip()]
    assert runs
    for run in runs:
        assert run.font.name == FONT
        fonts = run._r.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == FONT and fonts.get(qn("w:cs")) == FONT
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == FONT


def test_body_paragraph_format(doc):
    normal = doc.styles["Normal"].paragraph_format
    assert normal.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert 1.0 <= normal.first_line_indent.cm <= 1.27 + 1e-6
    assert normal.space_after.pt >= 6
    assert 1.0 <= normal.line_spacing <= 1.5
    assert doc.styles["Normal"].font.size.pt in (13, 14)


def test_outline_sections(doc):
    found = texts(doc)
    for heading in ("1. Tình hình triển khai", "2. Kết quả thực hiện", "3. Tồn tại, hạn chế và nguyên nhân",
                    "4. Nhiệm vụ, giải pháp trọng tâm thời gian tới", "5. Đề xuất, kiến nghị", "Phụ lục"):
        assert heading in found
    joined = "\n".join(found)
    assert "Vướng mắc giải phóng mặt bằng tại xã Phú Bình" in joined  # an official's obstacle
    assert "Bố trí vốn đối ứng trong kế hoạch năm 2026" in joined  # next steps
    assert "- Đề nghị Sở Văn hóa" in joined and "- + Đề nghị" not in joined  # proposals, own bullet dropped
    assert "(Kèm theo Báo cáo số …/BC-VP ngày 05 tháng 02 năm 2026)" in found
    assert "\x07" not in joined and "\x00" not in joined


def test_counts_table_per_province(doc, report):
    table = next(t for t in doc.tables if t.cell(0, 0).text == "Tỉnh")
    assert [c.text for c in table.rows[0].cells] == wording.counts_header("Tỉnh")
    for row, (name, counts) in zip(table.rows[1:], report.by_province):
        assert [c.text for c in row.cells] == [name, *map(str, wording.counts_row(counts))]


def test_annex_table_one_row_per_task(doc, report):
    annex = doc.tables[-1]
    assert tuple(c.text for c in annex.rows[0].cells) == wording.ANNEX_HEADER
    assert len(annex.rows) == len(report.rows) + 1
    assert [r.cells[0].text for r in annex.rows[1:]] == [str(r.number) for r in report.rows]
    assert annex.rows[2].cells[5].text.endswith("=SUM(A1:A9)")  # inert text in Word, kept as typed


def test_signature_block(doc):
    found = texts(doc)
    assert "Nơi nhận:" in found
    assert any(t.startswith("- Lưu: VT") for t in found)
    assert "- Thường trực Tỉnh ủy (b/c);" in found
    assert "KT. CHÁNH VĂN PHÒNG" in found and "PHÓ CHÁNH VĂN PHÒNG" in found and "Nguyễn Văn An" in found
    label = next(p for p in paragraphs(doc) if p.text == "Nơi nhận:")
    assert label.runs[0].bold and label.runs[0].italic and label.runs[0].font.size.pt == 12


def test_sections_page_numbers_and_landscape_annex(doc):
    first, annex = doc.sections[0], doc.sections[-1]
    assert first.different_first_page_header_footer
    assert "PAGE" in first.header._element.xml
    assert "PAGE" not in first.first_page_header._element.xml
    assert annex.orientation == WD_ORIENT.LANDSCAPE and annex.page_width > annex.page_height
    assert not annex.different_first_page_header_footer  # the annex's first page is numbered


def test_charts_are_inline_images(doc):
    assert len(doc.inline_shapes) >= 2


def test_party_profile(party_report):
    found = texts(load(party_report))
    assert outline.PARTY_NAME in found
    assert outline.MOTTO not in found and outline.NATION not in found
    assert "Số …-BC/TU" in found and "*" in found
    assert "T/M BAN THƯỜNG VỤ" in found and "PHÓ BÍ THƯ" in found
    assert "- Lưu Văn phòng Tỉnh ủy." in found


def test_streamed_parts_leave_no_mark_and_keep_awkward_text(report):
    rows = list(report.rows)
    rows[0] = dataclasses.replace(rows[0], deliverable="a\tb & <c>", task="Nhiệm vụ\u00a0«một»")
    out = io.BytesIO()
    exports.write(dataclasses.replace(report, rows=tuple(rows)), "docx", out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        assert "{mark:" not in archive.read("word/document.xml").decode("utf-8")
    doc = Document(io.BytesIO(out.getvalue()))
    annex = doc.tables[-1]
    assert annex.rows[1].cells[5].text.startswith("Sản phẩm: a b & <c>\n")
    assert annex.rows[1].cells[1].text == "Nhiệm vụ\u00a0«một»"
    assert any(p.text.startswith("- Nhiệm vụ «một»") for p in doc.paragraphs)
