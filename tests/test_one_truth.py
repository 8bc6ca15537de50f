"""One truth: every surface gives the numbers a naive reference computes from the raw rows.

Hypothesis builds random histories in a fresh agreement (two or three party provinces,
commitments led by one, two or three of them, reassignments, provinces joining or leaving a
lead, effective-dated extensions, some backdated or corrections from the start, approved,
returned and pending updates, approvals long after the date they speak for), picks a date,
and checks the dashboard's figures, ``dashboard.json`` and ``/api/v1/dashboard``, the dashboard page (cards, every
chart's data, every "view as table" and the list each link lands on), the status report
and its files against ``Reference`` below.

``Reference`` is written from domain.md §4 "Counting, exactly" over the rows as inserted:
it imports nothing from ``tracker.status`` or ``tracker.domain.status``. Two readings of
the definitions it makes, the engine's too:
- a report as of a date counts, among its window's events, only those recorded by the end
  of that date (an extension backdated into the window but recorded later is not counted),
  while the deadline in force on the date follows every extension effective by then.

Examples are few (the lists, pages and files are slow to make): ``derandomize`` keeps CI
reproducible; raise ``max_examples`` locally to hunt.
"""
from __future__ import annotations

import csv
import html as html_module
import io
import json
import os
import re
import unicodedata
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.client import sign_in, with_tables_open
from tests.factories import ACCOUNTS
from tracker import clock
from tracker.domain.dashboard import Filters
from tracker.domain.periods import Frequency, period_for, periods_between
from tracker.extensions import db
from tracker.models import (
    Agency,
    Agreement,
    AgreementParty,
    Assignment,
    Commitment,
    CooperationArea,
    DeadlineExtension,
    ProgressUpdate,
    Province,
    ProvinceSuccession,
    User,
)
from tracker.queries import dashboard as dashboard_queries
from tracker.queries import reports as report_queries
from tracker.status import cache as status_cache
from tracker.status import spans as status_spans

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
CATEGORIES = ("done_on_time", "done_late", "in_progress_on_time", "in_progress_overdue", "not_started", "no_report")
LABELS = {
    "done_on_time": "Hoàn thành đúng hạn", "done_late": "Hoàn thành quá hạn",
    "in_progress_on_time": "Đang thực hiện trong hạn", "in_progress_overdue": "Đang thực hiện quá hạn",
    "not_started": "Chưa triển khai", "no_report": "Chưa có báo cáo",
}
STATES = ("not_started", "in_progress", "done", "paused", "dropped")
START = date(2023, 7, 1)  # the generated agreements' first day
LAST = date(2026, 6, 30)  # no event after this: every approval lies in the past, whatever today is
FROM_THE_START = date(1, 1, 1)  # an extension that corrects a mistyped due date


# -- the raw rows, as inserted ------------------------------------------------------------------


@dataclass
class Ext:
    id: int
    effective_on: date
    new_due: date
    created_at: datetime


@dataclass
class Assign:
    id: int
    party: int
    agency: int
    role: str
    valid_from: date
    valid_to: date | None
    predecessor: int | None


@dataclass
class Upd:
    id: int
    party: int
    role: str
    status: str
    state: str
    percent: int
    as_of: date
    reviewed_at: datetime | None


@dataclass
class Com:
    id: int
    area: int
    due_date: date | None  # the column: the latest recorded due date
    original_due_date: date | None
    recurring: bool
    start: date | None = None  # the commitment's start date (its time begins then)
    exts: list[Ext] = field(default_factory=list)
    assignments: list[Assign] = field(default_factory=list)
    updates: list[Upd] = field(default_factory=list)


@dataclass
class World:
    agreement: int
    parties: dict[int, int]  # party id -> province id
    areas: dict[int, tuple[int, bool]]  # area id -> (number, restricted)
    commitments: list[Com]
    successor: dict[int, int]  # province id -> its successor (province mergers)
    codes: dict[int, str]  # province id -> code


def end_of_day(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=VIETNAM)


# -- the reference: domain.md §4, plainly ------------------------------------------------------


class Reference:
    def __init__(self, world: World, day: date):
        self.w, self.day = world, day

    # The deadline in force on a day.
    def due_on(self, c: Com, day: date) -> date | None:
        if c.recurring:
            return None
        if c.original_due_date is None:
            return c.due_date
        in_force = [e for e in c.exts if e.effective_on <= day]
        if not in_force:
            return c.original_due_date
        return max(in_force, key=lambda e: (e.effective_on, e.id)).new_due

    # The sides on a day: parties holding a lead assignment then.
    def sides(self, c: Com, day: date) -> list[int]:
        return sorted({a.party for a in c.assignments if a.role == "lead" and a.valid_from <= day
                       and (a.valid_to is None or a.valid_to >= day)})

    # A side's state: its lead's latest update approved by the end of the day (Vietnam time).
    def side_state(self, c: Com, party: int, day: date):
        known = sorted((u for u in c.updates if u.party == party and u.role == "lead" and u.status == "approved"
                        and u.reviewed_at < end_of_day(day)),
                       key=lambda u: (u.as_of, u.reviewed_at, u.id))
        if not known:
            return None
        done_since = None
        for u in known:
            if u.state == "done":
                done_since = done_since or u.as_of
            else:
                done_since = None
        last = known[-1]
        return last.state, (100 if last.state == "done" else last.percent), done_since

    def judge(self, c: Com, parties: list[int], day: date) -> tuple[str, bool]:
        """(category, open and past due) of the given sides of ``c`` on ``day``."""
        states = [self.side_state(c, p, day) for p in parties]
        reported = [s for s in states if s is not None]
        due_now = self.due_on(c, day)
        past_due = due_now is not None and day > due_now
        complete = bool(parties) and len(reported) == len(parties) and all(s[0] == "done" for s in reported)
        if complete:
            last = max(s[2] for s in reported)
            due_then = self.due_on(c, last)
            return ("done_late" if due_then is not None and last > due_then else "done_on_time"), False
        if not reported:
            return "no_report", past_due
        if past_due:
            return "in_progress_overdue", True
        if all(s[0] == "not_started" for s in reported):
            return "not_started", False
        return "in_progress_on_time", False

    # Early warning: a side not done, within its time, more than 20 points behind the share of the
    # time elapsed, or without a report once a third of the time has passed.
    def side_at_risk(self, c: Com, party: int, day: date) -> bool:
        state, due = self.side_state(c, party, day), self.due_on(c, day)
        if c.start is None or due is None or not c.start <= day <= due or (state and state[0] == "done"):
            return False
        span, elapsed = (due - c.start).days, (day - c.start).days
        if span <= 0:
            return False
        return elapsed * 3 >= span if state is None else elapsed * 100 - state[1] * span > 20 * span

    def unit_at_risk(self, c: Com, party: int | None, day: date) -> bool:
        """A commitment is at risk when any side is; under a province filter, that side."""
        return any(self.side_at_risk(c, p, day) for p in (self.sides(c, day) if party is None else [party]))

    def category(self, c: Com, day: date | None = None) -> tuple[str, bool]:
        day = day or self.day
        return self.judge(c, self.sides(c, day), day)

    def side_category(self, c: Com, party: int, day: date | None = None) -> tuple[str, bool]:
        return self.judge(c, [party], day or self.day)

    def lineage(self, province: int) -> set[int]:
        found, grew = {province}, True
        while grew:
            more = {p for p, s in self.w.successor.items() if s in found} - found
            grew = bool(more)
            found |= more
        return found

    def today_code(self, province: int) -> str:
        seen = {province}
        while province in self.w.successor and self.w.successor[province] not in seen:
            province = self.w.successor[province]
            seen.add(province)
        return self.w.codes[province]

    def visible(self, cleared: bool) -> list[Com]:
        return [c for c in self.w.commitments if cleared or not self.w.areas[c.area][1]]

    # The units a figure counts: whole commitments, or one province's sides.
    def units(self, cleared: bool, province: int | None, day: date | None = None):
        """(commitment, party or None, category, open past due) for each counted unit."""
        day = day or self.day
        out = []
        for c in self.visible(cleared):
            if province is None:
                out.append((c, None, *self.category(c, day)))
            else:
                wanted = self.lineage(province)
                for p in self.sides(c, day):
                    if self.w.parties[p] in wanted:
                        out.append((c, p, *self.side_category(c, p, day)))
        return out

    def figures(self, cleared: bool, province: int | None) -> dict:
        units = self.units(cleared, province)
        categories = Counter(cat for _, _, cat, _ in units)
        deadlines = {"open_past_due": sum(1 for u in units if u[3]),
                     "without_report": sum(1 for u in units if u[3] and u[2] == "no_report"),
                     "done_late": categories["done_late"]}
        wanted = self.lineage(province) if province else None
        by_field = Counter()
        sides = defaultdict(Counter)
        percents = defaultdict(list)
        for c in self.visible(cleared):
            for p in self.sides(c, self.day):
                if wanted is None or self.w.parties[p] in wanted:
                    cat, _ = self.side_category(c, p)
                    by_field[(c.area, self.w.parties[p], cat)] += 1
                    sides[self.today_code(self.w.parties[p])][cat] += 1
                    state = self.side_state(c, p, self.day)
                    percents[(c.area, self.w.parties[p])].append(None if state is None else state[1])
        return {
            "total": len(units), "categories": {k: categories[k] for k in CATEGORIES}, "deadlines": deadlines,
            "at_risk": sum(1 for c, party, _, _ in units if self.unit_at_risk(c, party, self.day)),
            "by_field": {k: v for k, v in by_field.items() if v},
            # The heat map: mean percent of the sides that reported (None, never 0, when none did).
            "heat": {k: (round(sum(x for x in v if x is not None) / len([x for x in v if x is not None]), 1)
                         if any(x is not None for x in v) else None, len([x for x in v if x is not None]))
                     for k, v in percents.items()},
            "sides": {code: {"total": sum(t.values()), "categories": {k: t[k] for k in CATEGORIES}}
                      for code, t in sides.items()},
        }

    def over_time(self, cleared: bool, province: int | None) -> list[tuple[date, int, int, int]]:
        """(cut-off, total, done, open past due) at each half-year cut-off up to the day, in the
        figures' unit: whole commitments, or under a province filter that province's sides."""
        out = []
        for p in periods_between([Frequency.HALF_YEAR], START, self.day):
            if p.end > self.day:
                continue
            units = self.units(cleared, province, p.end)
            out.append((p.end, len(units), sum(1 for _, _, cat, _ in units if cat.startswith("done")),
                        sum(1 for *_, o in units if o)))
        return out

    def slice(self, cleared: bool, params: dict) -> int:
        """How many units a drill-down link's slice holds, by the definitions."""
        day = date.fromisoformat(params["as_of"]) if "as_of" in params else self.day
        province = int(params["province"]) if "province" in params else None
        n = 0
        for c, _party, cat, open_past_due in self.units(cleared, province, day):
            if "area" in params and c.area != int(params["area"]):
                continue
            if "field" in params and self.w.areas[c.area][0] != int(params["field"]):
                continue
            if "category" in params and cat != params["category"]:
                continue
            if params.get("overdue") == "1" and not open_past_due:
                continue
            if params.get("risk") == "at_risk" and not self.unit_at_risk(c, _party, day):
                continue
            if "agency" in params:
                # it leads on the day (the panel's link carries role=lead): as the assignments were then
                held = [a for a in c.assignments if a.agency == int(params["agency"])
                        and (params.get("role") != "lead" or (a.role == "lead" and a.valid_from <= day
                                                              and (a.valid_to is None or a.valid_to >= day)))]
                if not held:
                    continue
            n += 1
        return n

    # The report's in-window counts: events dated inside the half-year window up to the day.
    def window(self) -> tuple[date, date]:
        return period_for(Frequency.HALF_YEAR, self.day).start, self.day

    def in_window(self, cleared: bool) -> tuple[int, int]:
        first, last = self.window()
        known_by = end_of_day(last)
        updates = changes = 0
        for c in self.visible(cleared):
            updates += sum(1 for u in c.updates if u.status == "approved" and first <= u.as_of <= last
                           and u.reviewed_at < known_by)
            changes += sum(1 for e in c.exts if first <= e.effective_on <= last and e.created_at < known_by)
            changes += sum(1 for u in c.updates if u.status == "returned"
                           and end_of_day(first - timedelta(days=1)) <= u.reviewed_at < known_by)
            changes += sum(1 for a in c.assignments if a.predecessor is not None and first <= a.valid_from <= last)
        return updates, changes


# -- building a world in the test database -----------------------------------------------------


def _province(code: str, name: str) -> Province:
    found = db.session.scalar(select(Province).where(Province.code == code))
    if found is None:
        found = Province(code=code, name=name, valid_from=date(1997, 1, 1))
        db.session.add(found)
        for i, kind in enumerate(("Sở Tài chính", "Sở Xây dựng", "Sở Công Thương")):
            db.session.add(Agency(code=f"{code}-X{i}", province=found, name=f"{kind} tỉnh {name[5:]}",
                                  kind="department", valid_from=date(1997, 1, 1)))
        db.session.flush()
    return found


def _agencies(province: Province) -> list[int]:
    return list(db.session.scalars(select(Agency.id).where(Agency.province_id == province.id)
                                   .order_by(Agency.code).limit(4)))


dates = st.dates(START, LAST)


@st.composite
def histories(draw):
    """A plan of rows (no database yet): parties, fields, commitments and their histories."""
    others = draw(st.sampled_from([("BN",), ("BG97",), ("BN", "LS"), ("BG97", "LS"), ("LS",)]))
    parties = ("TN",) + others
    n_areas = draw(st.integers(1, 3))
    restricted = draw(st.sampled_from([None] + list(range(n_areas))))
    commitments = []
    for i in range(draw(st.integers(3, 7))):
        kind = draw(st.sampled_from(["due", "due", "due", "recurring", "none"]))
        due = draw(dates) if kind == "due" else None
        exts = []
        if due is not None:
            effective, created, current = START, START, due
            for _ in range(draw(st.integers(0, 2))):
                correction = not exts and draw(st.booleans()) and draw(st.booleans())
                effective = FROM_THE_START if correction else draw(st.dates(effective, LAST))
                created = max(created, effective if not correction else START) + timedelta(
                    days=draw(st.sampled_from([0, 0, 3, 45, 200])))  # > 0: recorded later, backdated
                current = current + timedelta(days=draw(st.integers(1, 400)))
                exts.append((effective, current, min(created, LAST), draw(st.integers(0, 23))))
        leaders = draw(st.lists(st.sampled_from(range(len(parties))), min_size=1, max_size=len(parties), unique=True))
        leads = []
        for p in leaders:
            begin = START if draw(st.integers(0, 5)) else draw(dates)  # sometimes a province joins later
            chain = [(begin, draw(st.integers(0, 3)))]
            if draw(st.booleans()):  # reassigned
                chain.append((draw(st.dates(begin + timedelta(days=1), LAST)), draw(st.integers(0, 3))))
            stop = draw(st.dates(chain[-1][0], LAST)) if draw(st.integers(0, 6)) == 0 else None  # leaves the lead
            updates = []
            for _ in range(draw(st.integers(0, 4))):
                as_of = draw(dates)
                updates.append((draw(st.sampled_from(["approved"] * 6 + ["returned", "submitted"])),
                                draw(st.sampled_from(STATES)), draw(st.integers(0, 100)), as_of,
                                draw(st.sampled_from([0, 0, 1, 2, 10, 60, 300])),  # late approvals
                                draw(st.integers(0, 23))))
            leads.append((p, chain, stop, updates))
        supports = draw(st.lists(st.sampled_from(range(len(parties))), max_size=2, unique=True))
        support_updates = draw(st.integers(0, 1))
        commitments.append((i % n_areas, due, kind == "recurring", exts, leads, supports, support_updates))
    return parties, n_areas, restricted, commitments


def build(plan, admin: User) -> World:
    parties_codes, n_areas, restricted, plan_commitments = plan
    names = {"TN": "Tỉnh Thái Nguyên", "BN": "Tỉnh Bắc Ninh", "BG97": "Tỉnh Bắc Giang", "LS": "Tỉnh Lạng Sơn"}
    provinces = [_province(code, names[code]) for code in parties_codes]
    key = uuid.uuid4().hex[:8]
    agreement = Agreement(code=f"PT-{key}", title=f"Thỏa thuận thử nghiệm {key}", period_start=START,
                          period_end=date(2026, 12, 31))
    for position, province in enumerate(provinces, start=1):
        agreement.parties.append(AgreementParty(province=province, position=position))
    for n in range(n_areas):
        agreement.areas.append(CooperationArea(number=n + 1, name=f"Lĩnh vực thử {n + 1}", restricted=n == restricted))
    db.session.add(agreement)
    db.session.flush()
    party_ids = [p.id for p in agreement.parties]
    pools = [_agencies(p) for p in provinces]
    coms = []
    for j, (area_index, due, recurring, exts, leads, supports, support_updates) in enumerate(plan_commitments):
        area = agreement.areas[area_index]
        start = START if due is not None and not recurring else None  # its time runs from the agreement's start
        c = Commitment(area=area, code=f"{area.number}.{j + 1}", title=f"Nhiệm vụ thử {j + 1}", recurring=recurring,
                       due_date=exts[-1][1] if exts else due, original_due_date=due if exts else None,
                       start_date=start)
        db.session.add(c)
        db.session.flush()
        com = Com(c.id, area.id, c.due_date, c.original_due_date, recurring, start)
        for effective, new_due, created, hour in exts:
            e = DeadlineExtension(commitment_id=c.id, old_due_date=None, new_due_date=new_due, reason="Gia hạn thử",
                                  actor_id=admin.id, effective_on=effective,
                                  created_at=datetime.combine(created, time(hour), tzinfo=timezone.utc))
            db.session.add(e)
            db.session.flush()
            com.exts.append(Ext(e.id, effective, new_due, e.created_at))

        def assign(party_index, agency_index, role, valid_from, valid_to, predecessor=None):
            pool = pools[party_index]
            a = Assignment(commitment_id=c.id, party_id=party_ids[party_index], agency_id=pool[agency_index % len(pool)],
                           role=role, agency_name=f"Cơ quan {agency_index}", valid_from=valid_from, valid_to=valid_to,
                           predecessor_id=predecessor)
            db.session.add(a)
            db.session.flush()
            com.assignments.append(Assign(a.id, a.party_id, a.agency_id, role, valid_from, valid_to, predecessor))
            return a

        def update(party_index, agency, role, status, state, percent, as_of, delay, hour):
            reviewed = None
            if status != "submitted":
                reviewed = datetime.combine(min(as_of + timedelta(days=delay), LAST), time(hour), tzinfo=timezone.utc)
            u = ProgressUpdate(commitment_id=c.id, party_id=party_ids[party_index], agency_id=agency, role=role,
                               author_id=admin.id, status=status, state=state,
                               percent=100 if state == "done" else percent, as_of=as_of,
                               form_token=uuid.uuid4().hex, submitted_at=reviewed or datetime.now(timezone.utc),
                               reviewed_at=reviewed, reviewer_id=admin.id if reviewed else None,
                               review_reason="Bổ sung số liệu" if status == "returned" else None,
                               reason="Lý do" if state in ("paused", "dropped") else None)
            db.session.add(u)
            db.session.flush()
            com.updates.append(Upd(u.id, u.party_id, role, status, state, u.percent, as_of, reviewed))

        for party_index, chain, stop, updates in leads:
            previous = None
            for k, (begin, agency_index) in enumerate(chain):
                end = chain[k + 1][0] - timedelta(days=1) if k + 1 < len(chain) else stop
                previous = assign(party_index, agency_index, "lead", begin, end, previous.id if previous else None)
            for status, state, percent, as_of, delay, hour in updates:
                update(party_index, previous.agency_id, "lead", status, state, percent, as_of, delay, hour)
        for party_index in supports:
            a = assign(party_index, 3, "support", START, None)
            for _ in range(support_updates):  # a co-operating agency's report counts in the window, never in status
                update(party_index, a.agency_id, "support", "approved", "done", 100, LAST - timedelta(days=30), 1, 3)
        status_spans_refresh(c.id, party_ids)
        coms.append(com)
    status_cache.invalidate()
    db.session.commit()
    successor = dict(db.session.execute(select(ProvinceSuccession.predecessor_id, ProvinceSuccession.successor_id)).all())
    codes = dict(db.session.execute(select(Province.id, Province.code)).all())
    return World(agreement.id, {p.id: p.province_id for p in agreement.parties},
                 {a.id: (a.number, a.restricted) for a in agreement.areas}, coms, successor, codes)


def status_spans_refresh(commitment_id: int, party_ids: list[int]) -> None:
    for party_id in party_ids:
        status_spans.refresh_side(commitment_id, party_id)


# -- reading the surfaces ------------------------------------------------------------------------


class Clients:
    """One signed-in test client per account, kept for the whole test (sign-in is slow)."""

    def __init__(self, app):
        self.app, self.clients = app, {}

    def __call__(self, role: str):
        if role not in self.clients:
            client = self.app.test_client()
            assert sign_in(client, ACCOUNTS[role].email).status_code == 302
            self.clients[role] = client
        return self.clients[role]


def page_figures(client, page: str) -> dict:
    """The figures the page fetches (#dashboard-figures' data-src)."""
    src = re.search(r'id="dashboard-figures" data-src="([^"]+)"', page).group(1)
    return json.loads(client.get(html_module.unescape(src)).get_data(as_text=True))


def found(client, link: str) -> int:
    html = client.get(link).get_data(as_text=True)
    return int(re.search(r"Tìm thấy ([\d.]+) nhiệm vụ", html).group(1).replace(".", ""))


def query(link: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(html_module.unescape(link)).query).items()}


def strip(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html_module.unescape(fragment)).split())


def shown_count(text: str) -> int | None:
    """The count a link shows: "12", "12/40 · 30 %", "trong đó chưa có báo cáo: 3"; None for names and labels."""
    if m := re.fullmatch(r"([\d.]+)", text):
        return int(m.group(1).replace(".", ""))
    if m := re.search(r"(?:^|\s)([\d.]+)/[\d.]+ · ", text):
        return int(m.group(1).replace(".", ""))
    if m := re.search(r": ([\d.]+)$", text):
        return int(m.group(1).replace(".", ""))
    return None


def check_dashboard(ref: Reference, world: World, clients: Clients, role: str, province: int | None, today: date,
                    data):
    cleared = role == "cleared_viewer"
    want = ref.figures(cleared, province)
    where = f"as_of={ref.day} province={province} role={role}"

    # 1. The figures as computed.
    d = dashboard_queries.build(Filters(agreement=world.agreement, as_of=ref.day, province=province), today, cleared)
    assert d.total == want["total"] and d.categories == want["categories"], where
    assert d.deadlines == want["deadlines"], where
    assert d.at_risk == want["at_risk"], where
    got_field = {(r.area_id, r.province_id, cat): n for r in d.by_field for cat, n in r.counts.items() if n}
    assert got_field == want["by_field"], where
    assert {code: {"total": s["total"], "categories": s["categories"]} for code, s in d.sides.items()} == want["sides"], where
    assert [(p.cutoff, p.total, p.done, p.open_past_due) for p in d.over_time] == ref.over_time(cleared, province), where
    assert {(r.area_id, r.province_id): (None if r.average_percent is None else round(r.average_percent, 1), r.reported)
            for r in d.by_field} == want["heat"], where

    # 2. dashboard.json.
    client = clients(role)
    qs = f"agreement={world.agreement}&as_of={ref.day.isoformat()}" + (f"&province={province}" if province else "")
    body = client.get(f"/dashboard.json?{qs}").get_json()
    assert body["total"] == want["total"] and body["categories"] == want["categories"], where
    assert body["deadlines"] == want["deadlines"], where
    assert body["at_risk"] == want["at_risk"], where
    assert body["overdue"] == want["categories"]["in_progress_overdue"] + want["categories"]["done_late"], where
    assert {code: {"total": s["total"], "categories": s["categories"]} for code, s in body["sides"].items()} == want["sides"]
    assert {(r["area_id"], r["province_id"], cat): n for r in body["by_field"] for cat, n in r["counts"].items()
            if n} == want["by_field"], where

    # 2b. The API: dashboard.json's figures from the same code, and its list finds each category's units.
    assert client.get(f"/api/v1/dashboard?{qs}").get_json() == body, where
    for category in CATEGORIES if province is None else ():
        listed = client.get(f"/api/v1/commitments?{qs}&category={category}&per_page=1").get_json()
        assert listed["total"] == ref.slice(cleared, {"as_of": ref.day.isoformat(), "category": category}), where

    # 3. The page: the field chart's bars, the trend chart's points, and every number a link shows.
    page = with_tables_open(client, client.get(f"/?{qs}").get_data(as_text=True))
    figs = page_figures(client, page)
    bars = {}
    for trace in figs["by_field"]["data"]:
        for value, link in zip(trace["x"], trace["customdata"]):
            params = query(link)
            assert params["category"] == trace["meta"]
            if value:
                bars[(int(params["area"]), int(params["province"]), params["category"])] = value
            assert value == ref.slice(cleared, params), (where, link)
    assert bars == want["by_field"], where
    heat = figs["heatmap"]["data"][0] if want["heat"] else {"z": [], "customdata": []}
    for z_row, link_row in zip(heat["z"], heat["customdata"]):
        for z, link in zip(z_row, link_row):
            if link is not None:
                params = query(link)
                assert z == want["heat"][(int(params["area"]), int(params["province"]))][0], (where, link)
    assert sum(1 for row in heat["customdata"] for link in row if link) == len(want["heat"])
    agency_bars = figs["agencies"]["data"][1] if "agencies" in figs and figs["agencies"]["data"] else {"x": []}
    for value, link in zip(agency_bars["x"], agency_bars.get("customdata", [])):
        assert value == ref.slice(cleared, query(link)), (where, link)
    points = ref.over_time(cleared, province)
    done_line, overdue_line = figs["over_time"]["data"] if points else ([], [])
    for k, (_cutoff, total, done, open_past_due) in enumerate(points):
        assert done_line["y"][k] == (round(100 * done / total, 1) if total else None), where
        assert overdue_line["y"][k] == (round(100 * open_past_due / total, 1) if total else None), where
    trend = re.search(r'aria-labelledby="chart-over-time-title".*?</section>', page, re.S).group(0)
    cells = [strip(c) for c in re.findall(r'<td class="text-end text-nowrap">(.*?)</td>', trend, re.S)]
    for k, (_cutoff, total, done, open_past_due) in enumerate(points):
        assert shown_count(cells[2 * k]) == (done if total else None), where
        assert shown_count(cells[2 * k + 1]) == (open_past_due if total else None), where
    assert len(cells) == 2 * len(points)

    headline = re.search(r'<section aria-labelledby="headline-title".*?</section>', page, re.S).group(0)
    table = re.search(r'aria-labelledby="chart-by-field-title".*?</section>', page, re.S).group(0)
    agencies = re.search(r'aria-labelledby="chart-agencies-title".*?</section>', page, re.S).group(0)
    checked, links = 0, {}
    for part in (headline, table, agencies):
        for link, text in re.findall(r'<a href="(/commitments\?[^"]*)"[^>]*>(.*?)</a>', part, re.S):
            shown = shown_count(strip(text))
            if shown is None:
                continue
            params = query(link)
            expected = ref.slice(cleared, params)
            assert shown == expected, (where, link, strip(text))
            links[link] = expected  # the chart's bars link where the table's cells do
            checked += 1
    # Every number above is the reference's; the lists behind them are slow to open, so each
    # example opens the headline's (total, overdue) and a few others hypothesis picks.
    first = list(links)[:2]
    rest = sorted(set(links) - set(first))
    picked = first + (data.draw(st.lists(st.sampled_from(rest), max_size=FOLLOW, unique=True), label="links")
                      if rest else [])
    for link in picked:
        assert found(client, html_module.unescape(link)) == links[link], (where, link)
    assert checked >= (1 + len(CATEGORIES) if want["total"] else 1)
    # The card's headline figures, as the cards print them.
    assert f"{want['total']}</a>" in headline.replace(".", "")
    return want


def check_report(ref: Reference, world: World, role: str, province: int | None, today: date):
    cleared = role == "cleared_viewer"
    agreement = db.session.get(Agreement, world.agreement)
    report = report_queries.build(report_queries.Scope(agreement=agreement, as_of=ref.day, province=province,
                                                       see_restricted=cleared), today)
    units = ref.units(cleared, province)
    want = Counter(cat for _, _, cat, _ in units)
    assert report.summary.by_category == {k: want[k] for k in CATEGORIES}
    assert sorted(r.category for r in report.rows) == sorted(cat for _, _, cat, _ in units)
    by_code = {r.code: r.category for r in report.rows}
    codes = {c.id: db.session.get(Commitment, c.id).code for c in world.commitments}
    if province is None:
        assert by_code == {codes[c.id]: cat for c, _, cat, _ in units}
    # By province: each party's sides.
    per_province = defaultdict(Counter)
    for c in ref.visible(cleared):
        for p in ref.sides(c, ref.day):
            if province is None or world.parties[p] in ref.lineage(province):
                per_province[world.parties[p]][ref.side_category(c, p)[0]] += 1
    order = [pid for pid in world.parties.values() if pid in per_province]
    assert [c.by_category for _, c in report.by_province] == [{k: per_province[pid][k] for k in CATEGORIES}
                                                               for pid in order]
    assert (len(report.updates), len(report.changes)) == ref.in_window(cleared)
    return report, units


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


def check_exports(ref: Reference, world: World, clients: Clients, role: str, province: int | None, report, units):
    from docx import Document
    from openpyxl import load_workbook
    from pypdf import PdfReader

    cleared = role == "cleared_viewer"
    client = clients(role)
    qs = f"agreement={world.agreement}&as_of={ref.day.isoformat()}" + (f"&province={province}" if province else "")
    summary = [report.summary.get(k) for k in CATEGORIES]
    categories = sorted(LABELS[cat] for _, _, cat, _ in units)
    updates, changes = ref.in_window(cleared)

    def download(fmt):
        with client.get(f"/reports/status.{fmt}?{qs}") as response:
            assert response.status_code == 200, fmt
            return response.get_data()

    # XLSX: the summary's counts by category, by province, and the annex's status column.
    book = load_workbook(io.BytesIO(download("xlsx")))
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    counted = {r[0]: r[1] for r in rows if r and r[0] in LABELS.values()}
    assert [counted[LABELS[k]] for k in CATEGORIES] == summary
    total_row = next(r for r in rows if r and r[0] == "Tổng số")
    assert total_row[1] == len(units)
    by_province = rows[next(i for i, r in enumerate(rows) if r and r[0] == "Theo tỉnh (lượt tỉnh chủ trì)") + 1:]
    assert [list(r[1:8]) for r in by_province[:len(report.by_province)]] == [
        [c.by_category[k] for k in CATEGORIES] + [c.total] for _, c in report.by_province]
    annex = [list(r) for r in book.worksheets[1].iter_rows(values_only=True)]
    status = annex[0].index("Tình trạng")
    assert sorted(r[status] for r in annex[1:] if r and r[0] is not None) == categories
    assert len([r for r in book.worksheets[2].iter_rows(values_only=True)]) - 1 == updates
    assert len([r for r in book.worksheets[3].iter_rows(values_only=True)]) - 1 == changes
    book.close()

    # CSV: one line per unit, the status as the annex says.
    lines = list(csv.reader(io.StringIO(download("csv").decode("utf-8-sig"))))
    status = lines[0].index("Tình trạng")
    assert sorted(r[status] for r in lines[1:]) == categories

    # DOCX: Bảng 1's last row ("Chung") and the in-window sentence; the annex's status column.
    document = Document(io.BytesIO(download("docx")))
    text = norm("\n".join(p.text for p in document.paragraphs))
    assert f"Trong kỳ có {updates} báo cáo tiến độ được phê duyệt và {changes} lượt điều chỉnh" in text.replace(".", "")
    table1 = next(t for t in document.tables if t.rows[0].cells[0].text == "Tỉnh")
    chung = [c.text for c in table1.rows[-1].cells]
    assert chung[0] == "Chung" and [int(v.replace(".", "")) for v in chung[1:]] == summary + [len(units)]
    # Its province rows: each party's sides (check_report compared report.by_province with the reference).
    sides = [[c.by_category[k] for k in CATEGORIES] + [c.total] for _, c in report.by_province]
    assert [[int(c.text.replace(".", "")) for c in r.cells[1:]] for r in table1.rows[1:-1]] == sides
    annex_table = document.tables[-1]
    head = [c.text for c in annex_table.rows[0].cells]
    col = next(i for i, h in enumerate(head) if h.startswith("Tình trạng") or h.startswith("Kết quả, tình trạng")
               or "Tình trạng" in h)
    shown = sorted(next(label for label in sorted(LABELS.values(), key=len, reverse=True)
                        if r.cells[col].text.startswith(label)) for r in annex_table.rows[1:])
    assert shown == categories

    # PDF: the same sentence and the same "Chung" row.
    pdf = PdfReader(io.BytesIO(download("pdf")))
    ptext = norm(" ".join(page.extract_text() for page in pdf.pages))
    assert f"Trong kỳ có {updates} báo cáo tiến độ được phê duyệt và {changes} lượt điều chỉnh" in ptext.replace(".", "")
    assert "Chung " + " ".join(str(v) for v in summary + [len(units)]) in ptext.replace(".", "")


# -- the property --------------------------------------------------------------------------------

COMMON = dict(deadline=None, derandomize=True, database=None, print_blob=True,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])


def _run(app, data, exports: bool):
    admin = db.session.scalar(select(User).where(User.email == "admin@example.com"))
    world = build(data.draw(histories(), label="history"), admin)
    interesting = sorted({d for c in world.commitments for d in
                          [c.due_date, c.original_due_date, *(e.effective_on for e in c.exts if e.effective_on > START),
                           *(a.valid_from for a in c.assignments), *(a.valid_to for a in c.assignments),
                           *(u.reviewed_at.astimezone(VIETNAM).date() for u in c.updates if u.reviewed_at)]
                          if d is not None})
    day = data.draw(st.one_of(dates, st.sampled_from(interesting).flatmap(
        lambda d: st.sampled_from([d - timedelta(days=1), d, d + timedelta(days=1)]))), label="as_of")
    role = data.draw(st.sampled_from(["cleared_viewer", "viewer"]), label="role")
    provinces = [None] + sorted(set(world.parties.values()))
    today = clock.today()
    ref = Reference(world, day)
    # Report files are slow to make: one scope each (all sides, or one province's).
    scopes = [data.draw(st.sampled_from(provinces), label="scope")] if exports else [
        None, data.draw(st.sampled_from(provinces[1:]), label="province")]
    for province in scopes:
        if not exports:
            check_dashboard(ref, world, CLIENTS[app], role, province, today, data)
        report, units = check_report(ref, world, role, province, today)
        if exports:
            check_exports(ref, world, CLIENTS[app], role, province, report, units)


CLIENTS: dict = {}
FOLLOW = 5  # lists opened per dashboard besides the headline's two


@pytest.fixture
def clients(app):
    CLIENTS[app] = Clients(app)
    yield
    CLIENTS.pop(app, None)


def examples(full: int, quick: int) -> int:
    """``full`` examples, as ``make test`` and CI run; ``quick`` under ``make quick``
    (TRACKER_TEST_QUICK=1), a local run while working."""
    return quick if os.environ.get("TRACKER_TEST_QUICK") == "1" else full


@settings(max_examples=examples(8, quick=3), **COMMON)
@given(data=st.data())
def test_every_surface_agrees_with_the_definitions(app, clients, data):
    _run(app, data, exports=False)


@settings(max_examples=examples(3, quick=1), **COMMON)
@given(data=st.data())
def test_every_report_file_agrees_with_the_definitions(app, clients, data):
    _run(app, data, exports=True)


# -- the walk, on the seeded agreement -------------------------------------------------


def _seeded(code: str) -> Commitment:
    agreement = db.session.scalar(select(Agreement).where(Agreement.code == "TN-BG-2023"))
    return next(c for a in agreement.areas for c in a.commitments if c.code == code)


def _lead_of(commitment: Commitment, province_code: str) -> Assignment:
    return next(a for a in commitment.assignments if a.role == "lead" and a.valid_to is None
                and db.session.get(AgreementParty, a.party_id).province.code == province_code)


def _listed_ids(client, link: str) -> tuple[int, set[int]]:
    html = client.get(link).get_data(as_text=True)
    total = int(re.search(r"Tìm thấy ([\d.]+) nhiệm vụ", html).group(1).replace(".", ""))
    return total, {int(i) for i in re.findall(r'href="/commitments/(\d+)"', html)}


def test_the_walk_one_side_done_the_other_silent(app, login_as):
    """Commitment 3.1: Thái Nguyên's lead reported it done (approved), Bắc Ninh's has not.

    Every surface says it is not done, past its deadline ("đang thực hiện quá hạn"); the
    field chart (sides) counts Thái Nguyên's side done late and Bắc Ninh's unreported; the
    annex and the commitment's page say why; the overdue headline counts every commitment
    past its deadline and not done, reported or not; and an as-of report for a date before
    an extension uses the deadline in force then.
    """
    from tracker.services import progress

    today = clock.today()
    admin = db.session.scalar(select(User).where(User.email == "admin@example.com"))
    c31 = _seeded("3.1")
    agreement = c31.area.agreement
    lead = _lead_of(c31, "TN97")
    update = progress.create(c31, lead, admin, progress.UpdateData("done", "100", date(2025, 9, 1),
                                                                     results="Đã hoàn thành rà soát"),
                             submit=True, form_token="walk-3.1", today=today)
    progress.approve(update, admin)
    # 3.2, both sides in progress (approved in June 2025), then extended today to mid-2027.
    c32 = _seeded("3.2")
    old_due = c32.due_date
    for province_code in ("TN97", "BG97"):
        u = progress.create(c32, _lead_of(c32, province_code), admin,
                            progress.UpdateData("in_progress", "50", date(2025, 6, 1)),
                            submit=True, form_token=f"walk-3.2-{province_code}", today=today)
        progress.approve(u, admin)
        u.reviewed_at = datetime(2025, 6, 5, 3, tzinfo=timezone.utc)
        status_spans.refresh_side(u.commitment_id, u.party_id)
    progress.extend_deadline(c32, admin, date(2027, 6, 30), "Chờ bố trí vốn", today=today, effective_on=None)
    db.session.commit()

    client = login_as("viewer")
    a = agreement.id
    body = client.get(f"/dashboard.json?agreement={a}").get_json()

    # Cards (whole commitments): 3.1 is in progress overdue, not done.
    total, ids = _listed_ids(client, f"/commitments?agreement={a}&category=in_progress_overdue")
    assert c31.id in ids and total == body["categories"]["in_progress_overdue"]
    for done in ("done_on_time", "done_late"):
        total, ids = _listed_ids(client, f"/commitments?agreement={a}&category={done}")
        assert c31.id not in ids and total == body["categories"][done] == 0

    # The field chart counts sides: Thái Nguyên's side of 3.1 is done (late), Bắc Ninh's has no report.
    field3 = [r for r in body["by_field"] if r["area_id"] == c31.area_id]
    tn = next(r for r in field3 if "Thái Nguyên" in r["province_name"])
    bn = next(r for r in field3 if "Bắc Ninh" in r["province_name"])
    assert tn["counts"]["done_late"] == 1 and bn["counts"]["done_late"] == 0
    total, ids = _listed_ids(client, f"/commitments?agreement={a}&area={c31.area_id}&province={tn['province_id']}"
                                     "&category=done_late")
    assert (total, ids) == (1, {c31.id})
    total, ids = _listed_ids(client, f"/commitments?agreement={a}&area={c31.area_id}&province={bn['province_id']}"
                                     "&category=no_report")
    assert c31.id in ids and total == bn["counts"]["no_report"]
    tn_code = next(code for code, s in body["sides"].items() if s["province"] == _province("TN", "").id)
    assert body["sides"][tn_code]["categories"]["done_late"] == 1

    # The overdue headline: every visible commitment past its deadline in force today and not
    # done, reported or not; "without a report" is all of them but 3.1 (3.2 is extended).
    visible = [c for area in agreement.areas if not area.restricted for c in area.commitments]
    past_due = [c for c in visible if not c.recurring and c.due_date is not None and c.due_date < today]
    assert c31 in past_due and c32 not in past_due
    assert body["deadlines"] == {"open_past_due": len(past_due), "without_report": len(past_due) - 1,
                                 "done_late": 0}
    assert body["total"] == len(visible) and len(past_due) > 2
    total, ids = _listed_ids(client, f"/commitments?agreement={a}&overdue=1")
    assert total == len(past_due)
    page = client.get(f"/?agreement={a}").get_data(as_text=True)
    assert f"{len(past_due)}/{len(visible)} · " in page
    assert f"trong đó chưa có báo cáo: {len(past_due) - 1}" in page

    # The annex (CSV, one line per commitment): not done, each side shown, and why.
    with client.get(f"/reports/status.csv?agreement={a}") as response:
        lines = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    row = next(r for r in lines if r["Mã nhiệm vụ"] == "3.1")
    assert row["Tình trạng"] == "Đang thực hiện quá hạn"
    assert row["Theo từng tỉnh chủ trì"] == "Thái Nguyên: hoàn thành 100 % · Bắc Ninh: chưa có báo cáo"
    assert "Chưa hoàn thành vì Bắc Ninh chưa báo cáo hoàn thành" in row["Ghi chú"]
    assert row["Tỷ lệ hoàn thành (%)"] == ""  # never one merged percent where the sides differ

    # The commitment's page: not done, overdue, and Bắc Ninh's side has no approved report.
    detail = client.get(f"/commitments/{c31.id}").get_data(as_text=True)
    standing = re.search(r'class="[^"]*standing.*?</div>', detail, re.S).group(0)
    assert LABELS["in_progress_overdue"] in standing
    bn_card = re.search(r'<section class="card h-100" aria-label="Tỉnh Bắc Giang">.*?</section>', detail, re.S).group(0)
    assert "Tỉnh Bắc Ninh" in bn_card and "chưa có" in bn_card
    tn_card = re.search(r'<section class="card h-100" aria-label="Tỉnh Thái Nguyên">.*?</section>', detail, re.S).group(0)
    assert "Hoàn thành" in tn_card

    # An as-of report before today's extension judges 3.2 by the deadline in force then.
    agreement_row = db.session.get(Agreement, a)
    before = report_queries.build(report_queries.Scope(agreement=agreement_row, as_of=date(2025, 12, 31)), today)
    now = report_queries.build(report_queries.Scope(agreement=agreement_row), today)
    then32 = next(r for r in before.rows if r.code == "3.2")
    now32 = next(r for r in now.rows if r.code == "3.2")
    assert (then32.due_date, then32.category) == (old_due, "in_progress_overdue")
    assert "Gia hạn" not in then32.notes
    assert (now32.due_date, now32.category) == (date(2027, 6, 30), "in_progress_on_time")
    with client.get(f"/reports/status.csv?agreement={a}&as_of=2025-12-31") as response:
        lines = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    row = next(r for r in lines if r["Mã nhiệm vụ"] == "3.2")
    assert (row["Thời hạn"], row["Tình trạng"]) == (f"{old_due:%d/%m/%Y}", "Đang thực hiện quá hạn")
    assert row["Thời hạn ban đầu"] == ""
    total, ids = _listed_ids(client, f"/commitments?agreement={a}&category=in_progress_overdue&as_of=2025-12-31")
    assert c32.id in ids
    total, ids = _listed_ids(client, f"/commitments?agreement={a}&category=in_progress_on_time")
    assert c32.id in ids
    # The in-window sentence of the as-of report counts neither today's extension nor the
    # reassignments of July 2025 (outside the window 15/12/2025-31/12/2025).
    assert not [ch for ch in before.changes if ch.kind in ("extension", "reassignment")]


@pytest.mark.parametrize("province_code", [
    None,
    "TN",
])
def test_each_trend_point_equals_the_cards_on_its_cut_off_day(app, province_code):
    """A point of the trend chart is the dashboard as of its cut-off, with the same filters.

    Thái Nguyên's side of 3.1 reported done before the cut-off of 14/12/2025, Bắc Ninh's did
    not: with no filter the commitment is not done; filtered to Thái Nguyên, its side is.
    """
    from tracker.services import progress

    today = clock.today()
    admin = db.session.scalar(select(User).where(User.email == "admin@example.com"))
    c31 = _seeded("3.1")
    update = progress.create(c31, _lead_of(c31, "TN97"), admin, progress.UpdateData("done", "100", date(2025, 9, 1)),
                             submit=True, form_token="trend-3.1", today=today)
    progress.approve(update, admin)
    update.reviewed_at = datetime(2025, 9, 3, 3, tzinfo=timezone.utc)
    status_spans.refresh_side(update.commitment_id, update.party_id)
    db.session.commit()
    province = _province(province_code, "").id if province_code else None
    agreement = c31.area.agreement.id
    d = dashboard_queries.build(Filters(agreement=agreement, as_of=date(2026, 1, 31), province=province), today, False)
    assert d.over_time
    for point in d.over_time:
        then = dashboard_queries.build(Filters(agreement=agreement, as_of=point.cutoff, province=province), today, False)
        done = then.categories["done_on_time"] + then.categories["done_late"]
        assert (point.total, point.done, point.open_past_due) == (then.total, done, then.deadlines["open_past_due"]), \
            point.cutoff


def test_an_approval_counts_from_its_day_in_vietnam(app, login_as):
    """Approved at 17:30 UTC on 10/03/2025, i.e. 00:30 on 11/03 in Vietnam: not there on the 10th."""
    from tracker.services import progress

    today = clock.today()
    admin = db.session.scalar(select(User).where(User.email == "admin@example.com"))
    c31 = _seeded("3.1")
    for province_code in ("TN97", "BG97"):
        u = progress.create(c31, _lead_of(c31, province_code), admin, progress.UpdateData("done", "100", date(2025, 3, 1)),
                            submit=True, form_token=f"vn-day-{province_code}", today=today)
        progress.approve(u, admin)
        u.reviewed_at = datetime(2025, 3, 10, 17, 30, tzinfo=timezone.utc)
        status_spans.refresh_side(u.commitment_id, u.party_id)
    db.session.commit()
    client = login_as("viewer")
    a = c31.area.agreement_id
    before = client.get(f"/dashboard.json?agreement={a}&as_of=2025-03-10").get_json()
    after = client.get(f"/dashboard.json?agreement={a}&as_of=2025-03-11").get_json()
    assert before["categories"]["done_late"] == 0 and after["categories"]["done_late"] == 1
    _, ids = _listed_ids(client, f"/commitments?agreement={a}&category=done_late&as_of=2025-03-10")
    assert c31.id not in ids
    _, ids = _listed_ids(client, f"/commitments?agreement={a}&category=done_late&as_of=2025-03-11")
    assert c31.id in ids
