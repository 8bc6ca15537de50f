"""Uploaded plan files kept between the preview and the confirmation, under a random token.

The file waits beside the upload folder (never under ``static/``, never among evidence
files, which ``fsck`` checks), with a small JSON note of who uploaded it for which
agreement; only that user can confirm it. Files older than a day are swept away.
"""
from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


@dataclass(frozen=True)
class Staged:
    token: str
    filename: str
    agreement_id: int
    data: bytes


def folder() -> Path:
    configured = current_app.config.get("PLAN_IMPORT_DIR")
    path = Path(configured) if configured else Path(current_app.config["UPLOAD_DIR"]).parent / "plan_imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _sweep(where: Path) -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for item in where.iterdir():
        if item.is_file() and item.stat().st_mtime < cutoff:
            item.unlink(missing_ok=True)


def stage(data: bytes, filename: str, user_id: int, agreement_id: int) -> str:
    where = folder()
    _sweep(where)
    token = secrets.token_urlsafe(32)
    (where / f"{token}.bin").write_bytes(data)
    note = {"user": user_id, "agreement": agreement_id, "filename": filename[:200]}
    (where / f"{token}.json").write_text(json.dumps(note), encoding="utf-8")
    return token


def load(token: str | None, user_id: int) -> Staged | None:
    """The staged file of ``token`` if this user uploaded it; None otherwise (or when swept)."""
    if not token or not _TOKEN.match(token):
        return None
    where = folder()
    try:
        note = json.loads((where / f"{token}.json").read_text(encoding="utf-8"))
        data = (where / f"{token}.bin").read_bytes()
    except (OSError, ValueError):
        return None
    if note.get("user") != user_id:
        return None
    return Staged(token, note.get("filename") or "plan.xlsx", int(note.get("agreement") or 0), data)


def discard(token: str) -> None:
    if token and _TOKEN.match(token):
        for suffix in (".bin", ".json"):
            (folder() / f"{token}{suffix}").unlink(missing_ok=True)


__all__ = ["Staged", "discard", "load", "stage"]
