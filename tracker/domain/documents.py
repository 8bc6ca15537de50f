"""Implementing documents (văn bản triển khai): the Decree 30 types, the number and symbol, the dates.

A province implements an agreement through its own documents: a plan ("Kế hoạch số
125/KH-UBND"), decisions, directives, official letters. Nghị định 30/2020/NĐ-CP, Điều 7 names
the types of administrative documents and Phụ lục III their abbreviations, which open the
symbol (ký hiệu) after the number: "125/KH-UBND". An official letter (công văn) has no type
abbreviation: its symbol is the issuing body's ("1234/UBND-KT"). Party bodies number
"125-KH/TU" (Hướng dẫn 36-HD/VPTW); both forms are accepted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from tracker.domain.text import N_, clean_line


class DocumentType(StrEnum):
    NGHI_QUYET = "resolution"  # Nghị quyết (cá biệt)
    QUYET_DINH = "decision"  # Quyết định (cá biệt)
    CHI_THI = "directive"  # Chỉ thị
    CHUONG_TRINH = "programme"  # Chương trình
    KE_HOACH = "plan"  # Kế hoạch
    DE_AN = "scheme"  # Đề án
    HUONG_DAN = "guidance"  # Hướng dẫn
    THONG_BAO = "notice"  # Thông báo
    BAO_CAO = "report"  # Báo cáo
    TO_TRINH = "submission"  # Tờ trình
    CONG_VAN = "letter"  # Công văn


# The Vietnamese words (signed reports print them; ``labels`` translates them for pages).
TYPE_LABELS_VI = {
    DocumentType.NGHI_QUYET: N_("Nghị quyết"),
    DocumentType.QUYET_DINH: N_("Quyết định"),
    DocumentType.CHI_THI: N_("Chỉ thị"),
    DocumentType.CHUONG_TRINH: N_("Chương trình"),
    DocumentType.KE_HOACH: N_("Kế hoạch"),
    DocumentType.DE_AN: N_("Đề án"),
    DocumentType.HUONG_DAN: N_("Hướng dẫn"),
    DocumentType.THONG_BAO: N_("Thông báo"),
    DocumentType.BAO_CAO: N_("Báo cáo"),
    DocumentType.TO_TRINH: N_("Tờ trình"),
    DocumentType.CONG_VAN: N_("Công văn"),
}

# Phụ lục III: the abbreviation that opens the symbol; a công văn has none.
ABBREVIATIONS = {
    DocumentType.NGHI_QUYET: "NQ",
    DocumentType.QUYET_DINH: "QĐ",
    DocumentType.CHI_THI: "CT",
    DocumentType.CHUONG_TRINH: "CTr",
    DocumentType.KE_HOACH: "KH",
    DocumentType.DE_AN: "ĐA",
    DocumentType.HUONG_DAN: "HD",
    DocumentType.THONG_BAO: "TB",
    DocumentType.BAO_CAO: "BC",
    DocumentType.TO_TRINH: "TTr",
}

MAX_NUMBER_SYMBOL = 60
_PART = r"[A-ZĐ][A-ZĐa-zđ0-9]*"
# number, an optional year (12/2023/NQ-HĐND), then the symbol's parts joined by - or /.
NUMBER_SYMBOL = re.compile(rf"^(?P<number>0?[1-9][0-9]{{0,5}})(?:/(?P<year>(?:19|20|21)[0-9]{{2}}))?[/-]"
                           rf"(?P<symbol>{_PART}(?:[-/]{_PART})*)$")
_PREFIX = re.compile(r"^(?:số|so)\s*:?\s*", re.IGNORECASE)

# Problem codes, by the form field they belong to.
BAD_FORMAT = "bad_format"
WRONG_TYPE = "wrong_type"
IN_FUTURE = "in_future"
BEFORE_AGREEMENT = "before_agreement"
REQUIRED = "required"


@dataclass(frozen=True)
class NumberSymbol:
    number: int
    year: int | None
    symbol: str

    @property
    def type_part(self) -> str:
        """The first part of the symbol: the type's abbreviation in either numbering form."""
        return re.split(r"[-/]", self.symbol, maxsplit=1)[0]


def normalise_number(raw: str | None) -> str:
    """What was typed, as it is stored: one line, a leading "Số:" dropped, no spaces around - and /."""
    text = _PREFIX.sub("", clean_line(raw) or "")
    return re.sub(r"\s*([-/])\s*", r"\1", text)


def parse_number(raw: str | None) -> NumberSymbol | None:
    """``125/KH-UBND`` → (125, None, "KH-UBND"); None when it is not a number and symbol."""
    text = normalise_number(raw)
    match = NUMBER_SYMBOL.match(text) if len(text) <= MAX_NUMBER_SYMBOL else None
    if not match:
        return None
    return NumberSymbol(int(match["number"]), int(match["year"]) if match["year"] else None, match["symbol"])


@dataclass(frozen=True)
class DocumentFacts:
    doc_type: str
    number_symbol: str
    issued_on: date | None
    issuing_body: str
    subject: str


def problems(facts: DocumentFacts, *, today: date, agreement_from: date | None) -> dict[str, str]:
    """What is wrong with a document, by field: ``{}`` when it may be recorded.

    The date may be neither after ``today`` nor before the agreement (``agreement_from``:
    signed, else its period's start); the symbol opens with the type's abbreviation.
    """
    found: dict[str, str] = {}
    if facts.doc_type not in set(DocumentType):
        found["doc_type"] = REQUIRED
    parsed = parse_number(facts.number_symbol)
    if parsed is None:
        found["number_symbol"] = BAD_FORMAT
    elif facts.doc_type in ABBREVIATIONS and parsed.type_part != ABBREVIATIONS[DocumentType(facts.doc_type)]:
        found["number_symbol"] = WRONG_TYPE
    if facts.issued_on is None:
        found["issued_on"] = REQUIRED
    elif facts.issued_on > today:
        found["issued_on"] = IN_FUTURE
    elif agreement_from is not None and facts.issued_on < agreement_from:
        found["issued_on"] = BEFORE_AGREEMENT
    for name in ("issuing_body", "subject"):
        if not clean_line(getattr(facts, name)):
            found[name] = REQUIRED
    return found


def report_line(doc_type: str, number_symbol: str, issued_on: date, issuing_body: str, subject: str) -> str:
    """The report's sentence: "UBND tỉnh Thái Nguyên ban hành Kế hoạch số 125/KH-UBND ngày 05/03/2024 về …"."""
    kind = TYPE_LABELS_VI.get(doc_type, doc_type)  # type: ignore[call-overload]
    subject = (subject or "").strip().rstrip(".;")
    if len(subject) > 1 and subject[1].islower():  # "Triển khai …" reads "về triển khai …"; "UBND …" stays
        subject = subject[0].lower() + subject[1:]
    about = f" về {subject}" if subject else ""
    return f"{issuing_body} ban hành {kind} số {number_symbol} ngày {issued_on:%d/%m/%Y}{about}."
