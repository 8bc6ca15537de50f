"""``flask demo-data``: a national-scale generated dataset for benchmarks and demos.

34 provinces, 2,000 agencies, 300 agreements of 9 fields, 30,000 commitments and
1,000,000 approved progress updates over 2023-2026 at ``--scale 1``; every count is
multiplied by the scale (at least one of each). Written in bulk (Core inserts), with the
side-status spans computed alongside, so the dashboard has what it counts over.
Deterministic: the same scale gives the same data.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

import click
from sqlalchemy import func, insert, select

from tracker.domain.spans import Approval, spans
from tracker.domain.text import commitment_search_key
from tracker.extensions import db
from tracker.models import (Agency, Agreement, AgreementParty, Assignment, Commitment, CooperationArea, ProgressUpdate,
                            Province, SideStatus, User)
from tracker.services.accounts import hash_password

FULL = {"provinces": 34, "agencies": 2000, "agreements": 300, "commitments": 30_000, "updates": 1_000_000}
AREAS = (
    ("Công tác xây dựng Đảng và hệ thống chính trị", True),
    ("Phối hợp thực hiện cơ chế, chính sách của Trung ương", False),
    ("Quy hoạch và kết nối hạ tầng giao thông liên tỉnh", False),
    ("Chuyển đổi số", False),
    ("Cải cách hành chính", False),
    ("Cải thiện môi trường đầu tư, kinh doanh; nâng cao PCI", False),
    ("Phát triển công nghiệp và xúc tiến đầu tư", False),
    ("Y tế và bảo vệ môi trường", False),
    ("Quốc phòng - an ninh", True),
)
VERBS = ("Phối hợp xây dựng", "Tổ chức", "Triển khai", "Rà soát", "Trao đổi kinh nghiệm về", "Đầu tư", "Hoàn thiện")
OBJECTS = ("hạ tầng khu công nghiệp", "đề án chuyển đổi số", "kế hoạch nâng hạng PCI", "tuyến đường liên tỉnh",
           "hệ thống dịch vụ công trực tuyến", "chương trình xúc tiến đầu tư", "cơ chế phối hợp y tế")
START = date(2023, 1, 1)
END = date(2026, 11, 1)
BATCH = 20_000


def _count(name: str, scale: float) -> int:
    return max(2 if name == "provinces" else 1, round(FULL[name] * scale))


def _insert(table, rows: list[dict]) -> None:
    for i in range(0, len(rows), BATCH):
        db.session.execute(insert(table), rows[i:i + BATCH])


def generate(scale: float = 1.0, seed: int = 2023, echo=lambda message: None) -> dict[str, int]:
    """Add the dataset; returns the counts written. Refuses to run twice."""
    if db.session.scalar(select(func.count(Agreement.id)).where(Agreement.code.like("DEMO-%"))):
        raise click.ClickException("demo data is already loaded")
    rng = random.Random(seed)  # nosec B311 # reproducible demonstration data, not a secret
    n = {k: _count(k, scale) for k in FULL}
    next_id = {m: (db.session.scalar(select(func.max(m.id))) or 0) + 1
               for m in (Province, Agency, Agreement, AgreementParty, CooperationArea, Commitment, Assignment,
                         ProgressUpdate)}

    provinces = [{"id": next_id[Province] + i, "code": f"D{i + 1:02d}", "name": f"Tỉnh Mẫu {i + 1:02d}",
                  "valid_from": date(2025, 7, 1)} for i in range(n["provinces"])]
    _insert(Province.__table__, provinces)
    agencies = []
    for i in range(n["agencies"]):
        province = provinces[i % len(provinces)]
        agencies.append({"id": next_id[Agency] + i, "code": f"{province['code']}-A{i + 1:04d}",
                         "province_id": province["id"], "name": f"Sở Mẫu {i + 1:04d} {province['name']}",
                         "kind": "department", "is_party_body": False})
    _insert(Agency.__table__, agencies)
    by_province: dict[int, list[int]] = {}
    for a in agencies:
        by_province.setdefault(a["province_id"], []).append(a["id"])
    author_id = db.session.scalar(insert(User).values(
        email="demo.author@example.com", name="Dữ liệu mẫu", password_hash=hash_password("demo-data-no-login"),
        role="admin", cleared=True, language="vi", active=False, must_change_password=True, email_reminders=False,
    ).returning(User.id))
    echo(f"provinces {len(provinces)}, agencies {len(agencies)}")

    agreements, parties, areas, commitments, assignments = [], [], [], [], []
    per_agreement = max(1, n["commitments"] // n["agreements"])
    sides: list[tuple[int, int, int, date | None]] = []  # commitment, party, lead agency, due
    for i in range(n["agreements"]):
        aid = next_id[Agreement] + i
        pair = rng.sample(provinces, 2)
        agreements.append({"id": aid, "code": f"DEMO-{i + 1:04d}", "title": f"Chương trình hợp tác mẫu số {i + 1}",
                           "short_title": f"Hợp tác mẫu {i + 1}", "kind": "Biên bản ghi nhớ", "signing_verified": False,
                           "period_start": START, "period_end": date(2025, 12, 31), "open_ended": True,
                           "created_at": datetime.now(timezone.utc)})
        party_ids = []
        for position, province in enumerate(pair, start=1):
            pid = next_id[AgreementParty] + len(parties)
            parties.append({"id": pid, "agreement_id": aid, "province_id": province["id"], "position": position})
            party_ids.append((pid, province["id"]))
        area_ids = []
        for number, (name, restricted) in enumerate(AREAS, start=1):
            area_id = next_id[CooperationArea] + len(areas)
            areas.append({"id": area_id, "agreement_id": aid, "number": number, "name": name, "provisional": True,
                          "restricted": restricted})
            area_ids.append((area_id, number))
        for j in range(per_agreement):
            cid = next_id[Commitment] + len(commitments)
            area_id, number = area_ids[j % len(area_ids)]
            recurring = rng.random() < 0.1
            start = START + timedelta(days=rng.randrange(0, 400))
            due = None if recurring else start + timedelta(days=rng.randrange(120, 1100))
            title = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} (nhiệm vụ {number}.{j // len(area_ids) + 1})"
            code = f"{number}.{j // len(area_ids) + 1}"
            commitments.append({"id": cid, "area_id": area_id, "code": code,
                                "sort_key": ".".join(p.zfill(4) for p in code.split(".")), "title": title,
                                "start_date": start, "due_date": due, "recurring": recurring, "is_demo": True,
                                "search_text": commitment_search_key(code, title), "created_at": datetime.now(timezone.utc)})
            for pid, province_id in party_ids:
                pool = by_province[province_id]
                lead = rng.choice(pool)
                assignments.append({"id": next_id[Assignment] + len(assignments), "commitment_id": cid,
                                    "party_id": pid, "agency_id": lead, "role": "lead", "agency_name": "",
                                    "valid_from": START})
                sides.append((cid, pid, lead, due))
                for support in rng.sample(pool, min(len(pool) - 1, rng.randrange(0, 3))):
                    if support != lead:
                        assignments.append({"id": next_id[Assignment] + len(assignments), "commitment_id": cid,
                                            "party_id": pid, "agency_id": support, "role": "support",
                                            "agency_name": "", "valid_from": START})
    names = {a["id"]: a["name"] for a in agencies}
    for a in assignments:
        a["agency_name"] = names[a["agency_id"]]
    for table, rows in ((Agreement.__table__, agreements), (AgreementParty.__table__, parties),
                        (CooperationArea.__table__, areas), (Commitment.__table__, commitments),
                        (Assignment.__table__, assignments)):
        _insert(table, rows)
    echo(f"agreements {len(agreements)}, commitments {len(commitments)}, assignments {len(assignments)}")

    per_side, extra = divmod(n["updates"], len(sides))  # the first `extra` sides get one more
    update_id = next_id[ProgressUpdate]
    updates, status_rows = [], []
    written = 0
    for index, (cid, pid, agency_id, _due) in enumerate(sides):
        wanted = per_side + (1 if index < extra else 0)
        days = sorted(rng.sample(range((END - START).days), min(wanted, (END - START).days)))
        if not days:
            continue
        percent, state, approvals = 0, "not_started", []
        finish_at = rng.random()
        for k, offset in enumerate(days):
            as_of = START + timedelta(days=offset)
            progress = (k + 1) / len(days)
            if progress >= finish_at and rng.random() < 0.7:
                state, percent = "done", 100
            elif state != "done":
                state = rng.choice(("in_progress", "in_progress", "in_progress", "paused")) if k else "not_started"
                percent = min(95, max(percent, int(progress * 100 * finish_at)))
            reviewed = datetime.combine(as_of + timedelta(days=rng.randrange(0, 8)), time(3), tzinfo=timezone.utc)
            updates.append({"id": update_id, "commitment_id": cid, "party_id": pid, "agency_id": agency_id,
                            "role": "lead", "author_id": author_id, "status": "approved", "state": state,
                            "percent": percent, "as_of": as_of, "version": 1, "form_token": f"demo-{update_id}",
                            "created_at": reviewed, "updated_at": reviewed, "submitted_at": reviewed,
                            "reviewed_at": reviewed, "reviewer_id": author_id, "late": False,
                            "results": "Đã triển khai theo kế hoạch." if k % 3 == 0 else None})
            approvals.append(Approval(update_id, state, percent, as_of, (reviewed + timedelta(hours=7)).date(), reviewed))
            update_id += 1
        for s in spans(approvals):
            status_rows.append({"commitment_id": cid, "party_id": pid, "update_id": s.update_id,
                                "state": s.report.state.value, "percent": s.report.percent,
                                "report_as_of": s.report.as_of, "done_on": s.report.completed_on,
                                "effective_from": s.effective_from, "effective_to": s.effective_to})
        if len(updates) >= BATCH * 5:
            _insert(ProgressUpdate.__table__, updates)
            written += len(updates)
            updates = []
            echo(f"updates {written}")
    _insert(ProgressUpdate.__table__, updates)
    written += len(updates)
    _insert(SideStatus.__table__, status_rows)
    echo(f"updates {written}, side-status spans {len(status_rows)}")
    from tracker.status.cache import invalidate

    invalidate()  # bulk inserts bypass the ORM: cached figures are stale now
    sync_sequences()
    if db.engine.dialect.name == "postgresql":
        db.session.commit()
    # Every table, small ones too: with autovacuum off (the bench's server) the agreements, fields,
    # parties and agencies of h_bench were never analysed and were estimated at a tenth of their
    # rows (602 parties planned as 110), so the bench's plans were not production's.
    db.session.execute(db.text("ANALYZE"))
    return {"provinces": len(provinces), "agencies": len(agencies), "agreements": len(agreements),
            "commitments": len(commitments), "updates": written}


EXPLICIT_IDS = (Province, Agency, Agreement, AgreementParty, CooperationArea, Commitment, Assignment, ProgressUpdate)


def sync_sequences() -> None:
    """PostgreSQL: move each id sequence past the ids written explicitly above. Without it the
    next row made through the app takes id 1 again and fails (duplicate key). SQLite needs nothing."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for model in EXPLICIT_IDS:
        table = model.__tablename__
        db.session.execute(db.text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # nosec B608 # table names from the models
            f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))"))


@click.command("demo-data")
@click.option("--scale", default=1.0, type=click.FloatRange(0.00001, 1.0), show_default=True,
              help="Fraction of the national-scale dataset.")
def demo_data_command(scale: float) -> None:
    """Add the national-scale generated dataset (34 provinces, 300 agreements, 1,000,000 updates)."""
    counts = generate(scale, echo=click.echo)
    db.session.commit()
    click.echo("demo-data: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
