"""A large Office file streamed as text from a small one python-docx or openpyxl saved.

At the national scale the report holds 50,000 body paragraphs and a 30,000-row annex: as
python-docx objects that is millions of lxml elements (2.4 GB), all serialized into one
string at the end. Instead ``docx_report`` saves a *skeleton*: the document with, in place
of each bulk part, one element whose text is a mark (``Marks``), and one sample of each
kind of bulk paragraph and row, formatted by the same code as any other, its texts marks
too. ``copy_package`` copies the skeleton's package into ``out`` entry by entry and streams
``word/document.xml``: the skeleton's text, each mark's element (``<w:p>`` or ``<w:tr>``)
replaced by what its ``Hole`` writes, chunk by chunk. The samples are cut out and become
``Template``s, so each written paragraph and row carries exactly the properties
python-docx wrote for them, and the file is the one python-docx would have saved. The
workbook (``xlsx``) streams its national-scale sheets' rows the same way, in place of a
marked row in each sheet openpyxl saved.
"""
from __future__ import annotations

import re
import secrets
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import BinaryIO

DOCUMENT = "word/document.xml"
CHUNK = 256 * 1024  # characters encoded and compressed at once
_SPECIAL = re.compile(r"([\t\r\n])")
_SPECIAL_XML = {"\t": "<w:tab/>", "\r": "<w:br/>", "\n": "<w:br/>"}


class Marks:
    """Text no report holds, one per name: a random token, in ASCII (names too) so that it reads the same
    in any serialization (openpyxl writes other characters as references)."""

    def __init__(self) -> None:
        self.token = secrets.token_hex(8)

    def __call__(self, name: str) -> str:
        return f"{{mark:{self.token}:{name}}}"


def run_content(text: str) -> str:
    """A run's content for ``text`` as python-docx's ``run.text`` writes it: a w:tab for a
    tab, a w:br for a line break, the rest in w:t elements that preserve their space when
    they start or end with whitespace; nothing for "". ``text`` is cleaned (``safe.clean``)."""
    if "\t" not in text and "\n" not in text and "\r" not in text:
        return _t(text) if text else ""
    return "".join(_SPECIAL_XML.get(piece) or (_t(piece) if piece else "") for piece in _SPECIAL.split(text))


def _t(text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if len(text.strip()) < len(text):
        return f'<w:t xml:space="preserve">{escaped}</w:t>'
    return f"<w:t>{escaped}</w:t>"


class Template:
    """An element's markup cut at the runs whose text is one of ``marks`` (in that order):
    ``fill`` puts other texts in their place."""

    def __init__(self, xml: str, marks: Sequence[str]) -> None:
        self.segments: list[str] = []
        rest = xml
        for mark in marks:
            before, found, rest = rest.partition(f"<w:t>{mark}</w:t>")
            if not found:
                raise ValueError(f"no run holds the mark {mark!r} in this order")
            self.segments.append(before)
        self.segments.append(rest)

    def fill(self, *texts: str) -> str:
        parts = [self.segments[0]]
        for text, segment in zip(texts, self.segments[1:]):
            parts += (run_content(text), segment)
        return "".join(parts)


class RowTemplate:
    """A sample table row whose cell ``c`` holds one paragraph with one run saying ``mark(c)``:
    ``fill`` writes a row with each cell's lines as paragraphs formatted like the sample's
    (a cell without lines keeps the sample's paragraph, empty, as python-docx's blank cell)."""

    def __init__(self, xml: str, marks: Sequence[str]) -> None:
        self.cells: list[tuple[str, Template, str]] = []
        end = 0
        for mark in marks:
            at = xml.find(mark, end)
            cell = xml.find("<w:tc>", end, at)
            start, stop = enclosing(xml, at, "w:p") if at >= 0 else (-1, -1)
            if cell < 0 or not cell < start < at < stop or (self.cells and cell != end) \
                    or xml.find("<w:p", cell, start) >= 0 or xml[stop:stop + 7] != "</w:tc>":
                raise ValueError(f"the sample row's cell for {mark!r} is not one marked paragraph")
            if not self.cells:
                self.open = xml[:cell]
            sample = Template(xml[start:stop], [mark])
            self.cells.append((xml[cell:start], sample, sample.segments[0].split("<w:r>")[0] + "</w:p>"))
            end = stop + 7
        if xml[end:] != "</w:tr>":
            raise ValueError("the sample row holds more than its marked cells")

    def fill(self, cells: Sequence[Sequence[str]]) -> str:
        parts = [self.open]
        for (cell_open, paragraph, blank), lines in zip(self.cells, cells):
            parts.append(cell_open)
            parts += [paragraph.fill(line) for line in lines] if lines else [blank]
            parts.append("</w:tc>")
        parts.append("</w:tr>")
        return "".join(parts)


def enclosing(xml: str, at: int, tag: str) -> tuple[int, int]:
    """Where the ``tag`` element around the offset ``at`` of ``xml`` starts and ends."""
    start = max(xml.rfind(f"<{tag}>", 0, at), xml.rfind(f"<{tag} ", 0, at))
    end = xml.find(f"</{tag}>", at)
    if start < 0 or end < 0:
        raise ValueError(f"no {tag} element around offset {at}")
    return start, end + len(tag) + 3


@dataclass
class Hole:
    """The ``tag`` element holding ``mark`` in the skeleton, replaced by what ``write`` makes
    (an iterable of markup); ``write`` gets the element's own markup (a sample's, say)."""

    mark: str
    tag: str
    write: Callable[[str], Iterable[str]] = lambda xml: ()


class Samples:
    """The skeleton's samples: their holes write nothing and keep the sample's markup by mark."""

    def __init__(self) -> None:
        self.found: dict[str, str] = {}

    def hole(self, mark: str, tag: str = "w:p") -> Hole:
        def keep(xml: str) -> Iterable[str]:
            self.found[mark] = xml
            return ()
        return Hole(mark, tag, keep)


def copy_package(skeleton: BinaryIO, out: BinaryIO, holes: Sequence[Hole],
                 streamed: Callable[[str], bool] = lambda name: name == DOCUMENT) -> None:
    """Copy the package ``skeleton`` to ``out``; in the entries ``streamed`` names, each hole's
    element is replaced by its writing.

    Each hole's ``write`` is called in the order of ``holes`` (samples first, so their markup is
    kept before a writer reads it) and what it makes is streamed in the entry's order."""
    left = list(holes)
    with zipfile.ZipFile(skeleton) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, info.date_time)
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
            if not streamed(info.filename):
                target.writestr(entry, source.read(info))
                continue
            xml = source.read(info).decode("utf-8")
            here = [hole for hole in left if hole.mark in xml]
            left = [hole for hole in left if hole.mark not in xml]
            with target.open(entry, "w") as stream:
                _stream(xml, here, stream)
    if left:
        raise ValueError(f"the skeleton holds {left[0].mark!r} nowhere")


def _stream(xml: str, holes: Sequence[Hole], stream) -> None:
    spans = []
    for hole in holes:
        at = xml.find(hole.mark)
        if xml.find(hole.mark, at + 1) >= 0:
            raise ValueError(f"the skeleton holds {hole.mark!r} twice")
        spans.append((*enclosing(xml, at, hole.tag), hole))
    pieces: dict[int, Iterable[str]] = {start: hole.write(xml[start:end]) for start, end, hole in spans}
    buffer: list[str] = []
    size = 0
    done = 0
    for start, end, hole in sorted(spans, key=lambda span: span[0]):
        if start < done:
            raise ValueError(f"the element of {hole.mark!r} is inside another hole's")
        buffer.append(xml[done:start])
        for piece in pieces[start]:
            buffer.append(piece)
            size += len(piece)
            if size >= CHUNK:
                stream.write("".join(buffer).encode("utf-8"))
                buffer.clear()
                size = 0
        done = end
    buffer.append(xml[done:])
    stream.write("".join(buffer).encode("utf-8"))
