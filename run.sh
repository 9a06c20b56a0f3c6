#!/usr/bin/env bash
# Install the dashboard, build the demo store on first start, and serve the dashboard.
# Usage: ./run.sh [extra streamlit options]   (PORT=8502 ./run.sh to change the port)
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then
  echo "Creating the Python environment in .venv…"
  python3 -m venv .venv
fi
plan=$(.venv/bin/python -m pip install --quiet --disable-pip-version-check --dry-run -r requirements.txt 2>&1 \
       || echo "Would install")
if grep -q "Would install" <<<"$plan"; then
  echo "Installing the dashboard's packages (streamlit, duckdb, plotly, pandas …; a minute or two the first time)…"
  .venv/bin/python -m pip install --disable-pip-version-check --progress-bar on -r requirements.txt \
    | grep -E "^(Collecting|Successfully installed)" || true
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt  # fails loudly if anything is missing
fi
if ! dpkg -s chromium fonts-wqy-microhei >/dev/null 2>&1; then  # the monthly report's PDF is printed by chromium
  if [ "$(id -u)" = 0 ]; then
    echo "Installing Debian's chromium and a Chinese font for the monthly report (PDF)…"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei \
        >/dev/null; } || echo "note: could not install chromium fonts-wqy-microhei: the monthly report's PDF needs them"
  else
    echo "note: the monthly report's PDF needs Debian's chromium and fonts-wqy-microhei" \
         "(sudo apt-get install chromium fonts-wqy-microhei)"
  fi
fi
store="${COCKPIT_DB:-data/cockpit.duckdb}"
if [ ! -f "$store" ]; then
  echo "No store at $store yet: building the demo store (takes a few seconds)…"
  .venv/bin/python -m store demo --db "$store"
fi
echo "Serving the dashboard on http://localhost:${PORT:-8501} — log in with an account of the store"
echo "(the demo's were printed when it was built; a new password: .venv/bin/python -m store user reset-password head)"
exec .venv/bin/python -m streamlit run dashboard.py --server.port "${PORT:-8501}" "$@"
