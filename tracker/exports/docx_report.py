"""The report as a Word document laid out to Nghị định 30/2020 (or the Party's Hướng dẫn 36).

Lays out ``outline.build(report)``: A4, decree margins, Times New Roman for every script
(w:eastAsia and w:cs too, so diacritics never fall back), page numbers from page 2, the
annex in a landscape section. No Flask, no database. python-docx lays out everything but
the annex's rows; what its public API cannot do (fonts in every script, rules, fields, row
flags) goes through ``docx_xml``, the one module that reaches below it. The annex's rows are
streamed into the saved package as text by ``ooxml_stream``, from a template row python-docx
wrote, so a 30,000-row annex never exists as a tree.
"""
from __future__ import annotations

import io
from datetime import datetime, time
from functools import lru_cache
from collections.abc import Callable, Iterable
from typing import BinaryIO

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Cm, Mm, Pt

from tracker.domain.report import StatusReport
from tracker.exports import ooxml_stream, docx_xml, outline, safe
from tracker.exports.outline import Chart, Heading, Line, Para, Table

FONT = "Times New Roman"
BODY_PT = 14
INDENT = Cm(1.27)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_CM = (210 - 30 - 15) / 10  # 16.5
CELL_PAD_CM = 0.38  # Word's default left + right cell margins


@lru_cache(maxsize=64)
def _rpr_template(size: float, bold: bool, italic: bool):
    """Run properties built once per look; runs get a deep copy (python-docx setters are slow)."""
    return docx_xml.run_properties(FONT, size, bold=bold, italic=italic)


def _run(paragraph, text: str, size: float = BODY_PT, *, bold: bool = False, italic: bool = False):
    """A run in Times New Roman (all four font slots), sized in points; text cleaned."""
    run = paragraph.add_run()
    docx_xml.give_run_properties(run, _rpr_template(size, bold, italic))
    if text:
        run.text = safe.clean(text)
    return run


def _apply_format(fmt, align, before: float, after: float, keep: bool) -> None:
    fmt.alignment = align
    fmt.first_line_indent = Cm(0)
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing = 1.0
    fmt.keep_with_next = keep or None


@lru_cache(maxsize=64)
def _ppr_template(align, before: float, after: float, keep: bool):
    """A detached paragraph formatted once per look; fresh paragraphs get a copy of its format."""
    scratch = docx_xml.detached_paragraph()
    _apply_format(scratch.paragraph_format, align, before, after, keep)
    return scratch


def _format(paragraph, *, align=WD_ALIGN_PARAGRAPH.CENTER, before: float = 0, after: float = 0,
            keep: bool = False):
    """Single-spaced, no first-line indent (letterhead, tables, captions); returns ``paragraph``."""
    if not docx_xml.has_format(paragraph):  # the usual fresh paragraph: copy a prepared format
        docx_xml.copy_format(_ppr_template(align, before, after, keep), paragraph)
    else:
        _apply_format(paragraph.paragraph_format, align, before, after, keep)
    return paragraph


def _rule(container, length_cm: float, box_cm: float, before: float = 2, after: float = 0) -> None:
    """A centred horizontal rule ``length_cm`` long: the bottom border of an empty, indented line."""
    par = _format(container.add_paragraph(), before=before, after=after)
    side = Cm(max(0.0, (box_cm - length_cm) / 2))
    par.paragraph_format.left_indent = par.paragraph_format.right_indent = side
    _run(par, "", 1)
    docx_xml.bottom_border(par, mark_half_points=2)  # the paragraph mark sets the line height: keep it 1 pt


def _line(cell, line: Line, box_cm: float, first: bool) -> None:
    par = cell.paragraphs[0] if first else cell.add_paragraph()
    _format(par)
    _run(par, line.text, line.size, bold=line.bold, italic=line.italic)
    if line.rule_cm:
        _rule(cell, line.rule_cm, box_cm - CELL_PAD_CM)


def _widths(table, widths_cm) -> None:
    table.autofit = False
    for column, width in zip(table.columns, widths_cm):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)


def _setup_styles(doc) -> None:
    styles = doc.styles
    rpr = docx_xml.default_run_properties(doc)
    docx_xml.set_fonts(rpr, FONT)
    docx_xml.set_lang(rpr, "vi-VN", east_asia="vi-VN", bidi="ar-SA")
    normal = styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    docx_xml.set_fonts(docx_xml.style_run_properties(normal), FONT)
    fmt = normal.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = INDENT
    fmt.space_before, fmt.space_after = Pt(0), Pt(6)
    fmt.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
    fmt.line_spacing = 1.15
    fmt.widow_control = True
    for level, italic in ((1, False), (2, False), (3, True)):
        style = styles.add_style(f"Report Heading {level}", WD_STYLE_TYPE.PARAGRAPH)
        style.base_style, style.quick_style = normal, True
        style.font.bold, style.font.italic = True, italic or None
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.space_before = Pt(6)
        docx_xml.outline_level(style, level - 1)


def _page(section, *, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    long, short = Mm(297), Mm(210)
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    for side, mm in MARGINS_MM.items():
        setattr(section, f"{side}_margin", Mm(mm))
    section.header_distance, section.footer_distance = Mm(10), Mm(10)


def _page_numbers(section) -> None:
    """Centred page number in the top margin; the first page's header stays empty (decree)."""
    section.different_first_page_header_footer = True
    par = _format(section.header.paragraphs[0])
    docx_xml.page_number(par, lambda p: _run(p, "", 13))


def _masthead(doc, head: outline.Masthead) -> None:
    widths = head.widths_cm
    table = doc.add_table(rows=2, cols=2)
    _widths(table, widths)
    for column, lines in enumerate((head.left, head.right)):
        cell = table.cell(0, column)
        for i, line in enumerate(lines):
            _line(cell, line, widths[column], i == 0)
    _line(table.cell(1, 0), head.number, widths[0], True)
    _line(table.cell(1, 1), head.date, widths[1], True)
    table.cell(1, 0).paragraphs[0].paragraph_format.space_before = Pt(6)
    table.cell(1, 1).paragraphs[0].paragraph_format.space_before = Pt(6)


def _table(doc, block: Table, size: float = 12) -> None:
    if block.caption:
        _run(_format(doc.add_paragraph(), before=6, after=3, keep=True), block.caption, 13, italic=True)
    table = doc.add_table(rows=1 + len(block.rows), cols=len(block.header))
    table.style = doc.styles["Table Grid"]
    _widths(table, block.widths_cm)
    for r, values in enumerate((block.header, *block.rows)):
        row = table.rows[r]
        docx_xml.row_flags(row, header=r == 0)
        bold = r == 0 or (block.bold_last and r == len(block.rows))
        for c, (cell, text) in enumerate(zip(row.cells, values)):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER if r == 0 else WD_CELL_VERTICAL_ALIGNMENT.TOP
            align = WD_ALIGN_PARAGRAPH.CENTER if r == 0 or c > 0 or len(text) <= 4 else WD_ALIGN_PARAGRAPH.LEFT
            for i, piece in enumerate(safe.lines(text) or [""]):
                par = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
                _run(_format(par, align=align, after=2), piece, size, bold=bold)


Progress = Callable[[float], None]


def _counted(rows: Iterable, total: int, progress: Progress | None, start: float, end: float):
    """``rows`` as they are, telling ``progress`` the share done (from ``start`` to ``end``) every 1 %."""
    step = max(1, total // 100)
    for i, row in enumerate(rows, start=1):
        yield row
        if progress is not None and (i % step == 0 or i == total):
            progress(start + (end - start) * i / max(total, 1))


def _heading(doc, block: Heading) -> None:
    par = docx_xml.add_body_paragraph(doc, f"Report Heading {block.level}")
    _run(par, block.text, bold=True, italic=block.level == 3)


def _para(doc, block: Para) -> None:
    par = docx_xml.add_body_paragraph(doc)
    if block.lead:
        _run(par, block.lead, bold=True)
    _run(par, block.text)


class _Bulk:
    """What the skeleton leaves to ``ooxml_stream``: the runs of body headings and paragraphs
    (50,000 at the national scale), the annex rows, and the samples they are written from,
    each laid out here by the code that lays out any other."""

    LEVELS = (1, 2, 3)

    def __init__(self) -> None:
        self.mark = ooxml_stream.Marks()
        self.samples = ooxml_stream.Samples()
        self.holes: list[ooxml_stream.Hole] = []

    def add_samples(self, doc) -> None:
        """One heading of each level, a paragraph and a paragraph with a lead, cut out of the file."""
        for level in self.LEVELS:
            _heading(doc, Heading(self.mark(f"h{level}"), level))
        _para(doc, Para(self.mark("para")))
        _para(doc, Para(self.mark("text"), lead=self.mark("lead")))
        names = [f"h{level}" for level in self.LEVELS] + ["para", "lead"]
        self.holes[:0] = [self.samples.hole(self.mark(name)) for name in names]

    def paragraphs(self, doc, blocks: list[Heading | Para]) -> None:
        """A paragraph in ``doc`` that ``blocks`` replace in the file."""
        mark = self.mark(f"body-{len(self.holes)}")
        docx_xml.add_body_paragraph(doc).add_run(mark)
        self.holes.append(ooxml_stream.Hole(mark, "w:p", lambda _xml: self.write_blocks(blocks)))

    def write_blocks(self, blocks: list[Heading | Para]):
        found, mark = self.samples.found, self.mark
        heads = {n: ooxml_stream.Template(found[mark(f"h{n}")], [mark(f"h{n}")]) for n in self.LEVELS}
        plain = ooxml_stream.Template(found[mark("para")], [mark("para")])
        lead = ooxml_stream.Template(found[mark("lead")], [mark("lead"), mark("text")])
        clean = safe.clean
        for block in blocks:
            if isinstance(block, Heading):
                yield heads[block.level].fill(clean(block.text))
            elif block.lead:
                yield lead.fill(clean(block.lead), clean(block.text))
            else:
                yield plain.fill(clean(block.text))

    def annex_rows(self, doc, out: outline.Outline, rows: Iterable[tuple[str, ...]]) -> None:
        """The annex: left-aligned text columns, centred STT/deadline/status. Its one row is a
        sample, each cell a formatted paragraph holding a mark, that ``rows`` replace in the file."""
        centred = {0, 4, 6}
        _table(doc, Table(out.annex_header, (), out.annex_widths_cm), size=11)
        sample = doc.tables[-1].add_row()
        docx_xml.row_flags(sample)
        marks = [self.mark(f"cell-{c}") for c in range(len(out.annex_header))]
        for c, cell in enumerate(sample.cells):
            par = _format(cell.paragraphs[0], align=WD_ALIGN_PARAGRAPH.CENTER if c in centred else WD_ALIGN_PARAGRAPH.LEFT,
                          after=2)
            _run(par, marks[c], 11)

        def write(xml: str):
            row = ooxml_stream.RowTemplate(xml, marks)
            return (row.fill([safe.lines(text) for text in values]) for values in rows)
        self.holes.append(ooxml_stream.Hole(marks[0], "w:tr", write))


def _body(doc, blocks, bulk: _Bulk) -> None:
    run: list[Heading | Para] = []
    for block in blocks:
        if isinstance(block, (Heading, Para)):
            if not run:
                bulk.paragraphs(doc, run)
            run.append(block)
            continue
        run = []
        if isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, Chart):
            par = _format(doc.add_paragraph(), before=6, keep=True)
            par.add_run().add_picture(io.BytesIO(block.png), width=Cm(16))
            _run(_format(doc.add_paragraph(), after=6), block.caption, 13, italic=True)


def _signature(doc, sig: outline.Signature) -> None:
    widths = (7.3, 9.2)
    table = doc.add_table(rows=1, cols=2)
    _widths(table, widths)
    docx_xml.row_flags(table.rows[0])
    left, right = table.cell(0, 0), table.cell(0, 1)
    _run(_format(left.paragraphs[0], align=WD_ALIGN_PARAGRAPH.LEFT), "Nơi nhận:", 12, bold=True, italic=True)
    for line in sig.recipients:
        _run(_format(left.add_paragraph(), align=WD_ALIGN_PARAGRAPH.LEFT), line, 11)
    for i, line in enumerate(sig.authority):
        par = right.paragraphs[0] if i == 0 else right.add_paragraph()
        _run(_format(par), line, BODY_PT, bold=True)
    name = right.add_paragraph() if sig.authority else right.paragraphs[0]
    _run(_format(name, before=80), sig.name, BODY_PT, bold=True)


def build(report: StatusReport, out: outline.Outline, bulk: _Bulk, progress: Progress | None = None):
    """The skeleton of the report: the python-docx ``Document`` laid out as ``out``, with
    ``bulk``'s marks where its body paragraphs and annex rows go (``write`` streams them in).
    ``progress`` hears the annex rows as they are written, from 0.2 to 0.95."""
    doc = Document()
    _setup_styles(doc)
    props = doc.core_properties
    props.title, props.subject = out.subject[:255], out.title
    props.author = props.last_modified_by = safe.clean(report.letterhead.issuing_agency)[:255]
    props.language, props.revision = "vi-VN", 1
    props.created = props.modified = datetime.combine(report.issued_on, time(8))

    section = doc.sections[0]
    _page(section, landscape=False)
    _page_numbers(section)

    _masthead(doc, out.letterhead)
    _run(_format(doc.add_paragraph(), before=18), out.title, BODY_PT, bold=True)
    _run(_format(doc.add_paragraph()), out.subject, BODY_PT, bold=True)
    _rule(doc, 3.5, TEXT_CM, before=4, after=12)
    bulk.add_samples(doc)
    _body(doc, out.body, bulk)
    closing = doc.add_paragraph()
    closing.paragraph_format.keep_with_next = True
    closing.paragraph_format.space_after = Pt(12)
    _run(closing, out.closing)
    _signature(doc, out.signature)

    annex = doc.add_section(WD_SECTION.NEW_PAGE)
    _page(annex, landscape=True)
    annex.different_first_page_header_footer = False
    for text in out.annex_title:
        _run(_format(doc.add_paragraph(), keep=True), text, BODY_PT, bold=True)
    _run(_format(doc.add_paragraph(), after=8, keep=True), out.annex_caption, BODY_PT, italic=True)
    bulk.annex_rows(doc, out, _counted(out.annex_rows, len(out.annex_rows), progress, 0.2, 0.95))
    return doc


def write(report: StatusReport, out: BinaryIO, progress: Progress | None = None) -> None:
    """Write the .docx to the binary stream ``out``; ``progress`` hears the share done (0 to 1)."""
    plan = outline.build(report)
    if progress is not None:
        progress(0.1)
    bulk, skeleton = _Bulk(), io.BytesIO()
    build(report, plan, bulk, progress).save(skeleton)
    if progress is not None:
        progress(0.2)
    ooxml_stream.copy_package(skeleton, out, bulk.holes)
    if progress is not None:
        progress(1.0)
