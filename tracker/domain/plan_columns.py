"""The plan template's columns and cells: headings, keys, dates and agency lists as typed.

Pure: no database, no Flask. ``domain.plan_sheet`` checks rows built from these.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Iterable

from tracker.domain.text import clean_line, clean_text, fold

# The common columns, in the template's order: key and Vietnamese heading.
COMMON = (
    ("field", "Lĩnh vực (số)"),
    ("code", "Mã nhiệm vụ"),
    ("title", "Nội dung nhiệm vụ"),
    ("description", "Mô tả"),
    ("deliverable", "Kết quả/sản phẩm"),
    ("start", "Ngày bắt đầu"),
    ("due", "Thời hạn"),
    ("source", "Câu trích từ văn bản"),
)
SIDE = (("lead", "Cơ quan chủ trì"), ("support", "Cơ quan phối hợp"))
# Shared numeric targets (chỉ tiêu): one unit, one column per year ("target 2026").
TARGET_UNIT = ("target_unit", "Đơn vị tính chỉ tiêu")
TARGET_LABEL = "Chỉ tiêu năm"
_TARGET_KEY = re.compile(r"^target (\d{4})$")
_KEY_IN_HEADING = re.compile(r"\(([^()]+)\)\s*$")
_DATE_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_SPLIT = re.compile(r"[;\n]+")

# --- columns ------------------------------------------------------------------------------


def columns(party_keys: Iterable[str], years: Iterable[int] = ()) -> list[tuple[str, str]]:
    """(key, heading) of every column: the agency columns once per party, a target column per year."""
    cols = list(COMMON)
    for key in party_keys:
        cols += [(f"{side} {key}", f"{label} {key}") for side, label in SIDE]
    cols.append(TARGET_UNIT)
    cols += [(f"target {year}", f"{TARGET_LABEL} {year}") for year in sorted(years)]
    return cols


def target_year(key: str) -> int | None:
    """The year of a target column's key ("target 2026"), None for any other column."""
    match = _TARGET_KEY.match(key or "")
    year = int(match.group(1)) if match else None
    return year if year and 1900 <= year <= 2199 else None


def parse_number(value: object) -> float | None:
    """A number cell: a spreadsheet number, or text with a decimal point or comma; ValueError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    else:
        text = str(value).strip().replace(" ", "")
        number = float(text.replace(",", ".") if "." not in text else text.replace(",", ""))
    if number != number or number < 0 or number > 1e12:  # NaN, negative, absurd
        raise ValueError(value)
    return number


def heading(key: str, label: str) -> str:
    return f"{label} ({key})"


def column_key(text: object) -> str:
    """The key of a heading cell: the key in its closing brackets, a known heading, or the text."""
    raw = clean_line(str(text or "")) or ""
    match = _KEY_IN_HEADING.search(raw)
    if match:
        raw = match.group(1)
    folded = fold(raw)
    for key, label in COMMON:
        if folded in (key, fold(label)):
            return key
    parts = raw.split()
    if len(parts) == 2 and parts[0].lower() in ("lead", "support"):
        return f"{parts[0].lower()} {parts[1].upper()}"
    if folded in (TARGET_UNIT[0], fold(TARGET_UNIT[1])):
        return TARGET_UNIT[0]
    if len(parts) == 2 and parts[0].lower() == "target" and parts[1].isdigit():
        return f"target {parts[1]}"
    return folded


# --- cells --------------------------------------------------------------------------------


def text_of(value: object, multiline: bool = False) -> str | None:
    """A cell as clean text (None when blank); a whole number typed as 1.0 reads "1"."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = clean_text(str(value)).strip() if multiline else clean_line(str(value))
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]  # the apostrophe our CSV export puts before formula-like text
    return text or None


def parse_day(value: object) -> date | None:
    """A date cell: a spreadsheet date, dd/mm/yyyy or YYYY-MM-DD; ValueError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    match = _DATE_DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    return date.fromisoformat(text)


def names_of(value: object) -> list[str]:
    """The agencies named in a cell: separated by semicolons or new lines."""
    text = text_of(value, multiline=True)
    return [clean_line(part) for part in _SPLIT.split(text or "") if clean_line(part)]


__all__ = ["COMMON", "SIDE", "TARGET_UNIT", "column_key", "columns", "heading", "names_of", "parse_day",
           "parse_number", "target_year", "text_of"]
