#!/usr/bin/env bash
# A soak: MINUTES of mixed load on one ActorProxy node (plain proxy, per-thread Lua action, Lua
# service, TCP relay, four wrk clients at once against one origin), printing each minute the
# node's resident memory, open descriptors, requests served and errors; at the end the growth of
# memory after the first minute (the warm-up). Not part of CI; a 10-minute run is recorded in
# docs/benchmarks.md.
# Usage: bench/soak.sh MINUTES
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${1:-10}
source bench/common.sh

prepare
origin_cfg > "$WORK/origin.cfg"
actorproxy_conf lua-load-per-thread 18701 18702 18703 18704 > "$WORK/soak.conf"
start haproxy -db -f "$WORK/origin.cfg"
start "$AP" run -f "$WORK/soak.conf"; AP_PID=$!
for port in 18000 18701 18702 18703 18704; do wait_port "$port"; done

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$AP_PID/status"; }
fds() { ls "/proc/$AP_PID/fd" | wc -l; }

printf '%-6s %-12s %-8s %-12s %-8s\n' minute rss_kb fds requests errors
first_rss=""
total_errors=0
for minute in $(seq 1 "$MINUTES"); do
  for port in 18701 18702 18703 18704; do
    wrk -t1 -c8 -d60s "http://127.0.0.1:$port/soak" > "$WORK/wrk.$port" 2>&1 &
  done
  wait $(jobs -p | tail -4)
  requests=0; errors=0
  for port in 18701 18702 18703 18704; do
    requests=$((requests + $(awk '/requests in/ {print $1}' "$WORK/wrk.$port")))
    # wrk's socket errors and non-2xx answers both count.
    errors=$((errors + $(awk '/Socket errors/ {gsub(/[^0-9 ]/, " "); for (i = 1; i <= NF; i++) s += $i} END {print s + 0}' "$WORK/wrk.$port")))
    errors=$((errors + $(awk '/Non-2xx/ {s += $NF} END {print s + 0}' "$WORK/wrk.$port")))
  done
  total_errors=$((total_errors + errors))
  rss=$(rss_kb)
  [ "$minute" = 1 ] && first_rss=$rss
  printf '%-6s %-12s %-8s %-12s %-8s\n' "$minute" "$rss" "$(fds)" "$requests" "$errors"
done
awk -v a="$first_rss" -v b="$(rss_kb)" -v e="$total_errors" 'BEGIN {printf "after warm-up (minute 1): resident memory %+.1f%%, errors %d\n", (b - a) * 100 / a, e}'
