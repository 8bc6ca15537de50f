"""PostgreSQL's client tools as backups run them: which ``pg_dump``/``pg_restore`` can work
with the server, the connection they are given, and their failure in one line.

No Flask; the caller (``services.backup``) passes the engine and turns ``ToolError`` into
its own error.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess  # nosec B404 # pg_dump/pg_restore run with an argument list, never a shell
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")


class ToolError(Exception):
    """A client tool is missing, too old for the server, or failed; the message is one line."""


def libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """A libpq URI for the engine's database (no password in it) and the environment carrying the password."""
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def find(name: str, server_major: int, pg_bin: str | None = None) -> str:
    """The path of ``pg_dump`` or ``pg_restore`` whose major version can work with the server.

    ``pg_bin`` (``TRACKER_PG_BIN``) wins; otherwise ``PATH``, then Debian's
    ``/usr/lib/postgresql/N/bin`` (newest first). ``pg_dump`` refuses a server newer than
    itself, so its major version must be at least the server's.
    """
    candidates = []
    if pg_bin:
        candidates.append(str(Path(pg_bin) / name))
    else:
        if found := shutil.which(name):
            candidates.append(found)
        debian = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0, reverse=True)
        candidates += [str(p) for p in debian]
    versions = []
    for candidate in candidates:
        major = tool_major(candidate)
        if major is None:
            continue
        versions.append(major)
        if major >= server_major:
            return candidate
    where = f"in {pg_bin}" if pg_bin else "on PATH or in /usr/lib/postgresql/*/bin"
    if not versions:
        raise ToolError(f"{name} not found {where}: install the PostgreSQL {server_major} client tools "
                        f"(Debian: apt-get install postgresql-client-{server_major}) or set TRACKER_PG_BIN")
    raise ToolError(f"{name} {max(versions)} cannot work with a PostgreSQL {server_major} server: install "
                    f"postgresql-client-{server_major} or newer, or set TRACKER_PG_BIN to its bin directory")


def tool_major(path: str) -> int | None:
    """The major version a PostgreSQL client tool reports (``pg_dump (PostgreSQL) 15.4`` → 15)."""
    try:
        result = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30, check=False)  # nosec B603
    except OSError:
        return None
    return parse_major(result.stdout)


def parse_major(version_line: str) -> int | None:
    match = _VERSION.search(version_line or "")
    return int(match.group(1)) if match else None


def server_major(connection) -> int:
    return int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000


def run(name: str, command: list[str], env: dict[str, str]) -> None:
    """Run the client tool ``name``; its failure as a ``ToolError`` with its last line of stderr."""
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # nosec B603
    if result.returncode != 0:
        raise ToolError(f"{name} failed: {_last_line(result.stderr)}")


def _last_line(message: str) -> str:
    lines = [line.strip() for line in (message or "").splitlines() if line.strip()]
    return lines[-1] if lines else "no message"
