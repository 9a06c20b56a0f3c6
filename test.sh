#!/usr/bin/env bash
# Install what the tests need, then run the whole suite: lint, query, page and browser tests.
# Usage: ./test.sh [pytest options]      e.g. ./test.sh -k receivables
# Browser and report tests need Debian's chromium and CJK fonts, the deployment test HAProxy: installed here
# when run as root, otherwise skipped with a message (under CI=true a missing one fails the run).
set -uo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv || exit 1
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt || exit 1
if ! dpkg -s chromium fonts-noto-cjk fonts-wqy-microhei haproxy >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing Debian's chromium, CJK fonts and haproxy for the browser, report and deployment tests…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk \
      fonts-wqy-microhei haproxy \
      >/dev/null || { echo "error: could not install chromium, fonts-noto-cjk, fonts-wqy-microhei and haproxy" >&2; exit 1; }
  else
    echo "note: browser and report tests need chromium and fonts-noto-cjk fonts-wqy-microhei, the deployment" \
         "test haproxy (sudo apt-get install chromium fonts-noto-cjk fonts-wqy-microhei haproxy)" >&2
  fi
fi
.venv/bin/ruff check . || exit 1
.venv/bin/python -m pytest "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "error: no test ran" >&2
  exit 1
fi
exit "$status"
