#!/usr/bin/env bash
# Two ActorProxy processes that differ by environment (runtime knobs: GC, thread pool, sockets)
# or by build (A_BIN, B_BIN: another actorproxy executable, such as an older commit's), driven in
# alternation on one case so that both see the same machine; prints the median requests/s and
# CPU time per request of each. Not part of CI.
# Usage: [A_BIN=…] [B_BIN=…] bench/ab.sh CASE ROUNDS "ENV_A" "ENV_B"
#   e.g. bench/ab.sh plain 5 "" "DOTNET_gcServer=0"
# CASE: plain, thread-action, shared-action, service, tcp, header-rule or logged (option httplog to UDP syslog).
set -euo pipefail
cd "$(dirname "$0")/.."
CASE=$1; ROUNDS=$2; ENV_A=$3; ENV_B=$4
DURATION=${DURATION:-5}
source bench/common.sh

case $CASE in
  plain) offset=1 ;; thread-action|shared-action) offset=2 ;; service) offset=3 ;; tcp) offset=4 ;; header-rule) offset=5 ;; logged) offset=6 ;;
  *) echo "unknown case '$CASE': plain, thread-action, shared-action, service, tcp, header-rule or logged" >&2; exit 2 ;;
esac
directive=lua-load-per-thread
[ "$CASE" = shared-action ] && directive=lua-load

prepare
origin_cfg > "$WORK/origin.cfg"
actorproxy_conf "$directive" 18401 18402 18403 18404 > "$WORK/a.conf"
actorproxy_conf "$directive" 18411 18412 18413 18414 > "$WORK/b.conf"
start haproxy -db -f "$WORK/origin.cfg"
[ "$CASE" = logged ] && start_syslog
start env $ENV_A "${A_BIN:-$AP}" run -f "$WORK/a.conf"; A_PID=$!
start env $ENV_B "${B_BIN:-$AP}" run -f "$WORK/b.conf"; B_PID=$!
A_PORT=$((18400 + offset)); B_PORT=$((18410 + offset))
wait_port 18000; wait_port "$A_PORT"; wait_port "$B_PORT"

declare -A RPS CPU
run() { # $1 = a|b, $2 = port, $3 = pid
  drive "$2" "$3"
  RPS[$1]+="$WRK_RPS "
  CPU[$1]+="$WRK_CPU "
}
warm_up "$A_PORT"; warm_up "$B_PORT"
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 )); then run a "$A_PORT" "$A_PID"; run b "$B_PORT" "$B_PID"
  else run b "$B_PORT" "$B_PID"; run a "$A_PORT" "$A_PID"; fi
done
printf '%s, median of %s: A [%s] %.0f requests/s, %.1f us CPU/request; B [%s] %.0f requests/s, %.1f us CPU/request; B/A %.2f\n' \
  "$CASE" "$ROUNDS" "$ENV_A" "$(median "${RPS[a]}")" "$(median "${CPU[a]}")" "$ENV_B" "$(median "${RPS[b]}")" "$(median "${CPU[b]}")" \
  "$(awk -v a="$(median "${RPS[a]}")" -v b="$(median "${RPS[b]}")" 'BEGIN {print b / a}')"
