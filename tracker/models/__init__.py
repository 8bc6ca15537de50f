"""SQLAlchemy models, split by noun. Columns and relationships only: rules live in domain/."""
from tracker.models import base  # noqa: F401  # first: the column type each bare annotation stands for
from tracker.models.agreements import (
    Agreement,
    AgreementParty,
    Assignment,
    Commitment,
    CooperationArea,
    Role,
)
from tracker.models.periods import (
    CalendarDay,
    Notification,
    OutboxMail,
    PeriodClosure,
    PeriodSnapshot,
    ReportingSchedule,
)
from tracker.models.progress import DeadlineExtension, EvidenceFile, ProgressUpdate, SideStatus, UpdateStatus
from tracker.models.organisations import Agency, AgencySuccession, Province, ProvinceSuccession
from tracker.models.targets import CommitmentTarget
from tracker.models.proposals import PlanProposal
from tracker.models.audit import AuditEvent
from tracker.models.cache import ChangeCounter
from tracker.models.standings import Standing, StandingCount, StandingCutoff, StandingPeriod, StandingState
from tracker.models.users import User, UserRole, UserSession
from tracker.models.tokens import ApiToken
from tracker.models.documents import ImplementingDocument, document_commitments
from tracker.models.confirmations import UpdateConfirmation
from tracker.models.meetings import Meeting
from tracker.models.report_jobs import ReportJob

__all__ = [
    "Agency",
    "ApiToken",
    "AgencySuccession",
    "Agreement",
    "AgreementParty",
    "Assignment",
    "AuditEvent",
    "CalendarDay",
    "ChangeCounter",
    "Commitment",
    "CommitmentTarget",
    "CooperationArea",
    "DeadlineExtension",
    "EvidenceFile",
    "ImplementingDocument",
    "Meeting",
    "Notification",
    "OutboxMail",
    "PeriodClosure",
    "PeriodSnapshot",
    "PlanProposal",
    "ProgressUpdate",
    "Province",
    "ProvinceSuccession",
    "ReportJob",
    "ReportingSchedule",
    "Role",
    "SideStatus",
    "Standing",
    "StandingCount",
    "StandingCutoff",
    "StandingPeriod",
    "StandingState",
    "UpdateConfirmation",
    "UpdateStatus",
    "User",
    "UserRole",
    "UserSession",
    "document_commitments",
]
