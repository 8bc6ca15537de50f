#!/usr/bin/env bash
# System packages the test suite drives: Debian's Chromium (browser tests).
# Installed with apt when missing and we are root; otherwise a note, and the browser
# tests skip with their reason (under CI=true they fail instead).
set -euo pipefail
packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
fc-list 2>/dev/null | grep -qi dejavu || packages+=(fonts-dejavu-core)
[ ${#packages[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${packages[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}" >/dev/null
else
  echo "note: missing system packages (${packages[*]}); install them with apt to run the browser tests" >&2
fi
