#!/usr/bin/env bash
# Two ActorProxy processes that differ by environment (runtime knobs: GC, thread pool, sockets)
# or by build (A_BIN, B_BIN: another actorproxy executable, such as an older commit's), driven in
# alternation on one case so that both see the same machine; prints the median requests/s and
# CPU time per request of each. Not part of CI.
# Usage: [A_BIN=…] [B_BIN=…] bench/ab.sh CASE ROUNDS "ENV_A" "ENV_B"
#   e.g. bench/ab.sh plain 5 "" "DOTNET_gcServer=0"
# CASE: plain, thread-action, shared-action, service, tcp or header-rule.
set -euo pipefail
cd "$(dirname "$0")/.."
CASE=$1; ROUNDS=$2; ENV_A=$3; ENV_B=$4
DURATION=${DURATION:-5}
WORK=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
source bench/configs.sh

case $CASE in
  plain) offset=1 ;; thread-action|shared-action) offset=2 ;; service) offset=3 ;; tcp) offset=4 ;; header-rule) offset=5 ;;
  *) echo "unknown case '$CASE': plain, thread-action, shared-action, service, tcp or header-rule" >&2; exit 2 ;;
esac
directive=lua-load-per-thread
[ "$CASE" = shared-action ] && directive=lua-load

install_tools
dotnet build -c Release --nologo -v q src/Host >/dev/null
origin_cfg > "$WORK/origin.cfg"
actorproxy_conf "$directive" 18401 18402 18403 18404 > "$WORK/a.conf"
actorproxy_conf "$directive" 18411 18412 18413 18414 > "$WORK/b.conf"
haproxy -db -f "$WORK/origin.cfg" >"$WORK/origin.log" 2>&1 & PIDS+=($!)
A_BIN=${A_BIN:-src/Host/bin/Release/net10.0/actorproxy}
B_BIN=${B_BIN:-src/Host/bin/Release/net10.0/actorproxy}
env $ENV_A "$A_BIN" run -f "$WORK/a.conf" >"$WORK/a.log" 2>&1 & PIDS+=($!); A_PID=$!
env $ENV_B "$B_BIN" run -f "$WORK/b.conf" >"$WORK/b.log" 2>&1 & PIDS+=($!); B_PID=$!
wait_port 18000; wait_port $((18400 + offset)); wait_port $((18410 + offset))

declare -A RPS CPU
run() { # $1 = a|b, $2 = port, $3 = pid
  local before after out
  before=$(cpu_ticks "$3")
  out=$(wrk -t2 -c32 -d"${DURATION}s" "http://127.0.0.1:$2/bench")
  after=$(cpu_ticks "$3")
  RPS[$1]+="$(awk '/Requests\/sec/ {print $2}' <<<"$out") "
  CPU[$1]+="$(awk -v t=$((after - before)) -v n="$(awk '/requests in/ {print $1}' <<<"$out")" -v hz="$(getconf CLK_TCK)" 'BEGIN {print t / hz * 1e6 / n}') "
}
# One warm-up each, not counted.
wrk -t2 -c32 -d3s "http://127.0.0.1:$((18400 + offset))/bench" >/dev/null
wrk -t2 -c32 -d3s "http://127.0.0.1:$((18410 + offset))/bench" >/dev/null
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 )); then run a $((18400 + offset)) "$A_PID"; run b $((18410 + offset)) "$B_PID"
  else run b $((18410 + offset)) "$B_PID"; run a $((18400 + offset)) "$A_PID"; fi
done
median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf '%s, median of %s: A [%s] %.0f requests/s, %.1f us CPU/request; B [%s] %.0f requests/s, %.1f us CPU/request; B/A %.2f\n' \
  "$CASE" "$ROUNDS" "$ENV_A" "$(median "${RPS[a]}")" "$(median "${CPU[a]}")" "$ENV_B" "$(median "${RPS[b]}")" "$(median "${CPU[b]}")" \
  "$(awk -v a="$(median "${RPS[a]}")" -v b="$(median "${RPS[b]}")" 'BEGIN {print b / a}')"
