#!/usr/bin/env bash
# Where ActorProxy's cycles go per request: starts the bench origin and ActorProxy with
# bench/compare.sh's configuration, drives one case with wrk while `perf record` samples the
# proxy (JIT frames named through DOTNET_PerfMapEnabled), and prints the proxy's CPU time per
# request and the hottest symbols, self and with callees. Not part of CI.
# `yarp` profiles the minimal YARP host instead, for the same figures on the peer.
# Usage: bench/profile.sh [plain|thread-action|shared-action|service|tcp|header-rule|yarp] [SECONDS] [KEEP_PERF_DATA_AS]
set -euo pipefail
cd "$(dirname "$0")/.."
CASE=${1:-thread-action}
DURATION=${2:-10}
KEEP=${3:-}
WORK=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
source bench/configs.sh

case $CASE in
  plain) port=18201 ;; thread-action) port=18202 ;; shared-action) port=18212 ;;
  service) port=18203 ;; tcp) port=18204 ;; header-rule) port=18205 ;; yarp) port=18301 ;;
  *) echo "unknown case '$CASE': plain, thread-action, shared-action, service, tcp, header-rule or yarp" >&2; exit 2 ;;
esac
directive=lua-load-per-thread
[ "$CASE" = shared-action ] && directive=lua-load

install_tools perf
dotnet build -c Release --nologo -v q src/Host >/dev/null
dotnet build -c Release --nologo -v q bench/YarpHost >/dev/null
origin_cfg > "$WORK/origin.cfg"
ADMIN=127.0.0.1:18490
echo "akka.remote.dot-netty.tcp.port = ${ADMIN#*:}" > "$WORK/actorproxy.conf"
actorproxy_conf "$directive" $(( port / 10 * 10 + 1 )) $(( port / 10 * 10 + 2 )) $(( port / 10 * 10 + 3 )) $(( port / 10 * 10 + 4 )) >> "$WORK/actorproxy.conf"
haproxy -db -f "$WORK/origin.cfg" >"$WORK/origin.log" 2>&1 & PIDS+=($!)
# W^X double-maps JIT code, which hides it from perf's symbol maps.
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
if [ "$CASE" = yarp ]; then
  bench/YarpHost/bin/Release/net10.0/YarpHost "$port" http://127.0.0.1:18000 >"$WORK/proxy.log" 2>&1 & PIDS+=($!)
else
  src/Host/bin/Release/net10.0/actorproxy run -f "$WORK/actorproxy.conf" >"$WORK/proxy.log" 2>&1 & PIDS+=($!)
fi
AP_PID=$!
wait_port 18000; wait_port "$port"

# Warm up so the profile shows tier-1 code, not the JIT.
wrk -t2 -c32 -d5s "http://127.0.0.1:$port/bench" >/dev/null
# Bytes the process allocated so far (show info), for ActorProxy only.
allocated() { [ "$CASE" = yarp ] && echo 0 || src/Host/bin/Release/net10.0/actorproxy admin --node "$ADMIN" show info | awk '/^Allocated_bytes:/ {print $2}'; }
allocated_before=$(allocated)
before=$(cpu_ticks "$AP_PID"); switches_before=$(context_switches "$AP_PID")
perf record -q -e cpu-clock -F 999 -g -p "$AP_PID" -o "$WORK/perf.data" -- sleep "$DURATION" 2>/dev/null &
perf_pid=$!
out=$(wrk -t2 -c32 -d"${DURATION}s" "http://127.0.0.1:$port/bench")
wait "$perf_pid"
after=$(cpu_ticks "$AP_PID"); switches_after=$(context_switches "$AP_PID")
allocated_after=$(allocated)
[ -z "$KEEP" ] || cp "$WORK/perf.data" "$KEEP"
requests=$(awk '/requests in/ {print $1}' <<<"$out")
printf '%s: %s requests/s; per request: proxy CPU %.1f us, %.2f context switches, %.0f bytes allocated\n' "$CASE" \
  "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
  "$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN {print t / hz * 1e6 / n}')" \
  "$(awk -v s=$((switches_after - switches_before)) -v n="$requests" 'BEGIN {print s / n}')" \
  "$(awk -v b=$((allocated_after - allocated_before)) -v n="$requests" 'BEGIN {print b / n}')"
echo; echo "--- self time by component ---"
perf report -i "$WORK/perf.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null | python3 bench/components.py
echo; echo "--- self time by library ---"
perf report -i "$WORK/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -12
echo; echo "--- self time, top 45 ---"
perf report -i "$WORK/perf.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -45
echo; echo "--- with callees, top 45 ---"
perf report -i "$WORK/perf.data" --children --sort dso,symbol --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -45
