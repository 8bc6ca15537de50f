"""Reminders: who is told what and when, the daily digest, and running the job twice or at once.

The seeded agreement (TN-BG-2023) reports half-yearly and yearly; both 2026-H2 and the
year 2026 end on Monday 14/12/2026, so both are due on Wednesday 16/12/2026 and the
default reminders ([5, 1] days before) fall on 11/12 and 15/12.
"""
from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from tests.factories import agreement, make_update, make_user, officer_commitment, user
from tracker import clock, tasks
from tracker.extensions import db
from tracker.models import (
    Agency,
    Assignment,
    Commitment,
    CooperationArea,
    Notification,
    OutboxMail,
    PeriodClosure,
    User,
)
from tracker.queries.compliance import MISSING, obligations
from tracker.queries import notifications as notification_queries
from tracker.queries import reminders as planned
from tracker.services import mail, progress, reminders
from tracker.status.periods import find
from tracker.views.notifications import send_command

DEADLINE = date(2026, 12, 16)
FIVE_BEFORE = date(2026, 12, 11)
ONE_BEFORE = date(2026, 12, 15)
DAY_AFTER = date(2026, 12, 17)
QUIET_DAY = date(2026, 12, 12)  # no reminder day, nothing overdue
REPORT_DAY = date(2026, 11, 25)  # the day the tests' updates are written (clock.today is fixed to it)


# --- The rules, without a database --------------------------------------------------------

@pytest.mark.parametrize(
    "today, remind_days, expected",
    [
        (FIVE_BEFORE, [5, 1], 5),
        (ONE_BEFORE, [5, 1], 1),
        (date(2026, 12, 14), [5, 1], None),
        (DEADLINE, [5, 1], None),
        (DEADLINE, [0], 0),
        (DAY_AFTER, [5, 1, -1], None),  # after the deadline it is overdue, never "due in -1 days"
        (date(2026, 12, 6), [10], 10),
        (FIVE_BEFORE, [], None),
        (FIVE_BEFORE, None, None),
    ],
)
def test_reminder_day(today, remind_days, expected):
    assert reminders.reminder_day(DEADLINE, today, remind_days) == expected


@pytest.mark.parametrize(
    "today, closed, expected",
    [(DEADLINE, False, False), (DAY_AFTER, False, True), (DAY_AFTER, True, False), (FIVE_BEFORE, False, False)],
)
def test_is_overdue(today, closed, expected):
    assert reminders.is_overdue(DEADLINE, today, closed) is expected


@pytest.mark.parametrize(
    "key, parts",
    [
        (reminders.due_key(1, "2026-H2", 79, 5), reminders.KeyParts("due_soon", 1, "2026-H2", 79, 5)),
        (reminders.overdue_key(1, "2026-Y", 79), reminders.KeyParts("overdue", 1, "2026-Y", 79)),
        (reminders.returned_key(12), reminders.KeyParts("returned", update_id=12)),
        (reminders.review_key(12), reminders.KeyParts("review", update_id=12)),
        ("due:1:2026-H2:x:5", None),
        ("something:else", None),
        ("", None),
    ],
)
def test_dedupe_keys_round_trip(key, parts):
    assert reminders.parse_dedupe_key(key) == parts


def test_dedupe_key_formats():
    assert reminders.due_key(1, "2026-H2", 79, 5) == "due:1:2026-H2:79:5"
    assert reminders.overdue_key(1, "2026-H2", 79) == "overdue:1:2026-H2:79"
    assert reminders.returned_key(7) == "returned:7" and reminders.review_key(7) == "review:7"


@pytest.mark.parametrize(
    "label, language, expected",
    [
        ("Năm 2026", "vi", "năm 2026"),
        ("6 tháng cuối năm 2026", "vi", "6 tháng cuối năm 2026"),
        ("Quý I năm 2026", "vi", "quý I năm 2026"),
        ("Second half of 2026", "en", "the second half of 2026"),
        ("Year 2026", "en", "year 2026"),
        ("Q1 2026", "en", "Q1 2026"),
        ("March 2026", "en", "March 2026"),
    ],
)
def test_period_labels_read_mid_sentence(label, language, expected):
    assert reminders.in_sentence(label, language) == expected


def test_digest_subjects():
    assert reminders.digest_subject("vi", 2, "11/12/2026") == (
        "Theo dõi hợp tác liên tỉnh — nhắc việc ngày 11/12/2026: 2 nội dung cần xử lý")
    assert reminders.digest_subject("en", 1, "11 Dec 2026").endswith("1 item needs your attention")
    assert reminders.digest_subject("en", 3, "11 Dec 2026").endswith("3 items need your attention")


def test_smtp_settings_from_the_environment():
    assert mail.settings_from({}, {}) is None
    s = mail.settings_from({}, {"TRACKER_MAIL_SERVER": "smtp.example.org", "TRACKER_MAIL_USERNAME": "bot@example.org",
                                "TRACKER_MAIL_PASSWORD": "secret"})
    assert (s.server, s.port, s.use_tls, s.sender) == ("smtp.example.org", 587, True, "bot@example.org")
    assert "secret" not in repr(s)
    s = mail.settings_from({"TRACKER_MAIL_USE_TLS": "false"},
                           {"TRACKER_MAIL_SERVER": "mx", "TRACKER_MAIL_PORT": "25", "TRACKER_MAIL_SENDER": "a@b.vn"})
    assert (s.port, s.use_tls, s.sender) == (25, False, "a@b.vn")
    with pytest.raises(ValueError):
        mail.settings_from({}, {"TRACKER_MAIL_SERVER": "mx", "TRACKER_MAIL_USE_TLS": "maybe"})
    with pytest.raises(ValueError):
        mail.settings_from({}, {"TRACKER_MAIL_SERVER": "mx", "TRACKER_MAIL_PORT": "smtp"})


# --- Helpers --------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _job_context(request, monkeypatch):
    """As the command runs: in an app context, with no mail server whatever the developer's
    environment says (the outbox only). Updates are written on REPORT_DAY."""
    for name in ("TRACKER_MAIL_SERVER", "TRACKER_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(clock, "today", lambda: REPORT_DAY)
    if "app" not in request.fixturenames:
        yield
        return
    with request.getfixturevalue("app").app_context():
        yield


def agency_id(code: str) -> int:
    return db.session.scalar(select(Agency.id).where(Agency.code == code))


def keys_of(u: User, kind: str | None = None) -> set[str]:
    stmt = select(Notification.dedupe_key).where(Notification.user_id == u.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return set(db.session.scalars(stmt))


def digests(u: User) -> list[OutboxMail]:
    return list(db.session.scalars(select(OutboxMail).where(OutboxMail.user_id == u.id).order_by(OutboxMail.id)))


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


class FakeMailer:
    sender = "nhacviec@example.gov.vn"

    def __init__(self, fail: bool = False):
        self.sent, self.fail, self.closed = [], fail, False

    def send(self, msg):
        if self.fail:
            raise mail.MailError("SMTPServerDisconnected: gone")
        self.sent.append(msg)

    def close(self):
        self.closed = True


# --- Due soon, overdue -----------------------------------------------------------------------

def test_officers_are_reminded_five_days_and_one_day_before_the_deadline(app):
    officer, coordinator = user("canbo@example.com"), user("daumoi@example.com")
    stc, ag = agency_id("TN-STC"), agreement().id

    first = tasks.send_reminders(FIVE_BEFORE)
    assert first.closed > 0  # the periods past their closing day were closed first
    assert db.session.scalar(select(PeriodClosure).where(PeriodClosure.period_key == "2026-H1")).automatic
    assert keys_of(officer) == {f"due:{ag}:2026-H2:{stc}:5", f"due:{ag}:2026-Y:{stc}:5"}
    assert {n.days for n in db.session.scalars(select(Notification).where(Notification.user_id == officer.id))} == {5}
    # due-soon reminders go to officers only; admins and viewers get nothing
    for email in ("daumoi@example.com", "admin@example.com", "lanhdao@example.com"):
        assert keys_of(user(email)) == set(), email

    [digest] = digests(officer)
    assert digest.digest_date == FIVE_BEFORE and digest.language == "vi" and digest.to_address == officer.email
    assert digest.subject == "Theo dõi hợp tác liên tỉnh — nhắc việc ngày 11/12/2026: 2 nội dung cần xử lý"
    assert "Còn 5 ngày đến hạn gửi báo cáo 6 tháng cuối năm 2026 (hạn 16/12/2026)." in digest.body
    assert "Còn 5 ngày đến hạn gửi báo cáo năm 2026 (hạn 16/12/2026)." in digest.body
    assert "Sở Tài chính tỉnh Thái Nguyên còn nhiệm vụ chưa báo cáo kỳ này." in digest.body
    assert "http://127.0.0.1:5000/my" in digest.body  # several tasks: the officer's inbox
    assert "http://127.0.0.1:5000/notifications/settings" in digest.body
    assert digest.sent_at is None and digest.error is None  # no SMTP settings: kept in the outbox
    assert first.sent == count(OutboxMail)

    tasks.send_reminders(ONE_BEFORE)
    assert keys_of(officer) >= {f"due:{ag}:2026-H2:{stc}:1", f"due:{ag}:2026-Y:{stc}:1"}
    assert [d.digest_date for d in digests(officer)] == [FIVE_BEFORE, ONE_BEFORE]
    second = digests(officer)[1]
    assert "Còn 1 ngày" in second.body and "Còn 5 ngày" not in second.body  # only what was not mailed yet
    assert keys_of(coordinator) == set()


def test_an_agency_that_has_reported_everything_is_not_reminded(app):
    officer = user("canbo@example.com")
    stc = agency_id("TN-STC")
    period = find(agreement(), "2026-H2", FIVE_BEFORE).period
    owed = [o for o in obligations(agreement().id, period) if o.agency_id == stc and o.status == MISSING]
    assert owed
    for o in owed:
        make_update(app, db.session.get(Commitment, o.commitment_id))
    tasks.send_reminders(FIVE_BEFORE)
    assert keys_of(officer) == set()
    assert digests(officer) == []


def test_overdue_reminds_officers_and_their_province_coordinator_once(app):
    officer, coordinator = user("canbo@example.com"), user("daumoi@example.com")
    bn_coordinator = make_user("daumoi.bn@example.com", "coordinator", province="BN")
    stc, ag = agency_id("TN-STC"), agreement().id

    result = tasks.send_reminders(DAY_AFTER)
    assert keys_of(officer) == {f"overdue:{ag}:2026-H2:{stc}", f"overdue:{ag}:2026-Y:{stc}"}
    assert f"overdue:{ag}:2026-H2:{stc}" in keys_of(coordinator)
    tn_agencies = {a.split(":")[3] for a in keys_of(coordinator)}
    assert all(db.session.get(Agency, int(a)).province.code == "TN" for a in tn_agencies)
    assert f"overdue:{ag}:2026-H2:{stc}" not in keys_of(bn_coordinator)  # another province's agency
    assert keys_of(bn_coordinator, "overdue")  # … but its own province's agencies, yes
    assert result.sent == 3 == len(digests(officer)) + len(digests(coordinator)) + len(digests(bn_coordinator))

    # a later day: still overdue, but once per period is enough
    again = tasks.send_reminders(date(2026, 12, 18))
    assert again.created == 0 and again.sent == 0
    # after its automatic closing (10 days after the deadline) nothing more is said
    later = tasks.send_reminders(date(2026, 12, 28))
    assert later.closed >= 2 and later.created == 0


def test_officers_of_a_merged_agency_act_for_its_successor(app):
    """An account still pointing at the old Sở Kế hoạch và Đầu tư is reminded for today's Sở Tài chính."""
    old = make_user("skhdt@example.com", "officer", agency="TN97-SKHDT")
    tasks.send_reminders(FIVE_BEFORE)
    assert f"due:{agreement().id}:2026-H2:{agency_id('TN-STC')}:5" in keys_of(old)


def test_inactive_users_get_nothing(app):
    gone = make_user("nghihuu@example.com", "officer", agency="TN-STC", active=False)
    tasks.send_reminders(FIVE_BEFORE)
    assert keys_of(gone) == set() and digests(gone) == []


# --- Returned, awaiting review ------------------------------------------------------------

def test_submitted_updates_await_the_coordinators_review_and_returns_tell_the_author(app):
    officer, coordinator, admin = user("canbo@example.com"), user("daumoi@example.com"), user("admin@example.com")
    bn_coordinator = make_user("daumoi.bn@example.com", "coordinator", province="BN")
    update = make_update(app, officer_commitment())

    tasks.send_reminders(REPORT_DAY)
    assert f"review:{update.id}" in keys_of(coordinator, "review")
    assert keys_of(admin) == set()  # admins are not notified
    assert keys_of(bn_coordinator, "review") == set()  # the update is Thái Nguyên's side
    assert keys_of(officer, "returned") == set()
    [digest] = digests(coordinator)
    assert f"[Chờ duyệt] Sở Tài chính tỉnh Thái Nguyên đã gửi báo cáo số {update.id}" in digest.body
    assert f"http://127.0.0.1:5000/updates/{update.id}" in digest.body

    progress.return_(update, coordinator, "Bổ sung số liệu giải ngân")
    db.session.commit()
    # told at the moment of the return (services.notify), in the bell and the day's digest
    assert keys_of(officer, "returned") == {f"returned:{update.id}"}
    [digest] = digests(officer)
    assert "[Bị trả lại]" in digest.body and "Lý do: Bổ sung số liệu giải ngân" in digest.body
    next_day = date(2026, 11, 26)
    assert tasks.send_reminders(next_day).created == 0  # once: the daily run does not tell it again
    assert keys_of(officer, "returned") == {f"returned:{update.id}"}


def test_a_returned_update_already_corrected_is_not_announced(app):
    officer, coordinator = user("canbo@example.com"), user("daumoi@example.com")
    commitment = officer_commitment()
    update = make_update(app, commitment)
    progress.return_(update, coordinator, "Thiếu minh chứng")
    correction = make_update(app, commitment, submit=False)
    correction.supersedes = update
    db.session.commit()
    # (the return itself was told at once, by services.notify; the daily run adds nothing)
    assert [d for d in planned.plan(REPORT_DAY) if d.kind == "returned" and d.user_id == officer.id] == []


def test_a_review_reviewed_before_the_digest_is_left_out_of_it(app):
    coordinator = make_user("daumoi2@example.com", "coordinator", province="TN", email_reminders=False)
    update = make_update(app, officer_commitment())
    tasks.send_reminders(REPORT_DAY)
    assert f"review:{update.id}" in keys_of(coordinator)
    progress.approve(update, user("daumoi@example.com"))
    coordinator.email_reminders = True
    db.session.commit()
    assert tasks.send_reminders(date(2026, 11, 26)).sent == 0
    assert digests(coordinator) == []
    assert db.session.scalar(select(Notification.mailed_on).where(Notification.user_id == coordinator.id)) is not None


# --- Restricted fields ----------------------------------------------------------------------

def _restricted_only_agency() -> int:
    """A lead agency whose missing 2026-H2 reports are all in restricted fields."""
    ag = agreement()
    restricted = set(db.session.scalars(select(CooperationArea.id).where(
        CooperationArea.agreement_id == ag.id, CooperationArea.restricted.is_(True))))
    rows = [o for o in obligations(ag.id, find(ag, "2026-H2", FIVE_BEFORE).period) if o.status == MISSING]
    by_agency: dict[int, set[bool]] = {}
    for o in rows:
        by_agency.setdefault(o.agency_id, set()).add(o.area_id in restricted)
    return next(a for a, flags in sorted(by_agency.items()) if flags == {True})


def test_restricted_fields_are_not_told_to_users_without_clearance(app):
    code = db.session.get(Agency, _restricted_only_agency()).code
    plain = make_user("thuong@example.com", "officer", agency=code)
    cleared = make_user("mat@example.com", "officer", agency=code, cleared=True)
    tasks.send_reminders(FIVE_BEFORE)
    assert keys_of(plain) == set() and digests(plain) == []
    assert keys_of(cleared, "due_soon")
    [digest] = digests(cleared)
    assert "Còn 5 ngày" in digest.body


def test_reviews_of_restricted_tasks_go_only_to_cleared_coordinators(app):
    commitment = db.session.scalar(
        select(Commitment).join(CooperationArea).join(Assignment, Assignment.commitment_id == Commitment.id)
        .where(CooperationArea.restricted.is_(True), Assignment.valid_to.is_(None), Assignment.role == "lead")
        .order_by(Commitment.id))
    update = make_update(app, commitment, email="admin@example.com")
    province = update.party.province.code
    plain = make_user("dm.thuong@example.com", "coordinator", province=province)
    cleared = make_user("dm.mat@example.com", "coordinator", province=province, cleared=True)
    tasks.send_reminders(REPORT_DAY)
    assert keys_of(cleared, "review") == {f"review:{update.id}"}
    assert keys_of(plain, "review") == set()
    assert all(commitment.title not in d.body for d in digests(plain))


# --- The digest: language, e-mail off, twice, SMTP -----------------------------------------

def test_english_users_get_an_english_digest(app):
    english = make_user("officer.bn@example.com", "officer", agency="BN-STC", language="en")
    tasks.send_reminders(FIVE_BEFORE)
    [digest] = digests(english)
    assert digest.language == "en"
    assert digest.subject == "Cooperation tracker — reminders of 11 Dec 2026: 2 items need your attention"
    assert "The report for the second half of 2026 is due in 5 days (16 Dec 2026)." in digest.body
    assert "Sở Tài chính tỉnh Bắc Ninh still has tasks to report on for this period." in digest.body
    assert "Kính gửi" not in digest.body


def test_users_with_email_off_get_the_notification_but_no_mail(app):
    quiet = make_user("khongthu@example.com", "officer", agency="TN-STC", email_reminders=False)
    result = tasks.send_reminders(FIVE_BEFORE)
    assert len(keys_of(quiet)) == 2
    assert digests(quiet) == []
    assert notification_queries.unread_count(quiet) == 2
    assert result.sent == count(OutboxMail)


def test_read_notifications_are_not_mailed(app):
    quiet = make_user("docroi@example.com", "officer", agency="TN-STC", email_reminders=False)
    tasks.send_reminders(FIVE_BEFORE)
    assert reminders.mark_all_read(quiet) == 2
    quiet.email_reminders = True
    db.session.commit()
    assert notification_queries.unread_count(quiet) == 0
    tasks.send_reminders(QUIET_DAY)
    assert digests(quiet) == []


def test_running_twice_makes_nothing_new_and_sends_no_second_digest(app):
    first = tasks.send_reminders(FIVE_BEFORE)
    notifications, mails = count(Notification), count(OutboxMail)
    assert first.created == notifications > 0 and first.sent == mails > 0
    second = tasks.send_reminders(FIVE_BEFORE)
    assert (second.closed, second.created, second.sent) == (0, 0, 0)
    assert (count(Notification), count(OutboxMail)) == (notifications, mails)


def test_the_command_prints_sent_last(app, runner):
    first = runner.invoke(send_command, ["--today", "2026-12-11"])
    assert first.exit_code == 0, first.output
    lines = first.output.splitlines()
    assert lines[-1] == f"sent: {count(OutboxMail)}" and lines[-1] != "sent: 0"
    second = runner.invoke(send_command, ["--today", "2026-12-11"])
    assert second.exit_code == 0 and second.output.splitlines()[-1] == "sent: 0"
    bad = runner.invoke(send_command, ["--today", "11/12/2026"])
    assert bad.exit_code != 0 and "--today must be YYYY-MM-DD" in bad.output


def test_the_command_refuses_a_malformed_mail_setting(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "TRACKER_MAIL_SERVER", "smtp.example.org")
    monkeypatch.setitem(app.config, "TRACKER_MAIL_USE_TLS", "perhaps")
    result = runner.invoke(send_command, ["--today", "2026-12-11"])
    assert result.exit_code != 0 and "TRACKER_MAIL_USE_TLS" in result.output
    assert count(Notification) == 0


def test_links_follow_the_base_url_setting(app, monkeypatch):
    monkeypatch.setitem(app.config, "TRACKER_BASE_URL", "https://theodoi.example.gov.vn/app/")
    tasks.send_reminders(FIVE_BEFORE)
    [digest] = digests(user("canbo@example.com"))
    assert "https://theodoi.example.gov.vn/app/my" in digest.body
    assert "https://theodoi.example.gov.vn/app/notifications/settings" in digest.body


def test_digests_go_through_smtp_when_configured(app, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            self.host, self.port, self.calls = host, port, []

        def starttls(self, context):
            self.calls.append("starttls")

        def login(self, username, password):
            self.calls.append(("login", username, password))

        def send_message(self, msg):
            sent.append((self, msg))

        def quit(self):
            self.calls.append("quit")

    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    for name, value in {"TRACKER_MAIL_SERVER": "smtp.example.org", "TRACKER_MAIL_USERNAME": "nhacviec@example.org",
                        "TRACKER_MAIL_PASSWORD": "mat-khau"}.items():
        monkeypatch.setitem(app.config, name, value)
    result = tasks.send_reminders(FIVE_BEFORE)
    assert result.sent == len(sent) > 0
    connection, msg = sent[0]
    assert (connection.host, connection.port) == ("smtp.example.org", 587)
    assert connection.calls[:2] == ["starttls", ("login", "nhacviec@example.org", "mat-khau")]
    assert connection.calls[-1] == "quit"
    assert all(c is connection for c, _ in sent)  # one connection for the whole run
    assert msg["From"] == "nhacviec@example.org" and msg["Auto-Submitted"] == "auto-generated"
    officer_mail = next(m for _, m in sent if m["To"] == "canbo@example.com")
    assert officer_mail["Subject"].startswith("Theo dõi hợp tác liên tỉnh — nhắc việc ngày 11/12/2026")
    assert "Còn 5 ngày" in officer_mail.get_content()
    assert all(d.sent_at is not None for d in digests(user("canbo@example.com")))


def test_a_failed_delivery_is_recorded_and_not_retried(app):
    mailer = FakeMailer(fail=True)
    result = tasks.send_reminders(FIVE_BEFORE, mailer=mailer)
    [digest] = digests(user("canbo@example.com"))
    assert digest.sent_at is None and "SMTPServerDisconnected" in digest.error
    assert mailer.closed and result.sent == count(OutboxMail)
    retry = FakeMailer()
    assert tasks.send_reminders(FIVE_BEFORE, mailer=retry).sent == 0 and retry.sent == []


# --- Never twice, even at once ---------------------------------------------------------------

def test_insert_new_skips_what_exists(app):
    officer = user("canbo@example.com")
    row = {"user_id": officer.id, "kind": "review", "dedupe_key": "review:999999", "commitment_id": None,
           "update_id": None, "period_key": None, "days": None, "created_at": reminders.utcnow()}
    table = Notification.__table__
    assert len(reminders.insert_new(table, [row], ("user_id", "dedupe_key"))) == 1
    assert reminders.insert_new(table, [row, dict(row, dedupe_key="review:999998")], ("user_id", "dedupe_key")) \
        and len(keys_of(officer)) == 2
    assert reminders.insert_new(table, [row], ("user_id", "dedupe_key")) == []


# Rows two real runs commit; removed again afterwards (children first).
TOUCHED = ("notifications", "outbox_mail", "period_snapshots", "period_closures", "audit_events", "reporting_schedules")


def test_two_runs_at_once_send_one_digest_each(app):
    """Two threads, each with its own app context, session and database connection, run the job
    for the same day at the same moment, on the committed seed data (outside the test's
    rolled-back transaction, which would hide each run from the other). They are cleaned up after.
    """
    with app.app_context():
        engine = db.engine
    with engine.connect() as conn:
        before = {t: conn.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {t}")).scalar_one() for t in TOUCHED}
    start = threading.Barrier(2)
    results, errors = [], []

    def run():
        with app.app_context():
            session = Session(bind=engine)
            db.session.registry.set(session)  # this thread's own session, not the test's
            try:
                start.wait(timeout=30)
                results.append(tasks.send_reminders(FIVE_BEFORE, mailer=None))
            except Exception as exc:  # noqa: BLE001  (reported below)
                errors.append(exc)
            finally:
                session.close()
                db.session.registry.clear()

    threads = [threading.Thread(target=run) for _ in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors, errors
        assert len(results) == 2
        with engine.connect() as conn:
            mails = conn.execute(select(OutboxMail.user_id, OutboxMail.digest_date)
                                 .where(OutboxMail.id > before["outbox_mail"])).all()
            made = conn.execute(select(Notification.user_id, Notification.dedupe_key)
                                .where(Notification.id > before["notifications"])).all()
            officer_id = conn.execute(select(User.id).where(User.email == "canbo@example.com")).scalar_one()
        assert mails and len(mails) == len(set(mails))  # one digest per person and day
        assert (officer_id, FIVE_BEFORE) in mails
        assert sum(r.sent for r in results) == len(mails)  # each digest counted by the one run that wrote it
        assert sum(r.created for r in results) == len(made) == len(set(made))
    finally:
        with engine.begin() as conn:
            for t in TOUCHED:
                conn.execute(text(f"DELETE FROM {t} WHERE id > :id"), {"id": before[t]})


def test_a_side_at_risk_is_told_to_its_agency_and_province_once_a_month(app):
    """Early warning joins the reminders: the lead agency's officer and the side's coordinator
    are told (in the bell, by the daily run) once a month while the side stays at risk."""
    from datetime import timedelta

    from tracker.status.cache import invalidate

    commitment = officer_commitment()
    commitment.start_date, commitment.due_date = date(2026, 6, 1), date(2027, 3, 1)
    commitment.recurring, commitment.original_due_date = False, None
    invalidate()
    db.session.commit()
    day = date(2026, 11, 26)  # 178 of 273 days gone, no report: at risk
    officer, coordinator = user("canbo@example.com"), user("daumoi@example.com")
    tasks.send_reminders(day)
    key = f"at_risk:{commitment.id}:"
    for person in (officer, coordinator):
        assert [k for k in keys_of(person, "at_risk") if k.startswith(key)], person.email
    tasks.send_reminders(day + timedelta(days=1))  # the same month: not again
    assert len([k for k in keys_of(officer, "at_risk") if k.startswith(key)]) == 1
    tasks.send_reminders(date(2026, 12, 2))  # a new month, still at risk: told again
    assert len([k for k in keys_of(officer, "at_risk") if k.startswith(key)]) == 2
    from tests.client import sign_in

    client = app.test_client()
    sign_in(client, "canbo@example.com")
    bell = client.get("/notifications").get_data(as_text=True)
    assert "Nguy cơ chậm tiến độ" in bell and f"/commitments/{commitment.id}" in bell
