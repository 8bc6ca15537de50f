#!/usr/bin/env bash
# System packages the app and its tests use, from Debian: Chromium (browser tests),
# LibreOffice Writer and poppler (the report's render check), Pango and fonts that cover
# Vietnamese (WeasyPrint's PDF), pg_dump/pg_restore (PostgreSQL backups), wrk (`make bench`). Installed with
# apt when missing and we are root; otherwise a note, and the tests that need them skip
# with their reason (under CI=true they fail instead).
set -euo pipefail
packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
command -v soffice >/dev/null 2>&1 || packages+=(libreoffice-writer-nogui)
command -v pdftoppm >/dev/null 2>&1 || packages+=(poppler-utils)
command -v pg_dump >/dev/null 2>&1 || packages+=(postgresql-client)  # `backup`/`restore` on PostgreSQL
command -v wrk >/dev/null 2>&1 || packages+=(wrk)  # `make bench`: the HTTP load
# (read into variables first: `grep -q` closing a pipe early trips pipefail)
libraries=$(ldconfig -p 2>/dev/null || true)
fonts=$(fc-list 2>/dev/null || true)
grep -q libpangoft2-1.0 <<<"$libraries" || packages+=(libpangoft2-1.0-0)
grep -qi "Liberation Serif" <<<"$fonts" || packages+=(fonts-liberation2)
grep -qi dejavu <<<"$fonts" || packages+=(fonts-dejavu-core)
[ ${#packages[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${packages[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}" >/dev/null
else
  echo "note: missing system packages (${packages[*]}); install them with apt for the browser and report tests" >&2
fi
