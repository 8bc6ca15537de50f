"""Make user text fit for a file: strip what a format cannot hold, defuse spreadsheet formulas.

Pure string functions, no file format code. Every writer in ``tracker.exports`` passes
user text (titles, results, agency names, reasons) through here before writing it.
"""
from __future__ import annotations

import re
import unicodedata

# XML 1.0 forbids C0 controls other than tab, LF and CR; lone surrogates cannot be encoded
# as UTF-8 at all; U+FFFE/U+FFFF are non-characters XML also forbids. Word, Excel and
# WeasyPrint all read XML (or need UTF-8), so the same set goes from every format.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# OWASP "CSV injection": a cell starting with one of these may be run as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_CHARS = 32_767  # Excel's limit for one cell
_TRUNCATED = "…"


def clean(value: object) -> str:
    """``value`` as text with XML-illegal characters removed, in Unicode NFC; ``None`` is "".

    Tab, LF and CR are kept; whitespace is otherwise left as typed.
    """
    if value is None:
        return ""
    text = _ILLEGAL.sub("", str(value))
    return unicodedata.normalize("NFC", text)


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (OWASP's leading characters)."""
    return text.startswith(FORMULA_STARTS)


def csv_text(value: object) -> str:
    """Cleaned text for a CSV cell; formula-like text gets a leading ``'`` so it stays text."""
    text = clean(value)
    return "'" + text if is_formula_like(text) else text


def xlsx_text(value: object) -> str:
    """Cleaned text for an XLSX cell, cut to Excel's 32,767 characters.

    The writer still has to store it as a string cell (data type ``s``): openpyxl turns
    any str starting with ``=`` into a formula otherwise.
    """
    text = clean(value)
    if len(text) > XLSX_MAX_CHARS:
        text = text[: XLSX_MAX_CHARS - len(_TRUNCATED)] + _TRUNCATED
    return text


def lines(value: object) -> list[str]:
    """Cleaned text split into its non-blank lines (CRLF, CR and LF all end a line), each stripped."""
    text = clean(value).replace("\r\n", "\n").replace("\r", "\n")
    return [line.strip() for line in text.split("\n") if line.strip()]


def one_line(value: object, joiner: str = "; ") -> str:
    """Cleaned text on one line: its lines joined with ``joiner``, inner whitespace collapsed."""
    return joiner.join(" ".join(line.split()) for line in lines(value))
