"""ooxml_stream: what it streams into a skeleton is, byte for byte, what python-docx would
have saved for the same paragraphs and rows, and a skeleton it cannot read is refused."""
import io
import zipfile

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from tracker.exports import ooxml_stream

AWKWARD = ("Thái Nguyên", " đầu cách", "cuối cách ", "a\tb", "\tđầu tab", "cuối tab\t", "hai\t\ttab",
           "dòng một\ndòng hai", "a\r\nb", "& < > \" ' ]]>", "", "\u00a0cách không ngắt", "«Về miền chè»")


def document_xml(package: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return archive.read(ooxml_stream.DOCUMENT)


def saved(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def streamed(doc, holes) -> bytes:
    out = io.BytesIO()
    ooxml_stream.copy_package(io.BytesIO(saved(doc)), out, holes)
    return out.getvalue()


def bold_run(paragraph, text):
    run = paragraph.add_run()
    run.bold = True  # run properties, as every run of the report has
    run.text = text
    return run


def test_paragraphs_are_what_python_docx_writes():
    expected = Document()
    for text in AWKWARD:
        bold_run(expected.add_paragraph(style="Heading 2"), text)

    doc, mark, samples = Document(), ooxml_stream.Marks(), ooxml_stream.Samples()
    bold_run(doc.add_paragraph(style="Heading 2"), mark("sample"))
    doc.add_paragraph().add_run(mark("here"))

    def write(_xml):
        template = ooxml_stream.Template(samples.found[mark("sample")], [mark("sample")])
        return (template.fill(text) for text in AWKWARD)

    package = streamed(doc, [samples.hole(mark("sample")), ooxml_stream.Hole(mark("here"), "w:p", write)])
    assert document_xml(package) == document_xml(saved(expected))
    assert [p.text for p in Document(io.BytesIO(package)).paragraphs] == \
        [p.text for p in expected.paragraphs]


def test_rows_are_what_python_docx_writes():
    cells = [[["1"], ["Giao thông", "liên tỉnh\tA & B"]], [["2"], []], [[" 3 "], [""]]]
    expected = Document()
    table = expected.add_table(rows=1 + len(cells), cols=2)
    table.cell(0, 0).text = "STT"
    for r, row in enumerate(cells, start=1):
        for c, lines in enumerate(row):
            cell = table.cell(r, c)
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            for i, line in enumerate(lines):
                par = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
                par.alignment = WD_ALIGN_PARAGRAPH.CENTER
                bold_run(par, line)

    doc, mark = Document(), ooxml_stream.Marks()
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "STT"
    marks = [mark("a"), mark("b")]
    for c, cell in enumerate(table.rows[1].cells):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        bold_run(cell.paragraphs[0], marks[c])

    def write(xml):
        row = ooxml_stream.RowTemplate(xml, marks)
        return (row.fill(lines) for lines in cells)

    package = streamed(doc, [ooxml_stream.Hole(marks[0], "w:tr", write)])
    assert document_xml(package) == document_xml(saved(expected))
    back = Document(io.BytesIO(package)).tables[0]
    assert [c.text for c in back.rows[1].cells] == ["1", "Giao thông\nliên tỉnh\tA & B"]


def test_other_parts_are_copied_as_they_are():
    doc, mark = Document(), ooxml_stream.Marks()
    doc.add_paragraph().add_run(mark("gone"))
    skeleton = saved(doc)
    package = streamed(doc, [ooxml_stream.Hole(mark("gone"), "w:p")])
    with zipfile.ZipFile(io.BytesIO(skeleton)) as a, zipfile.ZipFile(io.BytesIO(package)) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name != ooxml_stream.DOCUMENT:
                assert a.read(name) == b.read(name), name
    assert mark("gone").encode() not in document_xml(package)
    assert Document(io.BytesIO(package)).paragraphs == []


def test_marks_differ_between_documents():
    assert ooxml_stream.Marks()("x") != ooxml_stream.Marks()("x")


@pytest.mark.parametrize("case", ["missing", "twice", "two paragraphs in a cell"])
def test_a_skeleton_it_cannot_read_is_refused(case):
    doc, mark = Document(), ooxml_stream.Marks()
    table = doc.add_table(rows=1, cols=1)
    if case == "twice":
        doc.add_paragraph().add_run(mark("a"))
    if case != "missing":
        table.cell(0, 0).paragraphs[0].add_run(mark("a"))
    if case == "two paragraphs in a cell":
        table.cell(0, 0).add_paragraph("more")

    def write(xml):
        return [ooxml_stream.RowTemplate(xml, [mark("a")]).fill([["x"]])]

    with pytest.raises(ValueError):
        streamed(doc, [ooxml_stream.Hole(mark("a"), "w:tr", write)])
