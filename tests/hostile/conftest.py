"""Hostile input for every form, field and parameter the app has, found by walking the app.

What is enumerated (nothing here lists routes or fields by hand):
- POST routes: ``app.url_map``; the test is parametrised by endpoint at collection time.
- each route's form: every GET page is fetched as each role and its ``<form method=post>``
  elements are parsed; a form belongs to the endpoint its ``action`` resolves to (an empty
  action posts back to the page itself). The fields are whatever the HTML names: inputs,
  textareas, selects, radios, checkboxes, buttons, file inputs, the CSRF token kept.
- the role: the least privileged one whose pages show the form (signed out first, then
  officer, admin, coordinator, viewer).

``FILLERS`` gives a valid value to a field the page renders empty and the form requires
(a unique e-mail for a new account, a free working day, a percentage): only so the other
fields' hostile text can reach the database; a new field needs no line there to be tested.
"""
from __future__ import annotations

import html
import unicodedata
from collections import Counter
from datetime import date, timedelta
from functools import lru_cache
from html.parser import HTMLParser
from urllib.parse import quote_from_bytes, urlsplit

import pytest

from tracker.domain.text import clean_line, clean_text

# --- The hostile values ------------------------------------------------------------------
# Each text value carries a token (hxNN) so what it became can be found in the database.
# Bytes are sent as they are: invalid UTF-8 and a lone surrogate cannot be a Python str on
# the wire, but a broken client (or an attacker) sends those bytes.
MEGABYTE = 1024 * 1024


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


HOSTILE_VALUES: list[tuple[str, str | bytes]] = [
    ("script", '<script>alert("hx01")</script>'),
    ("html", '"><img src=x onerror=alert(1)><b>hx02</b>\'<!--'),
    ("sql", "'; DROP TABLE users; -- hx03 \" OR 1=1 /*"),
    ("sql_like", "%_\\ hx04 %' ESCAPE '"),
    ("format", "%s%n%x%(x)s {0} {__class__} {{7*7}} ${7*7} hx05"),
    ("traversal", "../../../etc/passwd hx06 ..\\..\\boot.ini"),
    ("nul", "a\x00b hx07\x00"),
    ("vertical_tab", "a\x0bb\x0cc\x1b[31m hx08\x7f\x85"),
    ("bidi", "\u202egpj.exe hx09\u202c \u2066x\u2069 \u202d"),
    ("lone_surrogate", b"\xed\xa0\x80 hx10 \xed\xbf\xbf"),
    ("invalid_utf8", b"\xc3\x28 hx11 \xff\xfe\xc0\xaf"),
    ("decomposed_vietnamese", _nfd("Thái Nguyên – Bắc Giang: hợp tác phát triển hx12")),
    ("formula", '=HYPERLINK("http://example.com/x","hx13")'),
    ("formula_at", "@SUM(1+1)*cmd|' /C calc'!A0 hx14"),
    ("crlf", "a\r\nSet-Cookie: x=1\r\n\r\n hx15"),
    ("one_megabyte", "a" * MEGABYTE + " hx16"),
    ("huge_number", str(2**64)),
    ("negative_number", "-2147483649"),
    ("float_overflow", "1e308"),
    ("date_far", "9999-12-31"),
    ("date_zero", "0000-00-00"),
    ("date_ancient", "0001-01-01"),
]
VALUE_IDS = [name for name, _ in HOSTILE_VALUES]
# What must never appear raw in a page: the markup of the two markup values.
RAW_MARKUP = ('<script>alert("hx01")', "<img src=x onerror", "<b>hx02</b>")


def as_bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def as_received(value: str | bytes) -> str:
    """What the server reads from the value's bytes (Werkzeug replaces invalid UTF-8)."""
    return as_bytes(value).decode("utf-8", "replace")


def token_of(value: str | bytes) -> str | None:
    text = as_received(value)
    at = text.find("hx")
    return text[at:at + 4] if at >= 0 and text[at + 2:at + 4].isdigit() else None


@lru_cache(maxsize=64)
def stored_forms(value: str | bytes) -> frozenset[str]:
    """What a field's text may become in the database: ``clean_text`` of what was received,
    stripped by a form, or on one line (``clean_line``). Remembered: the same values come
    back on every route."""
    received = as_received(value)
    cleaned = clean_text(received)
    return frozenset({cleaned, cleaned.strip(), clean_line(received)})


# --- Fields that need a valid value for the form to be accepted ----------------------------

def _free_working_day(n: int) -> str:
    """A Tuesday in spring 2027, a different one for every request (none is a holiday)."""
    return (date(2027, 3, 2) + timedelta(weeks=n % 14)).strftime("%d/%m/%Y")


FILLERS = {
    "email": lambda n: f"hostile{n}@example.com",
    "day": _free_working_day,
    "kind": lambda n: "day_off",
    "percent": lambda n: "40",
    "state": lambda n: "in_progress",
    "role": lambda n: "viewer",
    "new_due_date": lambda n: "2199-12-30",
}
# Password inputs are rendered empty: the signed-in account's own password fills them.
TEXT_INPUT_TYPES = {"text", "search", "email", "tel", "url", "password"}


# --- Parsing the forms of a page -------------------------------------------------------------

class Field:
    __slots__ = ("name", "kind", "value", "options", "checked", "multiple")

    def __init__(self, name, kind, value="", options=None, checked=False, multiple=False):
        self.name, self.kind, self.value = name, kind, value
        self.options, self.checked, self.multiple = options or [], checked, multiple


class Form:
    def __init__(self, attrs: dict):
        self.method = (attrs.get("method") or "get").lower()
        self.action = attrs.get("action")
        self.enctype = attrs.get("enctype") or "application/x-www-form-urlencoded"
        self.fields: list[Field] = []

    @property
    def is_post(self) -> bool:
        return self.method == "post"

    def values(self) -> dict[str, list[str]]:
        """What a browser would send for the form as rendered (first submit button only)."""
        out: dict[str, list[str]] = {}
        radios: dict[str, list[Field]] = {}
        pressed = False
        for f in self.fields:
            if f.kind == "radio":
                radios.setdefault(f.name, []).append(f)
            elif f.kind == "checkbox":
                if f.checked:
                    out.setdefault(f.name, []).append(f.value or "on")
            elif f.kind in ("submit", "button"):
                if not pressed:
                    out.setdefault(f.name, []).append(f.value)
                    pressed = True
            elif f.kind == "select":
                chosen = [v for v, selected in f.options if selected] or ([f.options[0][0]] if f.options and not f.multiple else [])
                out.setdefault(f.name, []).extend(chosen)
            elif f.kind == "file":
                continue
            else:
                out.setdefault(f.name, []).append(f.value)
        for name, group in radios.items():
            chosen = [g.value for g in group if g.checked] or [group[0].value]
            out[name] = chosen[:1]
        return out

    def names(self, kinds=None) -> list[str]:
        seen = []
        for f in self.fields:
            if f.name not in seen and (kinds is None or f.kind in kinds):
                seen.append(f.name)
        return seen


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: Field | None = None
        self._select: Field | None = None
        self._option: list | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(a)
            self.forms.append(self._form)
            return
        if self._form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            self._form.fields.append(Field(name, kind, a.get("value", ""), checked="checked" in a))
        elif tag == "button" and name and (a.get("type") or "submit").lower() == "submit":
            self._form.fields.append(Field(name, "button", a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = Field(name, "textarea", "")
            self._form.fields.append(self._textarea)
        elif tag == "select" and name:
            self._select = Field(name, "select", multiple="multiple" in a)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]
            self._select.options.append(self._option)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "option" and self._option is not None:
            self._close_option()

    def _close_option(self):
        option = self._option
        if option[0] is None:
            option[0] = option[2].strip()
        self._select.options[-1] = (option[0], option[1])
        self._option = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data
        elif self._option is not None:
            self._option[2] += data

    def close(self):
        super().close()
        for form in self.forms:
            for f in form.fields:
                if f.kind == "select":
                    f.options = [tuple(o[:2]) if isinstance(o, list) else o for o in f.options]
                if f.kind == "textarea" and f.value[:1] in ("\r", "\n"):
                    # HTML drops one line end after <textarea> (WTForms writes CRLF there)
                    f.value = f.value[2:] if f.value.startswith("\r\n") else f.value[1:]


def parse_forms(page: str) -> list[Form]:
    parser = FormParser()
    parser.feed(page)
    parser.close()
    return parser.forms


def form_path(form: Form, page_path: str) -> str:
    """Where the form posts: its action, or the page itself."""
    action = html.unescape(form.action) if form.action else page_path
    return action if action.startswith("/") else page_path


def endpoint_of(app, path: str, method: str = "POST") -> str | None:
    parts = urlsplit(path)
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(parts.path, method=method)
    except Exception:  # noqa: BLE001 - no route (404/405/redirect): not a form of this app's
        return None
    return endpoint


# --- Request bodies built from bytes ------------------------------------------------------------

def urlencoded(pairs: list[tuple[str, bytes]]) -> bytes:
    return b"&".join(_quoted(k.encode(), b"/") + b"=" + _quoted(v, b"") for k, v in pairs)


@lru_cache(maxsize=512)
def _quoted(value: bytes, safe: bytes) -> bytes:
    """Percent-encoded, remembered: the same few values (a megabyte among them, slow to
    encode byte by byte) are sent thousands of times."""
    return quote_from_bytes(value, safe=safe).encode()


def multipart(pairs: list[tuple[str, bytes]], files: list[tuple[str, bytes, bytes]], boundary: str) -> bytes:
    """``files``: (field name, file name bytes, content)."""
    b = boundary.encode()
    chunks = []
    for name, value in pairs:
        chunks.append(b"--" + b + b'\r\nContent-Disposition: form-data; name="' + name.encode() + b'"\r\n\r\n'
                      + value + b"\r\n")
    for name, filename, content in files:
        # A quoted-string, as browsers send it: backslash and quote escaped, line ends encoded.
        safe_name = (filename.replace(b"\\", b"\\\\").replace(b'"', b'\\"')
                     .replace(b"\r", b"%0D").replace(b"\n", b"%0A"))
        chunks.append(b"--" + b + b'\r\nContent-Disposition: form-data; name="' + name.encode()
                      + b'"; filename="' + safe_name + b'"\r\nContent-Type: application/pdf\r\n\r\n' + content + b"\r\n")
    chunks.append(b"--" + b + b"--\r\n")
    return b"".join(chunks)


# --- Counting, for the closing line ------------------------------------------------------------

TALLY: Counter = Counter()
SEEN: dict[str, set] = {"routes": set(), "forms": set(), "fields": set(), "query_routes": set(), "query_params": set()}


def pytest_terminal_summary(terminalreporter):
    if not TALLY:
        return
    terminalreporter.write_line(
        f"hostile input: {TALLY['form_inputs']} form inputs ({TALLY['form_requests']} requests) against "
        f"{len(SEEN['fields'])} fields in {len(SEEN['forms'])} forms on {len(SEEN['routes'])} POST routes "
        f"({TALLY['refused']} answers refused with a message, {TALLY['stored_compared']} stored texts compared); "
        f"{TALLY['query_requests']} query requests against {len(SEEN['query_params'])} parameters on "
        f"{len(SEEN['query_routes'])} GET routes; {TALLY['export_checks']} export files checked; "
        f"summed over backends"
    )


@pytest.fixture
def no_propagation(app, monkeypatch):
    """Let a crash answer 500 as in production, so every offender is listed at once."""
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
