"""Unicode rules for Vietnamese text: NFC storage and accent-insensitive search keys.

Vietnamese can be typed composed (NFC) or decomposed (NFD), and tone marks may sit on
different vowels ("Hòa" / "Hoà"). Stored text is NFC; search compares folded keys.

Stored free text (names, progress texts, reasons) passes ``clean_text`` on its way into
the database, in the column types of ``tracker.models.base``: one rule at one layer. It
strips, like evidence file names (``domain.evidence.safe_display_name``), rather than
refusing: what is dropped is invisible or harmful and nobody typed it on purpose.
"""
from __future__ import annotations

import re
import unicodedata

MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 12
_SPACES = re.compile(r"\s+")
# đ/Đ are letters of their own, not a d with a combining mark: NFD leaves them alone.
_LETTERS = str.maketrans({"đ": "d", "Đ": "d", "ð": "d"})


def nfc(value: str | None) -> str | None:
    """Return ``value`` in Unicode NFC with surrounding whitespace kept as typed."""
    if value is None:
        return None
    return unicodedata.normalize("NFC", value)


# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they
# reorder what a reader sees ("gpj.exe" shown as "exe.jpg"), in pages and in exports.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_NEWLINES = re.compile(r"\r\n?")
# What ``clean_text`` removes, as one character class: the C0 controls but tab and newline,
# DEL and the C1 controls (together Unicode's "Cc", fixed for good by its stability policy),
# ``BIDI_CONTROLS`` and the surrogates ("Cs"). A regular expression, not a test of each
# character's category: a megabyte typed into a field was a second of CPU in Python.
_UNSTORED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def clean_text(value: str | None) -> str | None:
    """Stored free text: NFC; line ends as ``\\n``; control characters, bidi controls and
    lone surrogates removed.

    Kept: tab and newline, every letter and symbol, and the format characters that
    scripts and emoji need (zero-width joiners, soft hyphen). Removed: NUL and the other
    C0 controls, DEL and C1 controls, ``BIDI_CONTROLS``, and surrogates (which cannot be
    stored as UTF-8). Whitespace is kept as typed.
    """
    if value is None:
        return None
    return _UNSTORED.sub("", _NEWLINES.sub("\n", nfc(value)))


def clean_line(value: str | None) -> str | None:
    """``clean_text`` on one line: inner whitespace (newlines too) collapsed, ends trimmed."""
    if value is None:
        return None
    return _SPACES.sub(" ", clean_text(value)).strip()


def fold(value: str | None) -> str:
    """The search key of ``value``: lower case, no diacritics, đ→d, single spaces.

    Control and format characters are dropped; other symbols (emoji included) stay, so
    a query made of them simply finds nothing.
    """
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", value.translate(_LETTERS))
    kept = []
    for ch in decomposed:
        category = unicodedata.category(ch)
        if category == "Mn":  # combining marks: the diacritics
            continue
        if category in ("Cc", "Cf", "Cs", "Co", "Cn"):
            kept.append(" ")
            continue
        kept.append(ch)
    folded = unicodedata.normalize("NFC", "".join(kept)).casefold().translate(_LETTERS)
    return _SPACES.sub(" ", folded).strip()


def search_terms(query: str | None) -> list[str]:
    """Split a user's query into folded terms, bounded in length and number."""
    folded = fold((query or "")[: MAX_QUERY_CHARS * 4])[:MAX_QUERY_CHARS]
    terms: list[str] = []
    for term in folded.split(" "):
        if term and term not in terms:
            terms.append(term)
    return terms[:MAX_QUERY_TERMS]


def code_sort_key(code: str) -> str:
    """``7.10`` sorts after ``7.9``: each numeric part of a code zero-padded to four digits."""
    return ".".join(part.zfill(4) if part.isdigit() else part for part in code.split("."))


def N_(text: str) -> str:  # noqa: N802 (the gettext convention for a marker)
    """Mark a Vietnamese label for translation without translating it here: the domain keeps
    the words (signed reports print them), ``labels`` translates them for the pages, and
    ``pybabel extract -k N_`` finds them."""
    return text


def commitment_search_key(code: str | None, title: str | None, description: str | None = None,
                          deliverable: str | None = None, source_text: str | None = None) -> str:
    """A commitment's search key: its code, title, description, deliverable and source text, folded."""
    return fold(" ".join(p for p in (code, title, description, deliverable, source_text) if p))
