#!/usr/bin/env bash
# A shared-state Lua action (lua-load) served by a two-node cluster on 127.0.0.1: node A hosts
# the shared state's singleton, node B joins it and calls that state across the nodes. Drives
# A's and B's frontends in alternation, ROUNDS times each, and prints the median requests/s and
# p99 latency of each and B's ratio to A. Not part of CI; figures go to docs/benchmarks.md.
# Usage: bench/cluster.sh ROUNDS
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
DURATION=${DURATION:-5}
source bench/common.sh

# $1 = this node's remoting port, $2 = the seed's, $3 = the action frontend's port.
node_conf() {
  cat <<CFG
akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = $1 }
akka.cluster.seed-nodes = [ "akka.ssl.tcp://actorproxy@127.0.0.1:$2" ]
actorproxy {
  global { threads = 2, lua-load = [ "$LUA" ] }
  frontends.action { bind = "127.0.0.1:$3", http-request = [ "lua.tag" ], default-backend = origin }
  backends.origin { servers { o = "127.0.0.1:18000" } }
}
CFG
}

# wrk's p99 latency in milliseconds, from its --latency report.
p99_ms() {
  awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); print v / 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v); print v } else { sub(/s$/, "", v); print v * 1000 } }' <<<"$WRK_OUT"
}

prepare
origin_cfg > "$WORK/origin.cfg"
node_conf 18501 18501 18511 > "$WORK/a.conf"
node_conf 18502 18501 18512 > "$WORK/b.conf"
start haproxy -db -f "$WORK/origin.cfg"
start "$AP" run -f "$WORK/a.conf"; A_PID=$!
wait_port 18000; wait_port 18511
# B starts once A hosts the singleton, so that the shared state is A's.
start "$AP" run -f "$WORK/b.conf"; B_PID=$!
wait_port 18512

declare -A RPS P99
run() { # $1 = a|b, $2 = port, $3 = pid
  drive "$2" "$3"
  RPS[$1]+="$WRK_RPS "
  P99[$1]+="$(p99_ms) "
}
warm_up 18511; warm_up 18512
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 )); then run a 18511 "$A_PID"; run b 18512 "$B_PID"
  else run b 18512 "$B_PID"; run a 18511 "$A_PID"; fi
done
printf 'shared-state action, median of %s: host node A %.0f requests/s, p99 %.2f ms; other node B %.0f requests/s, p99 %.2f ms; B/A %.2f requests/s, %.2f p99\n' \
  "$ROUNDS" "$(median "${RPS[a]}")" "$(median "${P99[a]}")" "$(median "${RPS[b]}")" "$(median "${P99[b]}")" \
  "$(awk -v a="$(median "${RPS[a]}")" -v b="$(median "${RPS[b]}")" 'BEGIN {print b / a}')" \
  "$(awk -v a="$(median "${P99[a]}")" -v b="$(median "${P99[b]}")" 'BEGIN {print b / a}')"
