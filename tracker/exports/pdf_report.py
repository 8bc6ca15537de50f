"""The report as PDF: the Word report's content (``outline``) as HTML, printed by WeasyPrint.

The page layout lives in ``templates/reports/_pdf.html``. Charts travel as data: URIs and
the URL fetcher refuses every other URL, so rendering never touches the network or disk.
"""
from __future__ import annotations

import base64
from functools import lru_cache
from collections.abc import Callable
from typing import BinaryIO

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from tracker.config import ROOT
from tracker.domain.report import StatusReport
from tracker.exports import outline, safe
from tracker.exports.outline import Chart, Heading, Para, Table

TEMPLATE = "reports/_pdf.html"


class DataOnlyFetcher(URLFetcher):
    """Serves data: URLs and refuses the rest (http, file, ftp…): WeasyPrint fetches nothing."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data",), allow_redirects=False)

    def fetch(self, url, headers=None):
        if not url.lower().startswith("data:"):
            raise ValueError(f"refusing to fetch {url[:80]!r}: only data: URLs are allowed")
        return super().fetch(url, headers)


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(ROOT / "templates"), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["lines"] = safe.lines
    env.filters["data_uri"] = lambda png: "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return env


def _kind(block: outline.Block) -> str:
    for cls, name in ((Heading, "heading"), (Para, "para"), (Table, "table"), (Chart, "chart")):
        if isinstance(block, cls):
            return name
    raise TypeError(f"unknown block {block!r}")


def html(report: StatusReport) -> str:
    """The HTML WeasyPrint prints (useful to look at in a browser when the layout is off)."""
    out = outline.build(report)
    blocks = [(_kind(block), block) for block in out.body]
    return _environment().get_template(TEMPLATE).render(
        out=out, blocks=blocks, author=safe.clean(report.letterhead.issuing_agency),
        issued=report.issued_on.isoformat())


def write(report: StatusReport, out: BinaryIO, progress: Callable[[float], None] | None = None) -> None:
    """Write the PDF to the binary stream ``out``; ``progress`` hears the share done (laying out
    the pages, WeasyPrint's part, is one step it cannot divide)."""
    tell = progress or (lambda fraction: None)
    document = HTML(string=html(report), url_fetcher=DataOnlyFetcher())
    tell(0.2)
    pages = document.render()
    tell(0.8)
    pages.write_pdf(out)
    tell(1.0)
