#!/usr/bin/env bash
# More viewers than one dashboard holds: the importing dashboard (the writer) over the store, two
# replicas serving the read-only copy it publishes after each import, and HAProxy in front.
# Usage: deploy/start.sh     (stops everything on Ctrl-C, or when any of them stops)
#   COCKPIT_DB            the store (default data/cockpit.duckdb)
#   COCKPIT_PUBLISH       where the copies are published (default: beside the store, <store>.published)
#   COCKPIT_PROXY_BIND    where viewers connect (default 127.0.0.1:8500)
#   COCKPIT_WRITER_PORT   the writer, for imports and the head's Data and Users pages (default 8510)
#   COCKPIT_REPLICA_PORTS the replicas' ports (default "8511 8512"; deploy/haproxy.cfg names two)
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
store=${COCKPIT_DB:-data/cockpit.duckdb}
published=${COCKPIT_PUBLISH:-$store.published}
export COCKPIT_PROXY_BIND=${COCKPIT_PROXY_BIND:-127.0.0.1:8500}
writer_port=${COCKPIT_WRITER_PORT:-8510}
read -r -a replica_ports <<<"${COCKPIT_REPLICA_PORTS:-8511 8512}"
command -v haproxy >/dev/null || { echo "error: haproxy is not installed (apt-get install haproxy)" >&2; exit 2; }
[ -f "$store" ] || { echo "error: no store at $store" >&2; exit 2; }

pids=()
stop() { trap - EXIT INT TERM; kill "${pids[@]}" 2>/dev/null || true; wait || true; }
trap stop EXIT INT TERM

serve() {  # serve PORT ENV...: one dashboard on loopback
  local port=$1; shift
  env "$@" "$python" -m streamlit run dashboard.py --server.headless=true --server.address=127.0.0.1 \
    --server.port="$port" --browser.gatherUsageStats=false &
  pids+=($!)
}
healthy() {  # healthy HOST:PORT: wait until the dashboard there answers
  for _ in $(seq 1 120); do
    [ "$("$python" -c "import urllib.request as u; print(u.urlopen('http://$1/_stcore/health', timeout=2).read().decode())" 2>/dev/null)" = ok ] && return 0
    sleep 0.5
  done
  echo "error: nothing answers at $1" >&2; exit 1
}

serve "$writer_port" COCKPIT_DB="$store" COCKPIT_PUBLISH="$published"
healthy "127.0.0.1:$writer_port"
export COCKPIT_WRITER_ADDR=127.0.0.1:$writer_port
n=0
for port in "${replica_ports[@]}"; do
  n=$((n + 1))
  serve "$port" COCKPIT_REPLICA="$published"
  export "COCKPIT_REPLICA${n}_ADDR=127.0.0.1:$port"
done
for port in "${replica_ports[@]}"; do healthy "127.0.0.1:$port"; done
haproxy -db -f deploy/haproxy.cfg &
pids+=($!)
healthy "$COCKPIT_PROXY_BIND"
echo "ready: viewers at http://$COCKPIT_PROXY_BIND · imports at http://127.0.0.1:$writer_port"
wait -n
echo "one of the processes stopped; stopping the others" >&2
exit 1
