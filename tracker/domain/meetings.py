"""Meetings (hội nghị sơ kết, tổng kết, họp giao ban) and their conclusions (kết luận).

A conclusion is a commitment like any other (reported on, reviewed, counted), marked with the
meeting it came from. Its code is generated: ``KL<m>.<n>``, the n-th conclusion of the m-th
meeting whose conclusions were coded in the agreement, so codes stay unique there and sort
after one another ("KL1.10" after "KL1.9", ``text.code_sort_key``).
"""
from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from tracker.domain.text import N_


class MeetingKind(StrEnum):
    SO_KET = "so_ket"  # Hội nghị sơ kết (mid-term review)
    TONG_KET = "tong_ket"  # Hội nghị tổng kết (final review)
    GIAO_BAN = "giao_ban"  # Họp giao ban (regular briefing)
    OTHER = "other"


# The Vietnamese words (signed reports print them; ``labels`` translates them for pages).
KIND_LABELS_VI = {
    MeetingKind.SO_KET: N_("Hội nghị sơ kết"),
    MeetingKind.TONG_KET: N_("Hội nghị tổng kết"),
    MeetingKind.GIAO_BAN: N_("Họp giao ban"),
    MeetingKind.OTHER: N_("Cuộc họp"),
}

CODE_PREFIX = "KL"
_CODE = re.compile(r"^KL(\d+)\.(\d+)$", re.IGNORECASE)
# Conclusions recorded at once for one meeting (the form's rows); more come in a second meeting record.
MAX_CONCLUSIONS = 30


def kind_label(kind: str) -> str:
    """The Vietnamese name of a kind ("Hội nghị sơ kết"); an unknown code is shown as is."""
    try:
        return KIND_LABELS_VI[MeetingKind(kind)]
    except ValueError:
        return kind


def title(kind: str, held_on: date) -> str:
    """"Hội nghị sơ kết ngày 15/06/2024": how a meeting is named in headings and reports."""
    return f"{kind_label(kind)} ngày {held_on:%d/%m/%Y}"


def report_line(kind: str, held_on: date, place: str, conclusions: int, done: int) -> str:
    """How the status report's "Tình hình triển khai" names a meeting and its conclusions:
    "Ngày 16/10/2025, tổ chức Hội nghị sơ kết tại Thái Nguyên; ban hành 3 kết luận, đã hoàn thành 1."
    """
    where = f" tại {place.strip()}" if place and place.strip() else ""
    return (f"Ngày {held_on:%d/%m/%Y}, tổ chức {kind_label(kind)}{where}; "
            f"ban hành {conclusions} kết luận, đã hoàn thành {done}.")


def conclusion_codes(taken: set[str], count: int) -> list[str]:
    """``count`` new codes ``KL<m>.1`` … for one meeting: ``m`` is the first meeting number no
    code in ``taken`` (the agreement's codes) uses yet."""
    used = {int(m.group(1)) for code in taken if (m := _CODE.match(code))}
    number = 1
    while number in used:
        number += 1
    return [f"{CODE_PREFIX}{number}.{n}" for n in range(1, count + 1)]


def is_conclusion_code(code: str) -> bool:
    return bool(_CODE.match(code))
