"""Outgoing mail: SMTP settings from the environment (``TRACKER_MAIL_*``) and delivery.

Without ``TRACKER_MAIL_SERVER`` nothing leaves the machine: the caller keeps the mail in
the outbox table (``OutboxMail``) for administrators to read. No database access here.
"""
from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol

DEFAULT_PORT = 587
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class MailError(RuntimeError):
    """A message could not be handed to the SMTP server; the text says why."""


@dataclass(frozen=True)
class SmtpSettings:
    server: str
    port: int = DEFAULT_PORT
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    use_tls: bool = True  # STARTTLS on 587/25; port 465 always uses implicit TLS
    sender: str = ""


def _flag(name: str, value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{name} must be true or false, got {value!r}")


def settings_from(config: Mapping | None = None, environ: Mapping | None = None) -> SmtpSettings | None:
    """The SMTP settings, ``config`` (the app's) first, then the environment; None without a server.

    ``TRACKER_MAIL_SERVER``, ``TRACKER_MAIL_PORT`` (587), ``TRACKER_MAIL_USERNAME``,
    ``TRACKER_MAIL_PASSWORD``, ``TRACKER_MAIL_USE_TLS`` (true), ``TRACKER_MAIL_SENDER``
    (the user name, else ``no-reply@<server>``). A malformed port or flag raises ``ValueError``.
    """
    config = config or {}
    environ = os.environ if environ is None else environ

    def get(name: str, default=None):
        value = config.get(name)
        if value is None or value == "":
            value = environ.get(name)
        return default if value is None or value == "" else value

    server = get("TRACKER_MAIL_SERVER")
    if not server:
        return None
    try:
        port = int(get("TRACKER_MAIL_PORT", DEFAULT_PORT))
    except ValueError:
        raise ValueError(f"TRACKER_MAIL_PORT must be a number, got {get('TRACKER_MAIL_PORT')!r}") from None
    username = get("TRACKER_MAIL_USERNAME")
    return SmtpSettings(
        server=str(server), port=port, username=username, password=get("TRACKER_MAIL_PASSWORD"),
        use_tls=_flag("TRACKER_MAIL_USE_TLS", get("TRACKER_MAIL_USE_TLS", True)),
        sender=str(get("TRACKER_MAIL_SENDER") or username or f"no-reply@{server}"),
    )


def message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text UTF-8 message marked as automatic (no out-of-office replies)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    domain = sender.rpartition("@")[2] or "localhost"
    msg["Message-ID"] = make_msgid(domain=domain)
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    msg.set_content(body, charset="utf-8")
    return msg


class Mailer(Protocol):
    sender: str

    def send(self, msg: EmailMessage) -> None: ...

    def close(self) -> None: ...


class SmtpMailer:
    """One SMTP connection, opened on the first message and reused until ``close``."""

    def __init__(self, settings: SmtpSettings, timeout: float = 30):
        self.settings = settings
        self.sender = settings.sender
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        if s.port == 465:
            smtp = smtplib.SMTP_SSL(s.server, s.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.server, s.port, timeout=self.timeout)
            if s.use_tls:
                smtp.starttls(context=context)
        if s.username:
            smtp.login(s.username, s.password or "")
        return smtp

    def send(self, msg: EmailMessage) -> None:
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.send_message(msg)
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise MailError(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


def mailer_from(config: Mapping | None = None) -> SmtpMailer | None:
    settings = settings_from(config)
    return SmtpMailer(settings) if settings else None
