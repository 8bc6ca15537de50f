"""The status report as plain data: what every export format (XLSX, CSV, DOCX, PDF) prints.

``queries.reports`` fills it from the database for an agreement, a scope and an as-of
date; ``tracker.exports`` turns it into files. Nothing here knows either side.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime

from tracker.domain.status import CATEGORY_ORDER, Category, Progress
from tracker.domain.text import N_

# The words for each code, defined once: reports print them, ``labels`` translates them for pages.
CATEGORY_LABELS_VI: dict[str, str] = {
    Category.DONE_ON_TIME: N_("Hoàn thành đúng hạn"),
    Category.DONE_LATE: N_("Hoàn thành quá hạn"),
    Category.IN_PROGRESS_ON_TIME: N_("Đang thực hiện trong hạn"),
    Category.IN_PROGRESS_OVERDUE: N_("Đang thực hiện quá hạn"),
    Category.NOT_STARTED: N_("Chưa triển khai"),
    Category.NO_REPORT: N_("Chưa có báo cáo"),
}
# Okabe-Ito, as on every page and chart (ui.md).
CATEGORY_COLOURS: dict[str, str] = {
    Category.DONE_ON_TIME: "#009E73",
    Category.DONE_LATE: "#E69F00",
    Category.IN_PROGRESS_ON_TIME: "#0072B2",
    Category.IN_PROGRESS_OVERDUE: "#D55E00",
    Category.NOT_STARTED: "#999999",
    Category.NO_REPORT: "#DDDDDD",
}
STATE_LABELS_VI: dict[str, str] = {
    Progress.NOT_STARTED: N_("Chưa triển khai"),
    Progress.IN_PROGRESS: N_("Đang triển khai"),
    Progress.DONE: N_("Hoàn thành"),
    Progress.PAUSED: N_("Tạm dừng"),
    Progress.DROPPED: N_("Dừng thực hiện"),
}


@dataclass(frozen=True, slots=True)
class Counts:
    """Commitments by reporting category; the six add up to ``total``."""

    by_category: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_category.values())

    def get(self, code: str) -> int:
        return self.by_category.get(code, 0)

    @classmethod
    def empty(cls) -> Counts:
        return cls({c.value: 0 for c in CATEGORY_ORDER})


@dataclass(frozen=True, slots=True)
class SideLine:
    """One side of a commitment in a report: a province leading it, and where its lead stands."""

    province: str  # short name as on the report's date, e.g. "Bắc Ninh"
    category: str  # the side's Category code
    state: str | None  # its latest approved Progress code; None without a report
    percent: float | None

    @property
    def text(self) -> str:
        """"Thái Nguyên: hoàn thành 100 %", "Bắc Ninh: chưa có báo cáo"."""
        if self.state is None:
            return f"{self.province}: chưa có báo cáo"
        value = "" if self.percent is None else " " + f"{self.percent:.1f}".rstrip("0").rstrip(".").replace(".", ",") + " %"
        return f"{self.province}: {STATE_LABELS_VI[self.state].lower()}{value}"


def sides_differ(sides: tuple[SideLine, ...]) -> bool:
    """The sides do not stand alike: show each, never one merged percent (domain.md §4)."""
    return len({(s.state, s.percent) for s in sides}) > 1


def sides_text(sides: tuple[SideLine, ...]) -> str:
    return " · ".join(s.text for s in sides)


def not_done_reason(sides: tuple[SideLine, ...]) -> str | None:
    """Why a commitment some side finished is not done: the sides that have not reported it done."""
    waiting = [s.province for s in sides if s.state != "done"]
    if not waiting or len(waiting) == len(sides):
        return None
    return f"Chưa hoàn thành vì {', '.join(waiting)} chưa báo cáo hoàn thành"


def short_province(name: str) -> str:
    """"Tỉnh Thái Nguyên" → "Thái Nguyên" (the side labels of tables and annexes)."""
    for prefix in ("Tỉnh ", "tỉnh ", "Thành phố ", "thành phố "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


@dataclass(frozen=True, slots=True)
class AnnexRow:
    """One commitment in the annex table (STT | task | lead | co-operating | deadline | result | status | notes)."""

    number: int
    code: str
    area_number: int
    area_name: str
    task: str
    lead_agencies: tuple[str, ...]  # names as they were on the report's date
    support_agencies: tuple[str, ...]
    due_date: date | None
    original_due_date: date | None  # set when the deadline was extended
    recurring: bool
    deliverable: str | None
    result: str  # the latest approved results, one paragraph per province
    category: str  # a Category code
    percent: float | None
    notes: str  # extension, dropped, restricted remarks
    sides: tuple[SideLine, ...] = ()  # each province leading it, in party order


@dataclass(frozen=True, slots=True)
class UpdateRow:
    """An approved progress update in the report's window."""

    commitment_code: str
    commitment_title: str
    province: str
    agency: str
    role: str  # lead / support
    state: str  # a Progress code
    percent: int
    as_of: date
    approved_at: datetime
    results: str | None
    obstacles: str | None
    proposals: str | None
    next_steps: str | None


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """A change worth a line in the change log: a deadline extension, a reassignment, a return."""

    at: datetime
    kind: str  # "extension", "reassignment", "return"
    commitment_code: str
    description: str
    reason: str | None
    actor: str | None


@dataclass(frozen=True, slots=True)
class DocumentRow:
    """An implementing document issued by the report's date, for the workbook's own sheet."""

    doc_type: str  # the Vietnamese type, "Kế hoạch"
    number_symbol: str
    issued_on: date
    issuing_body: str
    subject: str
    commitments: tuple[str, ...]  # codes of the commitments it serves (restricted ones only for the cleared)


@dataclass(frozen=True, slots=True)
class Letterhead:
    """What the signer's office types in the report builder (Nghị định 30 / Hướng dẫn 36 header)."""

    profile: str = "state"  # "state" (Nghị định 30/2020) or "party" (Hướng dẫn 36-HD/VPTW)
    parent_body: str = "UBND TỈNH THÁI NGUYÊN"  # left column, first line (caps)
    issuing_agency: str = "VĂN PHÒNG"  # left column, bold
    number: str = "…/BC-VP"  # "Số: …/BC-…" (state) or "…-BC/TU" (party)
    place: str = "Thái Nguyên"
    signer_name: str = ""
    signer_title: str = "CHÁNH VĂN PHÒNG"  # e.g. "PHÓ CHỦ TỊCH"
    signer_authority: str = ""  # e.g. "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH" or "T/M BAN THƯỜNG VỤ"
    recipients: tuple[str, ...] = ("Thường trực Tỉnh ủy (b/c)", "Lãnh đạo UBND tỉnh", "Các sở, ngành liên quan")
    archive: str = "Lưu: VT"


def letterhead_for(profile: str, defaults: dict, saved: dict | None) -> Letterhead:
    """The letterhead of ``profile``: the configured defaults (``data/letterheads.yaml``), then
    what the user saved in the report builder (its non-empty values)."""
    names = {f.name for f in fields(Letterhead)} - {"profile"}

    def values(source: dict | None) -> dict:
        found = {k: v for k, v in (source or {}).items() if v and k in names}
        if isinstance(found.get("recipients"), str):
            found["recipients"] = tuple(line.strip(" -;") for line in found["recipients"].splitlines() if line.strip())
        elif "recipients" in found:
            found["recipients"] = tuple(found["recipients"])
        return found

    return Letterhead(profile=profile, **{**values(defaults.get(profile)), **values(saved)})


@dataclass(frozen=True, slots=True)
class StatusReport:
    agreement_code: str
    agreement_title: str
    as_of: date
    issued_on: date  # the date line "…, ngày dd tháng mm năm yyyy"
    period_label: str | None  # "6 tháng đầu năm 2025", or None for a plain as-of report
    window_start: date | None  # the period's data window, when the report is for a period
    scope_label: str  # "Cả hai tỉnh; tất cả lĩnh vực" …
    provinces: tuple[str, ...]
    summary: Counts
    by_province: tuple[tuple[str, Counts], ...]
    by_area: tuple[tuple[int, str, Counts], ...]
    rows: tuple[AnnexRow, ...]
    updates: tuple[UpdateRow, ...]
    changes: tuple[ChangeRow, ...]
    hidden_restricted: int = 0
    letterhead: Letterhead = field(default_factory=Letterhead)
    # "UBND tỉnh … ban hành Kế hoạch số …/KH-UBND ngày … về …" (domain.documents.report_line), oldest first
    documents: tuple[str, ...] = ()
    document_rows: tuple[DocumentRow, ...] = ()  # the same documents, field by field
    # "Ngày …, tổ chức Hội nghị sơ kết tại …; ban hành N kết luận, đã hoàn thành M." (domain.meetings.report_line)
    meetings: tuple[str, ...] = ()

    @property
    def subject(self) -> str:
        when = self.period_label or f"đến ngày {self.as_of:%d/%m/%Y}"
        return f"Kết quả thực hiện {self.agreement_title[0].lower() + self.agreement_title[1:]}, {when}"
