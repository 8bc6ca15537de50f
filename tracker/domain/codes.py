"""The codes stored in the database and compared everywhere: one enum each.

Models store them, their check constraints are generated from them
(``models.base.one_of``), and code compares members, never raw strings.
"""
from __future__ import annotations

from enum import StrEnum


class UserRole(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"  # đầu mối of one province
    OFFICER = "officer"  # cán bộ of one agency
    VIEWER = "viewer"  # leadership, read-only


class Role(StrEnum):
    """An agency's part in a commitment."""

    LEAD = "lead"  # cơ quan chủ trì
    SUPPORT = "support"  # cơ quan phối hợp


class UpdateStatus(StrEnum):
    DRAFT = "draft"  # nháp
    SUBMITTED = "submitted"  # đã gửi, chờ duyệt
    RETURNED = "returned"  # bị trả lại
    APPROVED = "approved"  # đã duyệt


class ReportJobKind(StrEnum):
    """A report document built in the background."""

    DOCX = "docx"
    PDF = "pdf"


class JobStatus(StrEnum):
    QUEUED = "queued"  # waiting for the worker (or for the request to end)
    RUNNING = "running"
    DONE = "done"  # the file is ready
    FAILED = "failed"  # ``message`` says why, in the asker's language


class SuccessionKind(StrEnum):
    """How an agency handed on its work (kế thừa)."""

    MERGE = "merge"  # hợp nhất, sáp nhập: the whole agency goes on inside the successor
    SPLIT = "split"  # chia tách: a part of its work does
    RENAME = "rename"  # đổi tên


class ProposalStatus(StrEnum):
    """A proposed change to a shared commitment, awaiting the other province."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class DayKind(StrEnum):
    """A declared calendar day (``calendar_days``)."""

    DAY_OFF = "day_off"  # ngày nghỉ (nghỉ bù, nghỉ theo thông báo của Chính phủ)
    WORKING_DAY = "working_day"  # ngày làm bù


class NotificationKind(StrEnum):
    """What a notice (the bell, the daily digest) is about (``domain.reminders``)."""

    DUE_SOON = "due_soon"  # a period's reminder day (its schedule's remind_days)
    OVERDUE = "overdue"  # the period's deadline passed without the report
    RETURNED = "returned"  # a report sent back to its author
    REVIEW = "review"  # a report awaiting the coordinator's review
    APPROVED = "approved"  # told at the moment only
    EXTENDED = "extended"  # a deadline moved; told at the moment only
    AT_RISK = "at_risk"  # early warning (domain.risk): the daily run, once a month while it lasts
    CONFIRM = "confirm"  # a partner coordinator is asked to confirm a completion
    DISPUTED = "disputed"  # a side hears its completion is disputed
    REPORT_READY = "report_ready"  # a report built in the background (the bell only: the asker waits)
