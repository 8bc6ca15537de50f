"""Every reach below python-docx's public API, in one place, for ``docx_report``.

python-docx has no accessor for some of what the decree's layout needs, and its public
setters are slow, so the report edits the WordprocessingML itself. Each helper here says
why. They touch python-docx's private attributes (``Run._r``, ``Paragraph._p``,
``_Row._tr``, ``Document._body``), its ``oxml`` element classes (``get_or_add_*``,
``insert_element_before``) and the schema's child order, written out below because ``insert_element_before``
needs the names of the children that must come after. None of that is promised across
python-docx versions: pyproject.toml pins the tested minor range, and
tests/exports/test_docx_xml.py checks the XML each helper writes, so an upgrade that breaks
a reach fails there first.
"""
from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

# The children of w:pPr, w:rPr and w:trPr that the schema (ECMA-376 Part 1, 17.3.1.26,
# 17.3.2.28, 17.4.82) puts after the one we add: Word refuses a file whose order is wrong.
_PPR_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                   "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
                   "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                   "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                   "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_PPR_AFTER_OUTLINE = ("w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_PPR_AFTER_RPR = ("w:sectPr", "w:pPrChange")
_RPR_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
_TRPR_AFTER_CANTSPLIT = ("w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del",
                         "w:trPrChange")
_TRPR_AFTER_HEADER = ("w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")
FONT_SLOTS = ("ascii", "hAnsi", "eastAsia", "cs")


def element(tag: str, **attrs: str):
    """A new ``w:`` element with ``w:``-qualified attributes."""
    el = OxmlElement(tag)
    for name, value in attrs.items():
        el.set(qn(f"w:{name}"), value)
    return el


# -- fonts and languages -------------------------------------------------------------------
# python-docx's ``font.name`` sets w:ascii and w:hAnsi only: Vietnamese diacritics in the
# East Asian and complex-script slots would fall back to the theme font.


def set_fonts(rpr, font: str) -> None:
    """``font`` in all four slots of ``rpr``'s w:rFonts; theme fonts (w:asciiTheme…) dropped."""
    fonts = rpr.get_or_add_rFonts()
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for slot in FONT_SLOTS:
        fonts.set(qn(f"w:{slot}"), font)


def set_lang(rpr, val: str, east_asia: str, bidi: str) -> None:
    """Replace ``rpr``'s w:lang (python-docx has no setter for the three languages)."""
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    rpr.insert_element_before(element("w:lang", val=val, eastAsia=east_asia, bidi=bidi), *_RPR_AFTER_LANG)


def default_run_properties(doc):
    """The w:rPr of the document defaults (w:docDefaults/w:rPrDefault), which no style overrides."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    return defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))


def style_run_properties(style):
    """The style's own w:rPr, made if missing."""
    return style.element.get_or_add_rPr()


def run_properties(font: str, size_pt: float, *, bold: bool, italic: bool):
    """A detached w:rPr: ``font`` in every slot, bold/italic, the size in half-points (both scripts)."""
    rpr = OxmlElement("w:rPr")
    fonts = element("w:rFonts")
    for slot in FONT_SLOTS:
        fonts.set(qn(f"w:{slot}"), font)
    rpr.append(fonts)
    if bold:
        rpr.append(element("w:b"))
    if italic:
        rpr.append(element("w:i"))
    half_points = str(round(size_pt * 2))
    rpr.append(element("w:sz", val=half_points))
    rpr.append(element("w:szCs", val=half_points))
    return rpr


def give_run_properties(run, rpr) -> None:
    """A copy of ``rpr`` as ``run``'s properties: one deepcopy instead of a dozen slow setters."""
    run._r.insert(0, deepcopy(rpr))


# -- paragraphs -----------------------------------------------------------------------------


def detached_paragraph() -> Paragraph:
    """A paragraph in no document, to prepare formatting once and copy it (``copy_format``)."""
    return Paragraph(OxmlElement("w:p"), None)


def has_format(paragraph: Paragraph) -> bool:
    """Whether ``paragraph`` has a w:pPr yet (``paragraph_format`` would make one)."""
    return paragraph._p.pPr is not None


def copy_format(source: Paragraph, target: Paragraph) -> None:
    """``source``'s w:pPr copied to ``target``, which has none (see ``has_format``)."""
    target._p.insert(0, deepcopy(source._p.pPr))


def outline_level(style, level: int) -> None:
    """w:outlineLvl on a paragraph style, so Word's navigation pane lists the headings."""
    style.element.get_or_add_pPr().insert_element_before(element("w:outlineLvl", val=str(level)),
                                                        *_PPR_AFTER_OUTLINE)


def bottom_border(paragraph: Paragraph, *, mark_half_points: int = 2) -> None:
    """A single black bottom border (a rule) under ``paragraph``, whose paragraph mark is
    ``mark_half_points`` high so the empty line takes no room."""
    ppr = paragraph._p.get_or_add_pPr()
    mark = element("w:rPr")
    mark.append(element("w:sz", val=str(mark_half_points)))
    mark.append(element("w:szCs", val=str(mark_half_points)))
    ppr.insert_element_before(mark, *_PPR_AFTER_RPR)
    borders = element("w:pBdr")
    borders.append(element("w:bottom", val="single", sz="6", space="1", color="000000"))
    ppr.insert_element_before(borders, *_PPR_AFTER_PBDR)


def page_number(paragraph: Paragraph, add_run: Callable[[Paragraph], object], shown: str = "2") -> None:
    """A PAGE field in ``paragraph`` (python-docx writes no fields): five runs, each made by
    ``add_run(paragraph)`` so they take the caller's font: w:fldChar begin, the w:instrText
    `` PAGE ``, w:fldChar separate, ``shown`` (the number until Word updates the field), end."""
    def field_char(kind: str) -> None:
        add_run(paragraph)._r.append(element("w:fldChar", fldCharType=kind))

    field_char("begin")
    instr = element("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    add_run(paragraph)._r.append(instr)
    field_char("separate")
    add_run(paragraph).text = shown
    field_char("end")


def add_body_paragraph(doc, style: str | None = None) -> Paragraph:
    """``doc.add_paragraph`` without its scan for the body's closing w:sectPr, which makes a
    long report quadratic: the new w:p goes straight before the last child when that is it."""
    body = doc.element.body
    last = body[-1]
    if last.tag != qn("w:sectPr"):
        return doc.add_paragraph(style=style)
    p = OxmlElement("w:p")
    last.addprevious(p)
    par = Paragraph(p, doc._body)
    if style:
        par.style = doc.styles[style]
    return par


# -- table rows -----------------------------------------------------------------------------


def row_flags(row, *, header: bool = False) -> None:
    """w:cantSplit on ``row`` (never split across pages); w:tblHeader too for a header row
    (repeated on every page). python-docx has no setter for either."""
    trpr = row._tr.get_or_add_trPr()
    trpr.insert_element_before(element("w:cantSplit"), *_TRPR_AFTER_CANTSPLIT)
    if header:
        trpr.insert_element_before(element("w:tblHeader"), *_TRPR_AFTER_HEADER)
