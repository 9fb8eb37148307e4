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
WORK=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
source bench/configs.sh

install_tools
dotnet build -c Release --nologo -v q src/Host >/dev/null
origin_cfg > "$WORK/origin.cfg"
haproxy_cfg lua-load-per-thread 18101 18102 18103 18104 > "$WORK/haproxy.cfg"
actorproxy_conf lua-load-per-thread 18201 18202 18203 18204 > "$WORK/actorproxy.conf"
haproxy -db -f "$WORK/origin.cfg" >"$WORK/origin.log" 2>&1 & PIDS+=($!)
haproxy -db -f "$WORK/haproxy.cfg" >"$WORK/haproxy.log" 2>&1 & PIDS+=($!)
src/Host/bin/Release/net10.0/actorproxy run -f "$WORK/actorproxy.conf" >"$WORK/actorproxy.log" 2>&1 & PIDS+=($!)
for p in 18000 18101 18102 18201 18202; do wait_port "$p"; done

rps() { wrk -t2 -c32 -d"${DURATION}s" "http://127.0.0.1:$1/bench" | awk '/Requests\/sec/ {print $2}'; }
for port in 18101 18102 18201 18202; do rps "$port" >/dev/null; done
declare -A RATIOS
for round in $(seq 1 "$ROUNDS"); do
  for proxy in haproxy:18101:18102 actorproxy:18201:18202; do
    IFS=: read -r name plain action <<<"$proxy"
    # Alternate which of the pair goes first, so that drift within a pair cancels too.
    if (( round % 2 )); then p=$(rps "$plain"); a=$(rps "$action"); else a=$(rps "$action"); p=$(rps "$plain"); fi
    RATIOS[$name]+="$(awk -v a="$a" -v p="$p" 'BEGIN {print a / p}') "
  done
done
median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
quartiles() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {printf "%.2f-%.2f", a[int((NR+3)/4)], a[int((3*NR+1)/4)]}'; }
for name in haproxy actorproxy; do
  printf '%-10s per-thread action / plain: median %.2f over %s pairs (quartiles %s)\n' "$name" "$(median "${RATIOS[$name]}")" "$ROUNDS" "$(quartiles "${RATIOS[$name]}")"
done
