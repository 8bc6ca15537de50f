"""How report values read in every file: dates, numbers, status words, annex cells, file names.

Shared by the XLSX, CSV, DOCX and PDF writers so one value reads the same everywhere.
Text comes back cleaned (``safe.clean``) but not formula-defused: that is per format.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from tracker.clock import VIETNAM
from tracker.domain.report import CATEGORY_LABELS_VI, STATE_LABELS_VI, AnnexRow, Counts, sides_differ, sides_text
from tracker.domain.status import CATEGORY_ORDER
from tracker.exports import safe

RECURRING = "Thường xuyên"
NO_DEADLINE = "Không thời hạn"
CHANGE_KIND_LABELS = {"extension": "Gia hạn", "reassignment": "Điều chuyển", "return": "Trả lại"}
ROLE_LABELS = {"lead": "Chủ trì", "support": "Phối hợp"}

# The Nghị định 30 annex columns, in order; the DOCX and PDF annex print exactly these.
ANNEX_HEADER = (
    "STT",
    "Nội dung nhiệm vụ",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời hạn",
    "Kết quả/sản phẩm",
    "Tình trạng",
    "Ghi chú",
)


def category_label(code: str) -> str:
    return CATEGORY_LABELS_VI.get(code, code)


def state_label(code: str) -> str:
    return STATE_LABELS_VI.get(code, code)


def short_date(day: date | None) -> str:
    """``05/02/2026``; "" for no date."""
    return f"{day:%d/%m/%Y}" if day else ""


def long_date(day: date) -> str:
    """"ngày 05 tháng 02 năm 2026": Nghị định 30 pads days below 10 and months 1-2 only."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_date(place: str, day: date) -> str:
    """The letterhead's italic line: "Thái Nguyên, ngày 05 tháng 02 năm 2026"."""
    place = safe.clean(place).strip()
    return f"{place}, {long_date(day)}" if place else long_date(day).capitalize()


def local_naive(moment: datetime) -> datetime:
    """An aware instant as Vietnam wall-clock time without tzinfo (Excel has no time zones)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(VIETNAM).replace(tzinfo=None)


def number(value: int) -> str:
    """Vietnamese grouping: 1.234.567."""
    return f"{value:,}".replace(",", ".")


def percent(part: int, whole: int) -> str:
    """"30 %" or "12,5 %" (one decimal, only when needed); "0 %" of nothing."""
    if not whole:
        return "0 %"
    value = round(100 * part / whole, 1)
    text = f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text} %"


def share(part: int, whole: int) -> str:
    """"12/40 (30 %)": the count beside the percentage, so a small whole is never hidden."""
    return f"{number(part)}/{number(whole)} ({percent(part, whole)})"


def counts_row(counts: Counts) -> list[int]:
    """The six category counts in the house order, then the total."""
    return [counts.get(code) for code in CATEGORY_ORDER] + [counts.total]


def counts_header(first: str) -> list[str]:
    return [first] + [category_label(code) for code in CATEGORY_ORDER] + ["Tổng số"]


def agencies(names: tuple[str, ...], joiner: str = "; ") -> str:
    return joiner.join(safe.clean(name).strip() for name in names if safe.clean(name).strip())


def deadline(row: AnnexRow) -> str:
    """The deadline cell as text: the date, "Thường xuyên", and any extension."""
    if row.recurring:
        return RECURRING
    if row.due_date is None:
        return NO_DEADLINE
    text = short_date(row.due_date)
    if row.original_due_date and row.original_due_date != row.due_date:
        text += f" (gia hạn từ {short_date(row.original_due_date)})"
    return text


def status(row: AnnexRow) -> str:
    """"Đang thực hiện quá hạn (60 %)"; no percentage when nobody has reported one; where the
    sides differ, each side instead of a merged percentage:
    "Đang thực hiện quá hạn (Thái Nguyên: hoàn thành 100 % · Bắc Ninh: chưa có báo cáo)"."""
    label = category_label(row.category)
    if sides_differ(row.sides):
        return f"{label} ({sides_text(row.sides)})"
    if row.percent is None:
        return label
    value = f"{row.percent:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{label} ({value} %)"


def result_lines(row: AnnexRow) -> list[str]:
    """The result/deliverable cell as lines: "Sản phẩm: …" first, then one line per province."""
    out = []
    deliverable = safe.one_line(row.deliverable)
    if deliverable:
        out.append(f"Sản phẩm: {deliverable}")
    out.extend(safe.lines(row.result))
    return out


def annex_cells(row: AnnexRow, agency_joiner: str = "; ") -> tuple[str, ...]:
    """One annex row as the eight texts of ``ANNEX_HEADER`` (lines joined by newlines)."""
    return (
        str(row.number),
        safe.clean(row.task).strip(),
        agencies(row.lead_agencies, agency_joiner),
        agencies(row.support_agencies, agency_joiner),
        deadline(row),
        "\n".join(result_lines(row)),
        status(row),
        "\n".join(safe.lines(row.notes)),
    )


def ascii_slug(text: str) -> str:
    """ASCII letters, digits and hyphens only: "Thái Nguyên–Bắc Giang" → "Thai-Nguyen-Bac-Giang"."""
    text = safe.clean(text).replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


# The spreadsheet annex (XLSX and CSV): the eight annex columns split further so they
# sort and filter (code, field, original deadline, deliverable, percentage).
SHEET_HEADER = (
    "STT",
    "Mã nhiệm vụ",
    "Lĩnh vực",
    "Nội dung nhiệm vụ",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời hạn",
    "Thời hạn ban đầu",
    "Sản phẩm",
    "Kết quả thực hiện",
    "Tình trạng",
    "Tỷ lệ hoàn thành (%)",
    "Ghi chú",
    "Theo từng tỉnh chủ trì",
)
SHEET_DATE_COLUMNS = (6, 7)  # zero-based: Thời hạn, Thời hạn ban đầu


def sheet_values(row: AnnexRow) -> tuple[object, ...]:
    """One annex row for a spreadsheet: dates stay ``date`` ("Thường xuyên" when recurring),
    the percentage a number or ``None``; text cleaned but not yet formula-defused."""
    if row.recurring:
        due: date | str = RECURRING
    elif row.due_date is None:
        due = NO_DEADLINE
    else:
        due = row.due_date
    original = row.original_due_date if row.original_due_date != row.due_date else None
    return (
        row.number,
        safe.clean(row.code),
        f"{row.area_number}. {safe.clean(row.area_name)}",
        safe.clean(row.task),
        agencies(row.lead_agencies),
        agencies(row.support_agencies),
        due,
        original,
        safe.clean(row.deliverable),
        "\n".join(safe.lines(row.result)),
        category_label(row.category),
        None if sides_differ(row.sides) else row.percent,
        "\n".join(safe.lines(row.notes)),
        sides_text(row.sides) if len(row.sides) > 1 else "",
    )
