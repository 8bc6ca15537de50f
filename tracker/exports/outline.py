"""What the Word and PDF reports say, as plain blocks: letterhead, outline sections, annex.

Built once from a ``StatusReport``; ``docx_report`` and ``pdf_report`` only lay it out,
so both files carry the same words. Letterhead profiles: Nghị định 30/2020 ("state") and
Hướng dẫn 36-HD/VPTW ("party"). No file format code here.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Union

from tracker.domain.report import AnnexRow, Letterhead, StatusReport, UpdateRow
from tracker.domain.status import CATEGORY_ORDER, Category
from tracker.exports import charts, safe, wording

PARTY = "party"
_BULLET = re.compile(r"^[\s\-+*•·–—]+")
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"
TITLE = "BÁO CÁO"

# Letterhead column widths (cm) inside the 16.5 cm text width of an A4 page with 30/15 mm margins:
# the state header needs room for the national name; the Party's left column is the longer one.
STATE_COLUMNS_CM = (6.3, 10.2)
PARTY_COLUMNS_CM = (7.6, 8.9)


def _caps_cm(text: str, size: float) -> float:
    """Rough printed width of bold capitals in Times New Roman (measured on Liberation Serif)."""
    return len(text) * 0.0214 * size


@dataclass(frozen=True)
class Line:
    """One centred letterhead line; ``rule_cm`` draws a rule of that length under it."""

    text: str
    size: float = 13
    bold: bool = False
    italic: bool = False
    rule_cm: float | None = None


@dataclass(frozen=True)
class Masthead:
    """The two-column header: top cells (bodies / national name), then number and date on one row."""

    left: tuple[Line, ...]
    right: tuple[Line, ...]
    number: Line
    date: Line
    widths_cm: tuple[float, float]


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 1 "1. …", 2 "2.1. …", 3 "2.1.1. …"


@dataclass(frozen=True)
class Para:
    """A justified body paragraph with an optional bold lead-in."""

    text: str
    lead: str = ""


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths_cm: tuple[float, ...]
    caption: str = ""
    bold_last: bool = False  # a totals row


@dataclass(frozen=True)
class Chart:
    png: bytes
    caption: str


Block = Union[Heading, Para, Table, Chart]


@dataclass(frozen=True)
class Signature:
    recipients: tuple[str, ...]  # "- …;" lines, the archive line last
    authority: tuple[str, ...]  # caps bold lines: "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"
    name: str


@dataclass(frozen=True)
class Outline:
    letterhead: Masthead
    title: str
    subject: str
    body: tuple[Block, ...]
    closing: str
    signature: Signature
    annex_title: tuple[str, ...]
    annex_caption: str
    annex_header: tuple[str, ...]
    annex_rows: tuple[tuple[str, ...], ...]
    annex_widths_cm: tuple[float, ...]


def _c(text: object) -> str:
    return " ".join(safe.clean(text).split())


def number_text(head: Letterhead) -> str:
    """"Số: …/BC-VP" (state) or "Số …-BC/TU" (party: no colon)."""
    number = _c(head.number) or "…"
    return f"Số {number}" if head.profile == PARTY else f"Số: {number}"


def letterhead(report: StatusReport) -> Masthead:
    """The header; a line break typed in the parent body or agency name starts a new line."""
    head = report.letterhead
    parents = [_c(line).upper() for line in safe.lines(head.parent_body)]
    agencies = [_c(line).upper() for line in safe.lines(head.issuing_agency)]
    left = [Line(text, 13) for text in parents]
    date_line = Line(wording.place_date(_c(head.place), report.issued_on), 14, italic=True)
    if head.profile == PARTY:
        left += [Line(text, 13, bold=True) for text in agencies]
        left.append(Line("*", 13))
        right = (Line(PARTY_NAME, 15, bold=True, rule_cm=round(_caps_cm(PARTY_NAME, 15), 1)),)
    else:
        # the rule under the agency runs 1/3 to 1/2 of the name's length (Nghị định 30)
        widest = max((_caps_cm(text, 13) for text in agencies), default=0)
        rule = round(min(STATE_COLUMNS_CM[0] - 1, max(1.5, widest / 2.4)), 1)
        left += [Line(text, 13, bold=True, rule_cm=rule if i == len(agencies) - 1 else None)
                 for i, text in enumerate(agencies)]
        right = (Line(NATION, 12, bold=True), Line(MOTTO, 13, bold=True, rule_cm=5.6))
    widths = PARTY_COLUMNS_CM if head.profile == PARTY else STATE_COLUMNS_CM
    return Masthead(tuple(left), right, Line(number_text(head), 13), date_line, widths)


_ARCHIVE = re.compile(r"^[\s\-–•+]*lưu\b", re.IGNORECASE)
_ARCHIVE_MARK = re.compile(r"^[\s\-–•+]+")


def signature(head: Letterhead) -> Signature:
    names = [_c(name).rstrip(";.") for name in head.recipients if _c(name)]
    # A "Lưu: …" line the office typed is the archive line: last, and "- Lưu: VT." is not added.
    typed_archive = [n for n in names if _ARCHIVE.match(n)]
    recipients = [f"- {n};" for n in names if not _ARCHIVE.match(n)]
    archive = _ARCHIVE_MARK.sub("", typed_archive[-1]) if typed_archive else (_c(head.archive).rstrip(";.") or "Lưu: VT")
    recipients.append(f"- {archive}.")
    authority = [_c(line).upper() for line in safe.lines(head.signer_authority)]
    title = _c(head.signer_title).upper()
    if title and (not authority or authority[-1] != title):  # typed in both boxes: printed once
        authority.append(title)
    return Signature(tuple(recipients), tuple(authority), _c(head.signer_name))


def _category_lines(counts, whole: int) -> list[Para]:
    last = CATEGORY_ORDER[-1]
    return [Para(f"- {wording.category_label(code)}: {wording.share(counts.get(code), whole)}"
                 f"{'.' if code == last else ';'}")
            for code in CATEGORY_ORDER]


def _from_updates(updates: tuple[UpdateRow, ...], attr: str) -> list[Para]:
    """One paragraph per distinct text an official wrote, with who wrote it and on which task.

    The official's own list markers ("- ", "+ ", "• ") go: the report adds its own.
    """
    seen: dict[str, list[str]] = {}
    for u in sorted(updates, key=lambda u: (u.commitment_code, u.province, u.as_of)):
        pieces = (_BULLET.sub("", line) for line in safe.lines(getattr(u, attr)))
        text = "; ".join(" ".join(p.split()).rstrip(" .;") for p in pieces if p.strip())
        if text:
            agency, province = _c(u.agency), _c(u.province)
            where = agency if province.lower() in agency.lower() else f"{agency}, {province}"
            source = f"{where}; nhiệm vụ {_c(u.commitment_code)}"
            seen.setdefault(text, [])
            if source not in seen[text]:
                seen[text].append(source)
    return [Para(f"- {text} ({'; '.join(sources)}).") for text, sources in seen.items()]


def _situation(report: StatusReport) -> list[Block]:
    provinces = ", ".join(_c(p) for p in report.provinces)
    window = (f"từ ngày {wording.short_date(report.window_start)} đến ngày {wording.short_date(report.as_of)}"
              if report.window_start else f"đến ngày {wording.short_date(report.as_of)}")
    blocks: list[Block] = [
        Heading("1. Tình hình triển khai", 1),
        Para(f"Thực hiện {_c(report.agreement_title)}, các cơ quan chủ trì và phối hợp của {provinces} "
             f"đã triển khai các nhiệm vụ được giao. Báo cáo tổng hợp số liệu {window}; phạm vi: "
             f"{_c(report.scope_label)}."),
    ]
    if report.documents:
        blocks.append(Para("Các văn bản triển khai đã ban hành:"))
        blocks += [Para(f"- {_c(line)}") for line in report.documents]
    if report.meetings:
        blocks.append(Para("Các hội nghị, cuộc họp đã tổ chức:"))
        blocks += [Para(f"- {_c(line)}") for line in report.meetings]
    blocks += [
        Para(f"Tổng số nhiệm vụ được theo dõi: {wording.number(report.summary.total)}. Trong kỳ có "
             f"{wording.number(len(report.updates))} báo cáo tiến độ được phê duyệt và "
             f"{wording.number(len(report.changes))} lượt điều chỉnh (gia hạn, điều chuyển, trả lại)."),
    ]
    extensions = sum(1 for c in report.changes if c.kind == "extension")
    if extensions:
        blocks.append(Para(f"Số lượt gia hạn thời hạn thực hiện nhiệm vụ: {wording.number(extensions)}."))
    if report.hidden_restricted:
        blocks.append(Para(f"Có {wording.number(report.hidden_restricted)} nhiệm vụ thuộc danh mục hạn chế "
                           "không được liệt kê trong báo cáo này."))
    return blocks


def _task_paragraphs(row: AnnexRow) -> list[Para]:
    who = f"chủ trì: {wording.agencies(row.lead_agencies) or '—'}"
    if row.support_agencies:
        who += f"; phối hợp: {wording.agencies(row.support_agencies)}"
    due = wording.deadline(row)
    out = [Para(f" ({who}; thời hạn: {due}). Tình trạng: {wording.status(row)}.", lead=f"- {_c(row.task)}")]
    out.extend(Para(f"+ {line}") for line in wording.result_lines(row))
    return out


def _results(report: StatusReport) -> list[Block]:
    blocks: list[Block] = [Heading("2. Kết quả thực hiện", 1), Heading("2.1. Kết quả theo lĩnh vực", 2)]
    by_area: dict[tuple[int, str], list[AnnexRow]] = defaultdict(list)
    for row in report.rows:
        by_area[(row.area_number, _c(row.area_name))].append(row)
    area_counts = {number: counts for number, _, counts in report.by_area}
    for i, ((number, name), rows) in enumerate(sorted(by_area.items()), start=1):
        field_name = name if name.lower().startswith("lĩnh vực") else f"Lĩnh vực {name}"
        blocks.append(Heading(f"2.1.{i}. {field_name}", 3))
        counts = area_counts.get(number)
        if counts is not None and counts.total:
            done = counts.get(Category.DONE_ON_TIME) + counts.get(Category.DONE_LATE)
            overdue = counts.get(Category.IN_PROGRESS_OVERDUE)
            text = f"Lĩnh vực có {wording.number(counts.total)} nhiệm vụ; đã hoàn thành {wording.share(done, counts.total)}"
            if overdue:
                text += f"; đang thực hiện quá hạn {wording.share(overdue, counts.total)}"
            blocks.append(Para(text + "."))
        for row in rows:
            blocks.extend(_task_paragraphs(row))

    total = report.summary.total
    blocks += [Heading("2.2. Tổng hợp theo tình trạng", 2),
               Para(f"Tính đến ngày {wording.short_date(report.as_of)}, tổng số {wording.number(total)} "
                    "nhiệm vụ, trong đó:")]
    blocks += _category_lines(report.summary, total)
    numbers = (1.9,) * (len(CATEGORY_ORDER) + 1)
    blocks.append(Table(
        tuple(wording.counts_header("Tỉnh")),
        tuple((_c(name), *map(wording.number, wording.counts_row(c))) for name, c in report.by_province)
        + (("Chung", *map(wording.number, wording.counts_row(report.summary))),),
        (3.2, *numbers), caption="Bảng 1. Số lượt tỉnh chủ trì theo tình trạng, theo tỉnh (mỗi tỉnh chủ trì một nhiệm vụ được tính một lượt, theo báo cáo của cơ quan chủ trì tỉnh đó); dòng Chung tính theo nhiệm vụ", bold_last=True))
    blocks.append(Table(
        tuple(wording.counts_header("Lĩnh vực")),
        tuple((f"{n}. {_c(name)}", *map(wording.number, wording.counts_row(c))) for n, name, c in report.by_area),
        (3.2, *numbers), caption="Bảng 2. Số nhiệm vụ theo tình trạng, theo lĩnh vực"))
    blocks.append(Chart(charts.status_by_group_png(list(report.by_province), "Tình trạng thực hiện theo tỉnh"),
                        "Biểu đồ 1. Tình trạng thực hiện theo tỉnh, tính theo lượt tỉnh chủ trì"))
    blocks.append(Chart(charts.status_by_group_png([(f"{n}. {name}", c) for n, name, c in report.by_area],
                                                   "Tình trạng thực hiện theo lĩnh vực"),
                        "Biểu đồ 2. Tình trạng thực hiện nhiệm vụ theo lĩnh vực"))
    return blocks


def _limits(report: StatusReport) -> list[Block]:
    s = report.summary
    blocks: list[Block] = [Heading("3. Tồn tại, hạn chế và nguyên nhân", 1)]
    facts = [(Category.IN_PROGRESS_OVERDUE, "nhiệm vụ đang thực hiện quá hạn"),
             (Category.DONE_LATE, "nhiệm vụ hoàn thành nhưng quá hạn"),
             (Category.NOT_STARTED, "nhiệm vụ chưa triển khai"),
             (Category.NO_REPORT, "nhiệm vụ chưa có báo cáo của cơ quan chủ trì")]
    for code, words in facts:
        if s.get(code):
            blocks.append(Para(f"- Còn {wording.share(s.get(code), s.total)} {words}."))
    obstacles = _from_updates(report.updates, "obstacles")
    if obstacles:
        blocks.append(Para("Khó khăn, vướng mắc do các cơ quan báo cáo:"))
        blocks += obstacles
    elif len(blocks) == 1:
        blocks.append(Para("Trong kỳ, các cơ quan không báo cáo khó khăn, vướng mắc."))
    return blocks


def _plans(report: StatusReport) -> list[Block]:
    steps = _from_updates(report.updates, "next_steps")
    return [Heading("4. Nhiệm vụ, giải pháp trọng tâm thời gian tới", 1),
            *(steps or [Para("Các cơ quan chủ trì tiếp tục thực hiện các nhiệm vụ chưa hoàn thành theo "
                             "thời hạn được giao.")])]


def _proposals(report: StatusReport) -> list[Block]:
    proposals = _from_updates(report.updates, "proposals")
    return [Heading("5. Đề xuất, kiến nghị", 1),
            *(proposals or [Para("Trong kỳ, các cơ quan không có đề xuất, kiến nghị.")])]


def build(report: StatusReport) -> Outline:
    """The whole report as blocks (charts rendered here, once, for whichever format asked)."""
    head = report.letterhead
    body = _situation(report) + _results(report) + _limits(report) + _plans(report) + _proposals(report)
    subject = _c(report.subject)
    caption = f"(Kèm theo Báo cáo số {_c(head.number) or '…'} {wording.long_date(report.issued_on)})"
    annex_title = ("Phụ lục", f"KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ {_c(report.agreement_title).upper()}")
    return Outline(
        letterhead=letterhead(report),
        title=TITLE,
        subject=subject,
        body=tuple(body),
        closing=f"Trên đây là báo cáo {subject[0].lower() + subject[1:] if subject else ''}./.",
        signature=signature(head),
        annex_title=annex_title,
        annex_caption=caption,
        annex_header=wording.ANNEX_HEADER,
        annex_rows=tuple(wording.annex_cells(row, agency_joiner="\n") for row in report.rows),
        # 25.2 cm: the text width of a landscape A4 page with the same margins
        annex_widths_cm=(1.3, 5.0, 3.2, 3.2, 2.3, 5.0, 2.5, 2.7),
    )
