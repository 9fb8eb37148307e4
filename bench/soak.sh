#!/usr/bin/env bash
# A soak: MINUTES of mixed load on one ActorProxy node (plain proxy, per-thread Lua action, Lua
# service, TCP relay, four wrk clients at once against one origin), printing each minute the
# node's resident memory (all of it, then its anonymous and file-backed parts: mapped code
# that is touched late counts in the second, not a leak), its managed heap, the GC's committed memory and Lua states' memory (show
# info), threads, open descriptors, requests served and errors; at the end the growth of resident
# memory from the first minute and from the middle of the run (after the warm-up). Not part of CI; a 10-minute run is recorded in
# docs/benchmarks.md.
# Usage: bench/soak.sh MINUTES  (SOAK_PORTS="18701 18702" to load only some cases: 18701 plain,
# 18702 per-thread Lua action, 18703 Lua service, 18704 TCP relay)
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${1:-10}
read -r -a PORTS <<< "${SOAK_PORTS:-18701 18702 18703 18704}"
source bench/common.sh

prepare
origin_cfg > "$WORK/origin.cfg"
# A fixed remoting port, so that each minute's line can ask the node where its memory is.
{ echo "akka.remote.dot-netty.tcp.port = 18799"; actorproxy_conf lua-load-per-thread 18701 18702 18703 18704; } > "$WORK/soak.conf"
start haproxy -db -f "$WORK/origin.cfg"
start "$AP" run -f "$WORK/soak.conf"; AP_PID=$!
for port in 18000 18701 18702 18703 18704; do wait_port "$port"; done

status_kb() { awk -v f="$1:" '$1 == f {print $2}' "/proc/$AP_PID/status"; }
rss_kb() { status_kb VmRSS; }
fds() { ls "/proc/$AP_PID/fd" | wc -l; }
threads() { awk '/^Threads:/ {print $2}' "/proc/$AP_PID/status"; }
# show info's managed heap (after the last GC) and Lua states' memory, in kB.
info_kb() { "$AP" admin --node 127.0.0.1:18799 show info | awk -v f="$1" -F': ' '$1 == f {printf "%d", $2 / 1024}'; }

printf '%-6s %-10s %-10s %-10s %-10s %-12s %-8s %-8s %-6s %-10s %-8s\n' minute rss_kb anon_kb file_kb heap_kb committed_kb lua_kb threads fds requests errors
first_rss=""; middle_rss=""; first_anon=""; middle_anon=""
total_errors=0
for minute in $(seq 1 "$MINUTES"); do
  for port in "${PORTS[@]}"; do
    wrk -t1 -c8 -d60s "http://127.0.0.1:$port/soak" > "$WORK/wrk.$port" 2>&1 &
  done
  wait $(jobs -p | tail -"${#PORTS[@]}")
  requests=0; errors=0
  for port in "${PORTS[@]}"; do
    requests=$((requests + $(awk '/requests in/ {print $1}' "$WORK/wrk.$port")))
    # wrk's socket errors and non-2xx answers both count.
    errors=$((errors + $(awk '/Socket errors/ {gsub(/[^0-9 ]/, " "); for (i = 1; i <= NF; i++) s += $i} END {print s + 0}' "$WORK/wrk.$port")))
    errors=$((errors + $(awk '/Non-2xx/ {s += $NF} END {print s + 0}' "$WORK/wrk.$port")))
  done
  total_errors=$((total_errors + errors))
  rss=$(rss_kb); anon=$(status_kb RssAnon); last_rss=$rss; last_anon=$anon
  [ "$minute" = 1 ] && { first_rss=$rss; first_anon=$anon; }
  [ "$minute" = "$(( (MINUTES + 1) / 2 ))" ] && { middle_rss=$rss; middle_anon=$anon; }
  printf '%-6s %-10s %-10s %-10s %-10s %-12s %-8s %-8s %-6s %-10s %-8s\n' "$minute" "$rss" "$anon" "$(status_kb RssFile)" "$(info_kb Heap_bytes)" "$(info_kb Gc_committed_bytes)" "$(info_kb Lua_memory_bytes)" "$(threads)" "$(fds)" "$requests" "$errors"
done
# From the minutes' own lines: a reading taken now would follow the last line's admin commands.
awk -v a="$first_rss" -v m="$middle_rss" -v b="$last_rss" -v aa="$first_anon" -v ma="$middle_anon" -v ba="$last_anon" \
  -v e="$total_errors" -v half="$(( (MINUTES + 1) / 2 ))" \
  'BEGIN {printf "resident memory %+.1f%% from minute 1, %+.1f%% from minute %d (anonymous %+.1f%%, %+.1f%%); errors %d\n",
    (b - a) * 100 / a, (b - m) * 100 / m, half, (ba - aa) * 100 / aa, (ba - ma) * 100 / ma, e}'
