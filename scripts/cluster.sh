#!/usr/bin/env bash
# Runs the three-node example of hocon/cluster/ on 127.0.0.1: node 1 is the seed, nodes 2 and
# 3 join it. Logs and pids go to .cluster/ (ignored by git).
# Usage: scripts/cluster.sh start|stop|status
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=.cluster
BIN=src/Host/bin/Release/net10.0/actorproxy

start() {
  [ -x "$BIN" ] || dotnet build src/Host -c Release --nologo -v quiet
  mkdir -p "$RUN"
  for n in 1 2 3; do
    if [ -f "$RUN/node$n.pid" ] && kill -0 "$(cat "$RUN/node$n.pid")" 2>/dev/null; then
      echo "node $n runs already (pid $(cat "$RUN/node$n.pid"))"; continue
    fi
    "$BIN" run -f "hocon/cluster/node$n.conf" > "$RUN/node$n.log" 2>&1 &
    echo $! > "$RUN/node$n.pid"
    # Bounded wait for the node to serve, or for its own reason to stop.
    for _ in $(seq 1 120); do
      grep -q "ActorProxy running" "$RUN/node$n.log" && break
      if ! kill -0 "$(cat "$RUN/node$n.pid")" 2>/dev/null; then
        echo "node $n did not start:"; cat "$RUN/node$n.log"; exit 1
      fi
      sleep 0.5
    done
    grep -q "ActorProxy running" "$RUN/node$n.log" || { echo "node $n did not start within 60 s; see $RUN/node$n.log"; exit 1; }
    echo "node $n serves on http://127.0.0.1:818$n (pid $(cat "$RUN/node$n.pid"))"
  done
}

stop() {
  for n in 3 2 1; do
    [ -f "$RUN/node$n.pid" ] || continue
    pid=$(cat "$RUN/node$n.pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -0 "$pid" 2>/dev/null && { echo "node $n did not stop within 30 s; killing it"; kill -KILL "$pid"; }
    fi
    rm -f "$RUN/node$n.pid"
    echo "node $n stopped"
  done
}

status() {
  for n in 1 2 3; do
    if [ -f "$RUN/node$n.pid" ] && kill -0 "$(cat "$RUN/node$n.pid")" 2>/dev/null; then
      echo "node $n: running (pid $(cat "$RUN/node$n.pid")), http://127.0.0.1:818$n"
    else
      echo "node $n: stopped"
    fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: scripts/cluster.sh start|stop|status" >&2; exit 2 ;;
esac
