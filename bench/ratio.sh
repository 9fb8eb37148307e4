#!/usr/bin/env bash
# How much a per-thread Lua action costs each proxy relative to its plain proxying, measured so
# that the machine's drift cancels: for HAProxy and ActorProxy in turn, a short plain run and a
# short action run back to back, ROUNDS times; each pair gives one action/plain ratio, and the
# median of those ratios is printed for each proxy. Not part of CI.
# Usage: bench/ratio.sh [ROUNDS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-15}
DURATION=${2:-3}
source bench/common.sh

prepare
origin_cfg > "$WORK/origin.cfg"
haproxy_cfg lua-load-per-thread 18101 18102 18103 18104 > "$WORK/haproxy.cfg"
actorproxy_conf lua-load-per-thread 18201 18202 18203 18204 > "$WORK/actorproxy.conf"
start haproxy -db -f "$WORK/origin.cfg"
start haproxy -db -f "$WORK/haproxy.cfg"; HAPROXY_PID=$!
start "$AP" run -f "$WORK/actorproxy.conf"; AP_PID=$!
for p in 18000 18101 18102 18201 18202; do wait_port "$p"; done

for port in 18101 18102 18201 18202; do warm_up "$port"; done
declare -A RATIOS
for round in $(seq 1 "$ROUNDS"); do
  for proxy in "haproxy 18101 18102 $HAPROXY_PID" "actorproxy 18201 18202 $AP_PID"; do
    read -r name plain action pid <<<"$proxy"
    # Alternate which of the pair goes first, so that drift within a pair cancels too.
    if (( round % 2 )); then drive "$plain" "$pid"; p=$WRK_RPS; drive "$action" "$pid"; a=$WRK_RPS
    else drive "$action" "$pid"; a=$WRK_RPS; drive "$plain" "$pid"; p=$WRK_RPS; fi
    RATIOS[$name]+="$(awk -v a="$a" -v p="$p" 'BEGIN {print a / p}') "
  done
done
quartiles() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {printf "%.2f-%.2f", a[int((NR+3)/4)], a[int((3*NR+1)/4)]}'; }
for name in haproxy actorproxy; do
  printf '%-10s per-thread action / plain: median %.2f over %s pairs (quartiles %s)\n' "$name" "$(median "${RATIOS[$name]}")" "$ROUNDS" "$(quartiles "${RATIOS[$name]}")"
done
