"""SQLAlchemy models, split by noun. Columns and relationships only: rules live in domain/."""
from tracker.models.agreements import (
    Agreement,
    AgreementParty,
    Assignment,
    Commitment,
    CooperationArea,
    Role,
)
from tracker.models.progress import DeadlineExtension, EvidenceFile, ProgressUpdate, SideStatus, UpdateStatus
from tracker.models.organisations import Agency, AgencySuccession, Province, ProvinceSuccession
from tracker.models.audit import AuditEvent
from tracker.models.users import User, UserRole, UserSession

__all__ = [
    "Agency",
    "AgencySuccession",
    "AuditEvent",
    "Agreement",
    "AgreementParty",
    "Assignment",
    "Commitment",
    "CooperationArea",
    "DeadlineExtension",
    "EvidenceFile",
    "ProgressUpdate",
    "Province",
    "ProvinceSuccession",
    "Role",
    "SideStatus",
    "UpdateStatus",
    "User",
    "UserRole",
    "UserSession",
]
