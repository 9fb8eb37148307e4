#!/usr/bin/env bash
# Where ActorProxy's cycles go per request: starts the bench origin and ActorProxy with
# bench/compare.sh's configuration, drives one case with wrk while `perf record` samples the
# proxy (JIT frames named through DOTNET_PerfMapEnabled), and prints the proxy's CPU time per
# request and the hottest symbols, self and with callees. Not part of CI.
# `yarp` profiles the minimal YARP host instead, for the same figures on the peer.
# Usage: bench/profile.sh [plain|thread-action|shared-action|service|tcp|header-rule|logged|yarp] [SECONDS] [KEEP_PERF_DATA_AS]
set -euo pipefail
cd "$(dirname "$0")/.."
CASE=${1:-thread-action}
DURATION=${2:-10}
KEEP=${3:-}
source bench/common.sh

case $CASE in
  plain) port=18201 ;; thread-action) port=18202 ;; shared-action) port=18212 ;;
  service) port=18203 ;; tcp) port=18204 ;; header-rule) port=18205 ;; logged) port=18206 ;; yarp) port=18301 ;;
  *) echo "unknown case '$CASE': plain, thread-action, shared-action, service, tcp, header-rule, logged or yarp" >&2; exit 2 ;;
esac
directive=lua-load-per-thread
[ "$CASE" = shared-action ] && directive=lua-load

prepare perf
[ "$CASE" != yarp ] || build_yarp
origin_cfg > "$WORK/origin.cfg"
ADMIN=127.0.0.1:18490
echo "akka.remote.dot-netty.tcp.port = ${ADMIN#*:}" > "$WORK/actorproxy.conf"
actorproxy_conf "$directive" $(( port / 10 * 10 + 1 )) $(( port / 10 * 10 + 2 )) $(( port / 10 * 10 + 3 )) $(( port / 10 * 10 + 4 )) >> "$WORK/actorproxy.conf"
start haproxy -db -f "$WORK/origin.cfg"
# Without a syslog server every line would come back as an ICMP error.
[ "$CASE" = logged ] && start_syslog
# W^X double-maps JIT code, which hides it from perf's symbol maps.
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
if [ "$CASE" = yarp ]; then
  start "$YARP" "$port" http://127.0.0.1:18000
else
  start "$AP" run -f "$WORK/actorproxy.conf"
fi
PROXY_PID=$!
wait_port 18000; wait_port "$port"

# Warm up so the profile shows tier-1 code, not the JIT.
warm_up "$port"; warm_up "$port"
# Bytes the process allocated so far (show info), for ActorProxy only.
allocated() { [ "$CASE" = yarp ] && echo 0 || "$AP" admin --node "$ADMIN" show info | awk '/^Allocated_bytes:/ {print $2}'; }
allocated_before=$(allocated)
switches_before=$(context_switches "$PROXY_PID")
perf record -q -e cpu-clock -F 999 -g -p "$PROXY_PID" -o "$WORK/perf.data" -- sleep "$DURATION" 2>/dev/null &
perf_pid=$!
drive "$port" "$PROXY_PID"
wait "$perf_pid"
switches_after=$(context_switches "$PROXY_PID")
allocated_after=$(allocated)
[ -z "$KEEP" ] || cp "$WORK/perf.data" "$KEEP"
printf '%s: %s requests/s; per request: proxy CPU %.1f us, %.2f context switches, %.0f bytes allocated\n' "$CASE" \
  "$WRK_RPS" "$WRK_CPU" \
  "$(awk -v s=$((switches_after - switches_before)) -v n="$WRK_REQUESTS" 'BEGIN {print s / n}')" \
  "$(awk -v b=$((allocated_after - allocated_before)) -v n="$WRK_REQUESTS" 'BEGIN {print b / n}')"
echo; echo "--- self time by component ---"
perf report -i "$WORK/perf.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null | python3 bench/components.py
echo; echo "--- self time by library ---"
perf report -i "$WORK/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -12
echo; echo "--- self time, top 45 ---"
perf report -i "$WORK/perf.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -45
echo; echo "--- with callees, top 45 ---"
perf report -i "$WORK/perf.data" --children --sort dso,symbol --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -45
