"""A hand-built ``StatusReport`` in Vietnamese for the export tests (no app, no database).

Two provinces, three fields, six annex rows: one recurring, one with an extended
deadline, a result that looks like a formula and one with control characters in it.
"""
from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date, datetime, timezone

import pytest

from tracker.domain.report import AnnexRow, ChangeRow, Counts, DocumentRow, Letterhead, StatusReport, UpdateRow
from tracker.domain.status import CATEGORY_ORDER


def counts(*codes: str) -> Counts:
    tally = Counter(codes)
    return Counts({c.value: tally.get(c.value, 0) for c in CATEGORY_ORDER})


TN_XD, BN_XD = "Sở Xây dựng tỉnh Thái Nguyên", "Sở Xây dựng tỉnh Bắc Ninh"
TN_VH, BN_VH = "Sở Văn hóa, Thể thao và Du lịch tỉnh Thái Nguyên", "Sở Văn hóa, Thể thao và Du lịch tỉnh Bắc Ninh"
TN_NN, BN_NN = "Sở Nông nghiệp và Môi trường tỉnh Thái Nguyên", "Sở Nông nghiệp và Môi trường tỉnh Bắc Ninh"
FORMULA = "=SUM(A1:A9)"


def row(number, area_number, area_name, task, category, **extra) -> AnnexRow:
    values = dict(number=number, code=f"TN-BG-{number:02d}", area_number=area_number, area_name=area_name,
                  task=task, lead_agencies=(), support_agencies=(), due_date=None, original_due_date=None,
                  recurring=False, deliverable=None, result="", category=category, percent=None, notes="")
    values.update(extra)
    return AnnexRow(**values)


ROWS = (
    row(1, 1, "Giao thông vận tải", "Đầu tư nâng cấp tuyến đường ĐT.269 kết nối hai tỉnh", "in_progress_on_time",
        lead_agencies=(TN_XD, BN_XD), support_agencies=("Sở Tài chính tỉnh Thái Nguyên",),
        due_date=date(2025, 12, 31), original_due_date=date(2025, 6, 30), deliverable="Tuyến đường hoàn thành",
        result="Thái Nguyên: Đã giải phóng mặt bằng 85 % diện tích.\nBắc Ninh: Đang thi công nền đường.",
        percent=60.0, notes="Gia hạn đến 31/12/2025 theo Văn bản số 123/UBND-KT"),
    row(2, 1, "Giao thông vận tải", "Xây dựng đề án kết nối logistics liên vùng", "done_on_time",
        lead_agencies=(TN_XD,), due_date=date(2025, 9, 30), deliverable="Đề án được phê duyệt",
        result=FORMULA, percent=100.0),
    row(3, 2, "Văn hóa, du lịch", "Tổ chức Tuần lễ văn hóa - du lịch Thái Nguyên - Bắc Ninh", "in_progress_on_time",
        lead_agencies=(TN_VH, BN_VH), recurring=True,
        result="Tổ chức thường niên vào tháng 3\x07 tại hai tỉnh\x00.", percent=50.0),
    row(4, 2, "Văn hóa, du lịch", "Xây dựng tour du lịch liên tỉnh «Về miền chè - quan họ»", "in_progress_overdue",
        lead_agencies=(BN_VH,), support_agencies=(TN_VH, "Hiệp hội Du lịch tỉnh Bắc Ninh"),
        due_date=date(2025, 3, 31), result="Bắc Ninh: Đã khảo sát tuyến, chưa chốt sản phẩm.", percent=40.0),
    row(5, 3, "Nông nghiệp", "Hợp tác tiêu thụ sản phẩm OCOP, chè Thái Nguyên và vải thiều", "done_late",
        lead_agencies=(TN_NN, BN_NN), due_date=date(2025, 6, 30),
        result="Thái Nguyên: Đã tổ chức 02 hội chợ.\nBắc Ninh: Đã kết nối 15 doanh nghiệp.", percent=100.0),
    row(6, 3, "Nông nghiệp", "Chuyển giao giống chè chất lượng cao cho vùng trồng Lục Ngạn", "no_report",
        lead_agencies=(TN_NN,), support_agencies=(BN_NN,), due_date=date(2026, 6, 30)),
)

UPDATES = (
    UpdateRow("TN-BG-01", ROWS[0].task, "Thái Nguyên", TN_XD, "lead", "in_progress", 60, date(2025, 12, 10),
              datetime(2025, 12, 11, 3, 30, tzinfo=timezone.utc), "Đã giải phóng mặt bằng 85 % diện tích.",
              "Vướng mắc giải phóng mặt bằng tại xã Phú Bình do chưa thống nhất đơn giá bồi thường.",
              "Đề nghị UBND tỉnh chỉ đạo thống nhất đơn giá bồi thường giữa hai tỉnh.",
              "Hoàn thành giải phóng mặt bằng trong quý I/2026."),
    UpdateRow("TN-BG-01", ROWS[0].task, "Bắc Ninh", BN_XD, "lead", "in_progress", 55, date(2025, 12, 9),
              datetime(2025, 12, 12, 8, 0, tzinfo=timezone.utc), "Đang thi công nền đường.",
              "Thiếu vốn đối ứng năm 2025.", None, "Bố trí vốn đối ứng trong kế hoạch năm 2026."),
    UpdateRow("TN-BG-04", ROWS[3].task, "Bắc Ninh", BN_VH, "lead", "in_progress", 40, date(2025, 12, 1),
              datetime(2025, 12, 2, 2, 15, tzinfo=timezone.utc), "Đã khảo sát tuyến.",
              "Chưa thống nhất được tên gọi và lộ trình tour.",
              "+ Đề nghị Sở Văn hóa, Thể thao và Du lịch hai tỉnh họp thống nhất trong tháng 01/2026.", None),
    UpdateRow("TN-BG-05", ROWS[4].task, "Thái Nguyên", TN_NN, "lead", "done", 100, date(2025, 8, 20),
              datetime(2025, 8, 21, 9, 0, tzinfo=timezone.utc), "Đã tổ chức 02 hội chợ.", None, None, None),
)

CHANGES = (
    ChangeRow(datetime(2025, 6, 20, 2, 0, tzinfo=timezone.utc), "extension", "TN-BG-01",
              "Gia hạn từ 30/06/2025 đến 31/12/2025", "Vướng mắc giải phóng mặt bằng", "Nguyễn Thị Hoa"),
    ChangeRow(datetime(2025, 7, 1, 1, 0, tzinfo=timezone.utc), "reassignment", "TN-BG-06",
              "Chuyển từ Sở Nông nghiệp và PTNT tỉnh Bắc Giang sang Sở Nông nghiệp và Môi trường tỉnh Bắc Ninh",
              "Sắp xếp đơn vị hành chính từ 01/7/2025", "Quản trị hệ thống"),
    ChangeRow(datetime(2025, 12, 3, 4, 0, tzinfo=timezone.utc), "return", "TN-BG-04",
              "Trả lại báo cáo tiến độ để bổ sung", "@Thiếu minh chứng", None),
)

DOCUMENT_ROWS = (
    DocumentRow("Kế hoạch", "125/KH-UBND", date(2024, 3, 5), "UBND tỉnh Thái Nguyên",
                "Triển khai thực hiện Biên bản ghi nhớ hợp tác", ("TN-BG-01", "TN-BG-02")),
    DocumentRow("Công văn", "88/SCT-QLTM", date(2025, 8, 1), "Sở Công Thương tỉnh Bắc Ninh",
                "=HYPERLINK(\"http://x\") đề nghị phối hợp", ()),
)

STATE_HEAD = Letterhead(
    parent_body="UBND TỈNH THÁI NGUYÊN", issuing_agency="VĂN PHÒNG", number="…/BC-VP", place="Thái Nguyên",
    signer_name="Nguyễn Văn An", signer_title="Phó Chánh Văn phòng", signer_authority="KT. CHÁNH VĂN PHÒNG",
    recipients=("Thường trực Tỉnh ủy (b/c)", "Chủ tịch, các PCT UBND tỉnh", "Văn phòng UBND tỉnh Bắc Ninh"),
    archive="Lưu: VT, TH")
PARTY_HEAD = Letterhead(
    profile="party", parent_body="ĐẢNG BỘ TỈNH THÁI NGUYÊN", issuing_agency="TỈNH ỦY", number="…-BC/TU",
    place="Thái Nguyên", signer_name="Trần Văn Bình", signer_title="PHÓ BÍ THƯ",
    signer_authority="T/M BAN THƯỜNG VỤ", recipients=("Ban Thường vụ Tỉnh ủy Bắc Ninh",),
    archive="Lưu Văn phòng Tỉnh ủy")


def make_report(rows=ROWS, letterhead=STATE_HEAD, **overrides) -> StatusReport:
    areas = {}
    for r in rows:
        areas.setdefault((r.area_number, r.area_name), []).append(r.category)
    values = dict(
        agreement_code="TN-BG-2023",
        agreement_title="Chương trình hợp tác giữa tỉnh Thái Nguyên và tỉnh Bắc Giang giai đoạn 2023-2025",
        as_of=date(2025, 12, 14), issued_on=date(2026, 2, 5), period_label="năm 2025",
        window_start=date(2024, 12, 15), scope_label="Cả hai tỉnh; tất cả lĩnh vực",
        provinces=("Thái Nguyên", "Bắc Ninh"),
        summary=counts(*(r.category for r in rows)),
        by_province=(("Thái Nguyên", counts("in_progress_on_time", "done_on_time", "in_progress_on_time",
                                            "done_late", "no_report")),
                     ("Bắc Ninh", counts("in_progress_on_time", "in_progress_on_time", "in_progress_overdue",
                                         "done_late", "no_report"))),
        by_area=tuple((n, name, counts(*cats)) for (n, name), cats in areas.items()),
        rows=tuple(rows), updates=UPDATES, changes=CHANGES, hidden_restricted=1, letterhead=letterhead,
        document_rows=DOCUMENT_ROWS,
    )
    values.update(overrides)
    return StatusReport(**values)


@pytest.fixture
def report() -> StatusReport:
    return make_report()


@pytest.fixture
def party_report() -> StatusReport:
    return make_report(letterhead=PARTY_HEAD)


def big_report(n: int) -> StatusReport:
    """``n`` annex rows cycling through the fixture rows (for timing the streaming XLSX)."""
    rows = [dataclasses.replace(ROWS[i % len(ROWS)], number=i + 1, code=f"TN-BG-{i + 1:05d}") for i in range(n)]
    return make_report(rows=rows)
