"""docx_xml, the report's reaches below python-docx's API: the XML each helper writes, read
back where python-docx can read it. A python-docx upgrade that moves a private attribute or
an element class fails here before it breaks the Word report."""
import ast
import io
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

import tracker.exports
from tracker.exports import docx_xml

FONT = "Times New Roman"


def local_names(el) -> list[str]:
    """The children of ``el`` as ``w:name``, in document order."""
    return ["w:" + child.tag.rsplit("}", 1)[1] for child in el]


def reopened(doc):
    out = io.BytesIO()
    doc.save(out)
    return Document(io.BytesIO(out.getvalue()))


def test_element_qualifies_its_attributes():
    el = docx_xml.element("w:bottom", val="single", sz="6")
    assert el.tag == qn("w:bottom")
    assert el.get(qn("w:val")) == "single" and el.get(qn("w:sz")) == "6"


def test_fonts_fill_every_slot_and_drop_theme_fonts():
    doc = Document()
    rpr = docx_xml.default_run_properties(doc)
    assert rpr.tag == qn("w:rPr") and rpr.getparent().tag == qn("w:rPrDefault")
    assert rpr.rFonts.get(qn("w:asciiTheme"))  # python-docx's template uses theme fonts
    docx_xml.set_fonts(rpr, FONT)
    fonts = dict(rpr.rFonts.attrib)
    assert fonts == {qn(f"w:{slot}"): FONT for slot in ("ascii", "hAnsi", "eastAsia", "cs")}
    normal = doc.styles["Normal"]
    docx_xml.set_fonts(docx_xml.style_run_properties(normal), FONT)
    assert reopened(doc).styles["Normal"].font.name == FONT


def test_language_replaces_the_old_one_before_east_asian_layout():
    doc = Document()
    rpr = docx_xml.default_run_properties(doc)
    rpr.append(docx_xml.element("w:eastAsianLayout"))
    docx_xml.set_lang(rpr, "vi-VN", east_asia="vi-VN", bidi="ar-SA")
    docx_xml.set_lang(rpr, "vi-VN", east_asia="vi-VN", bidi="ar-SA")
    langs = rpr.findall(qn("w:lang"))
    assert len(langs) == 1
    assert (langs[0].get(qn("w:val")), langs[0].get(qn("w:eastAsia")), langs[0].get(qn("w:bidi"))) == \
        ("vi-VN", "vi-VN", "ar-SA")
    names = local_names(rpr)
    assert names.index("w:lang") < names.index("w:eastAsianLayout")


def test_run_properties_are_copied_and_read_back_by_python_docx():
    doc = Document()
    rpr = docx_xml.run_properties(FONT, 13.5, bold=True, italic=True)
    assert local_names(rpr) == ["w:rFonts", "w:b", "w:i", "w:sz", "w:szCs"]
    assert rpr.find(qn("w:sz")).get(qn("w:val")) == "27"
    for _ in range(2):
        run = doc.add_paragraph().add_run()
        docx_xml.give_run_properties(run, rpr)
        run.text = "Thái Nguyên"
    run = reopened(doc).paragraphs[-1].runs[0]
    assert run.text == "Thái Nguyên" and run.bold and run.italic
    assert run.font.name == FONT and run.font.size == Pt(13.5)
    assert run.font.element.rPr is not rpr  # a copy: the template stays detached
    assert rpr.getparent() is None


def test_a_prepared_format_is_copied_to_a_fresh_paragraph():
    template = docx_xml.detached_paragraph()
    template.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    template.paragraph_format.space_after = Pt(6)
    doc = Document()
    par = doc.add_paragraph()
    assert not docx_xml.has_format(par)
    docx_xml.copy_format(template, par)
    assert docx_xml.has_format(par)
    par.add_run("x")
    back = reopened(doc).paragraphs[-1]
    assert back.alignment == WD_ALIGN_PARAGRAPH.CENTER and back.paragraph_format.space_after == Pt(6)
    template.paragraph_format.space_after = Pt(12)  # later changes to the template stay its own
    assert par.paragraph_format.space_after == Pt(6)


def test_outline_level_follows_spacing_and_justification():
    doc = Document()
    style = doc.styles.add_style("Report Heading", WD_STYLE_TYPE.PARAGRAPH)
    style.paragraph_format.space_before = Pt(6)
    style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    docx_xml.outline_level(style, 1)
    ppr = style.element.pPr
    names = local_names(ppr)
    assert names.count("w:outlineLvl") == 1
    assert names.index("w:spacing") < names.index("w:jc") < names.index("w:outlineLvl")
    assert ppr.find(qn("w:outlineLvl")).get(qn("w:val")) == "1"


def test_bottom_border_goes_where_word_expects_it():
    doc = Document()
    par = doc.add_paragraph()
    par.paragraph_format.left_indent = Cm(2)
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    docx_xml.bottom_border(par, mark_half_points=2)
    ppr = par._p.pPr
    names = local_names(ppr)
    assert names.index("w:pBdr") < names.index("w:ind") < names.index("w:jc") < names.index("w:rPr")
    bottom = ppr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert {k.rsplit("}", 1)[1]: v for k, v in bottom.attrib.items()} == \
        {"val": "single", "sz": "6", "space": "1", "color": "000000"}
    mark = ppr.find(qn("w:rPr"))
    assert [el.get(qn("w:val")) for el in mark] == ["2", "2"]
    assert round(reopened(doc).paragraphs[-1].paragraph_format.left_indent.cm, 2) == 2


def test_page_number_field():
    doc = Document()
    par = doc.sections[0].header.paragraphs[0]
    docx_xml.page_number(par, lambda p: p.add_run(), shown="7")
    runs = par._p.r_lst
    assert len(runs) == 5
    assert [r[-1].get(qn("w:fldCharType")) for r in (runs[0], runs[2], runs[4])] == ["begin", "separate", "end"]
    instr = runs[1].find(qn("w:instrText"))
    assert instr.text == " PAGE " and instr.get(qn("xml:space")) == "preserve"
    header = reopened(doc).sections[0].header
    assert "PAGE" in header._element.xml and header.paragraphs[0].text == "7"


def test_body_paragraphs_go_before_the_section_properties():
    doc = Document()
    first = docx_xml.add_body_paragraph(doc)
    first.add_run("một")
    second = docx_xml.add_body_paragraph(doc, "Heading 1")
    second.add_run("hai")
    doc.add_paragraph("ba")
    body = doc.element.body
    assert body[-1].tag == qn("w:sectPr")
    back = reopened(doc)
    assert [p.text for p in back.paragraphs] == ["một", "hai", "ba"]
    assert back.paragraphs[1].style.name == "Heading 1"


def test_row_flags_keep_the_schema_order():
    doc = Document()
    table = doc.add_table(rows=2, cols=1)
    table.rows[0].height = Cm(1)  # w:trHeight sits between w:cantSplit and w:tblHeader
    docx_xml.row_flags(table.rows[0], header=True)
    docx_xml.row_flags(table.rows[1])
    assert local_names(table.rows[0]._tr.trPr) == ["w:cantSplit", "w:trHeight", "w:tblHeader"]
    assert local_names(table.rows[1]._tr.trPr) == ["w:cantSplit"]


def test_the_report_reaches_below_python_docx_only_through_docx_xml():
    path = Path(tracker.exports.__file__).with_name("docx_report.py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert not (node.module or "").startswith("docx.oxml"), node.module
        if isinstance(node, ast.Attribute):
            assert not node.attr.startswith("_"), f"docx_report.py:{node.lineno} reaches .{node.attr}"
