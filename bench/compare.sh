#!/usr/bin/env bash
# ActorProxy side by side with HAProxy 2.6 and a minimal YARP host, on 127.0.0.1, same machine,
# same run. One origin (HAProxy's `http-request return`) serves every case; wrk drives each case
# for DURATION seconds, ROUNDS times, alternating cases; the table shows medians and ActorProxy's
# ratio to its peer, and each serving process's CPU time per request (less noisy than requests/s
# on a shared machine). `yarp-inline` is the YARP host with the I/O setting ActorProxy ships with
# (see src/Host/DataPlane/InlineIo.cs), to tell that setting's share from the rest.
# Not part of CI. Usage: bench/compare.sh [DURATION] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-5}
ROUNDS=${2:-3}
source bench/common.sh

prepare
build_yarp

origin_cfg > "$WORK/origin.cfg"
haproxy_cfg lua-load-per-thread 18101 18102 18103 18104 > "$WORK/haproxy-thread.cfg"
haproxy_cfg lua-load 18111 18112 18113 18114 > "$WORK/haproxy-shared.cfg"
actorproxy_conf lua-load-per-thread 18201 18202 18203 18204 > "$WORK/actorproxy-thread.conf"
actorproxy_conf lua-load 18211 18212 18213 18214 > "$WORK/actorproxy-shared.conf"

start_syslog
start haproxy -db -f "$WORK/origin.cfg"; ORIGIN_PID=$!
start haproxy -db -f "$WORK/haproxy-thread.cfg"; HAPROXY_THREAD_PID=$!
start haproxy -db -f "$WORK/haproxy-shared.cfg"; HAPROXY_SHARED_PID=$!
start "$AP" run -f "$WORK/actorproxy-thread.conf"; AP_THREAD_PID=$!
start "$AP" run -f "$WORK/actorproxy-shared.conf"; AP_SHARED_PID=$!
start "$YARP" 18301 http://127.0.0.1:18000; YARP_PID=$!
start "$YARP" 18302 http://127.0.0.1:18000 inline; YARP_INLINE_PID=$!

for p in 18000 18101 18111 18201 18211 18301 18302; do wait_port "$p"; done
rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$1/status"; }
declare -A RSS_IDLE=( [haproxy-thread]=$(rss $HAPROXY_THREAD_PID) [haproxy-shared]=$(rss $HAPROXY_SHARED_PID)
  [actorproxy-thread]=$(rss $AP_THREAD_PID) [actorproxy-shared]=$(rss $AP_SHARED_PID) [yarp]=$(rss $YARP_PID) [yarp-inline]=$(rss $YARP_INLINE_PID) )

# --- cases: name port process ----------------------------------------------------------------
CASES=(
  "origin 18000 $ORIGIN_PID"
  "plain/haproxy 18101 $HAPROXY_THREAD_PID" "plain/yarp 18301 $YARP_PID" "plain/actorproxy 18201 $AP_THREAD_PID"
  "plain/yarp-inline 18302 $YARP_INLINE_PID"
  "header-rule/haproxy 18105 $HAPROXY_THREAD_PID" "header-rule/actorproxy 18205 $AP_THREAD_PID"
  "logged/haproxy 18106 $HAPROXY_THREAD_PID" "logged/actorproxy 18206 $AP_THREAD_PID"
  "thread-action/haproxy 18102 $HAPROXY_THREAD_PID" "thread-action/actorproxy 18202 $AP_THREAD_PID"
  "shared-action/haproxy 18112 $HAPROXY_SHARED_PID" "shared-action/actorproxy 18212 $AP_SHARED_PID"
  "service/haproxy 18103 $HAPROXY_THREAD_PID" "service/actorproxy 18203 $AP_THREAD_PID"
  "tcp/haproxy 18104 $HAPROXY_THREAD_PID" "tcp/actorproxy 18204 $AP_THREAD_PID"
)
declare -A RPS P50 P99 CPU
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) print v/1000; else if (v ~ /ms$/) print v+0; else if (v ~ /s$/) print v*1000; else print v }'; }
for round in $(seq 1 "$ROUNDS"); do
  # Every other round runs the cases backwards, so that no case always follows the same one.
  order=("${CASES[@]}")
  if (( round % 2 == 0 )); then
    order=(); for (( i = ${#CASES[@]} - 1; i >= 0; i-- )); do order+=("${CASES[i]}"); done
  fi
  for entry in "${order[@]}"; do
    read -r name port pid <<<"$entry"
    drive "$port" "$pid"
    CPU[$name]+="$WRK_CPU "
    RPS[$name]+="$WRK_RPS "
    P50[$name]+="$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$WRK_OUT")") "
    P99[$name]+="$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$WRK_OUT")") "
  done
done
declare -A RSS_LOAD=( [haproxy-thread]=$(rss $HAPROXY_THREAD_PID) [haproxy-shared]=$(rss $HAPROXY_SHARED_PID)
  [actorproxy-thread]=$(rss $AP_THREAD_PID) [actorproxy-shared]=$(rss $AP_SHARED_PID) [yarp]=$(rss $YARP_PID) [yarp-inline]=$(rss $YARP_INLINE_PID) )

printf '\n%-26s %12s %9s %9s %11s   %s\n' "case (median of $ROUNDS)" "requests/s" "p50 ms" "p99 ms" "CPU us/req" "AP ratio"
for entry in "${CASES[@]}"; do
  read -r name _ _ <<<"$entry"
  rps=$(median "${RPS[$name]}")
  ratio=""
  if [[ $name == */actorproxy ]]; then
    for peer in haproxy yarp yarp-inline; do
      peer_name="${name%/actorproxy}/$peer"
      [[ -n ${RPS[$peer_name]:-} ]] && ratio+="$(awk -v a="$rps" -v b="$(median "${RPS[$peer_name]}")" 'BEGIN {printf "%.2fx %s", a/b, ""}')vs $peer "
    done
  fi
  printf '%-26s %12.0f %9.2f %9.2f %11.1f   %s\n' "$name" "$rps" "$(median "${P50[$name]}")" "$(median "${P99[$name]}")" "$(median "${CPU[$name]}")" "$ratio"
done
to_plain() { awk -v a="$(median "${RPS[$1/$2]}")" -v b="$(median "${RPS[plain/$2]}")" 'BEGIN {printf "%.2f", a/b}'; } # $1 = case, $2 = proxy
printf '\nper-thread action / plain: haproxy %s, actorproxy %s\n' "$(to_plain thread-action haproxy)" "$(to_plain thread-action actorproxy)"
printf 'header rule (no Lua) / plain: haproxy %s, actorproxy %s\n' "$(to_plain header-rule haproxy)" "$(to_plain header-rule actorproxy)"
printf 'access log (option httplog, UDP syslog) / plain: haproxy %s, actorproxy %s\n' "$(to_plain logged haproxy)" "$(to_plain logged actorproxy)"
printf '\nRSS MiB (idle -> under load):'
for k in haproxy-thread haproxy-shared actorproxy-thread actorproxy-shared yarp yarp-inline; do printf ' %s %s->%s;' "$k" "${RSS_IDLE[$k]}" "${RSS_LOAD[$k]}"; done
printf '\n'
