"""The API's schemas for implementing documents (văn bản triển khai): the register's query and its page."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from tracker.api.schemas import Id, Page, PerPage, ProvinceRef, Query

DOC_TYPES = Literal["resolution", "decision", "directive", "programme", "plan", "scheme", "guidance", "notice",
                    "report", "submission", "letter"]


class DocumentQuery(Query):
    """The register's filters (``/documents``), and pagination."""

    q: str = Field("", max_length=1000, description="Number and symbol (\"125/KH\"), issuing body or subject; "
                                                    "accents and case are ignored, as on the register page.")
    agreement: Id | None = None
    commitment: Id | None = Field(None, description="Only the documents serving this commitment.")
    page: Page = 1
    per_page: PerPage = 50


class DocumentFile(BaseModel):
    name: str = Field(description="The file's name as uploaded (made safe).")
    kind: str
    content_type: str
    size: int
    url: str = Field(description="Where the browser downloads it (signed in).")


class Document(BaseModel):
    id: int
    agreement_id: int
    province: ProvinceRef = Field(description="The issuing side.")
    doc_type: DOC_TYPES = Field(description="The Decree 30 type (Kế hoạch: plan, Quyết định: decision, ...).")
    doc_type_label: str = Field(description="The type in Vietnamese, as the register writes it.")
    number_symbol: str
    issued_on: date
    issuing_body: str
    subject: str
    is_demo: bool
    file: DocumentFile | None
    commitment_ids: list[int] = Field(description="The commitments it serves (those of restricted fields only "
                                                  "for the cleared).")


class DocumentPage(BaseModel):
    items: list[Document]
    page: int
    per_page: int
    total: int
    pages: int
