# What the bench scripts share (sourced, not run, from the repository's root): a work folder and
# the processes started, cleaned on exit; the configurations of the origin, HAProxy and
# ActorProxy; the measurements. One origin (HAProxy's `http-request return`) on 127.0.0.1:18000
# serves every case.
LUA="$PWD/bench/lua/bench.lua"
AP=src/Host/bin/Release/net10.0/actorproxy
YARP=bench/YarpHost/bin/Release/net10.0/YarpHost
WORK=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT

origin_cfg() {
  cat <<CFG
global
  nbthread 1
defaults
  mode http
  timeout client 30s
  timeout server 30s
  timeout connect 5s
frontend origin
  bind 127.0.0.1:18000
  http-request return status 200 content-type text/plain string "ok"
CFG
}

# $1 = lua-load or lua-load-per-thread; $2..$5 = ports of plain, action, service, tcp; the
# header-rule frontend (a rule without Lua) listens on $2 + 4.
haproxy_cfg() {
  cat <<CFG
global
  nbthread 2
  $1 $LUA
defaults
  mode http
  timeout client 30s
  timeout server 30s
  timeout connect 5s
  option http-keep-alive
backend origin
  server o 127.0.0.1:18000
frontend plain
  bind 127.0.0.1:$2
  default_backend origin
frontend action
  bind 127.0.0.1:$3
  http-request lua.tag
  default_backend origin
frontend rule
  bind 127.0.0.1:$(( $2 + 4 ))
  http-request set-header X-Tag 1
  default_backend origin
frontend logged
  bind 127.0.0.1:$(( $2 + 5 ))
  log 127.0.0.1:18400 local0
  option httplog
  default_backend origin
frontend service
  bind 127.0.0.1:$4
  http-request use-service lua.hello
listen tcp
  mode tcp
  bind 127.0.0.1:$5
  server o 127.0.0.1:18000
CFG
}

# The same four frontends for ActorProxy.
actorproxy_conf() {
  cat <<CFG
actorproxy {
  global { threads = 2, $1 = [ "$LUA" ] }
  frontends.plain { bind = "127.0.0.1:$2", default-backend = origin }
  frontends.action { bind = "127.0.0.1:$3", http-request = [ "lua.tag" ], default-backend = origin }
  frontends.service { bind = "127.0.0.1:$4", http-request = [ "use-service lua.hello" ] }
  frontends.rule { bind = "127.0.0.1:$(( $2 + 4 ))", http-request = [ "set-header X-Tag 1" ], default-backend = origin }
  frontends.logged { bind = "127.0.0.1:$(( $2 + 5 ))", log = [ "127.0.0.1:18400 local0" ], option = [ httplog ], default-backend = origin }
  frontends.tcp { bind = "127.0.0.1:$5", mode = tcp, default-backend = origin_tcp }
  backends.origin { servers { o = "127.0.0.1:18000" } }
  backends.origin_tcp { mode = tcp, servers { o = "127.0.0.1:18000" } }
}
CFG
}

# Installs HAProxy 2.6, wrk and a C compiler (and with `perf`, linux-perf) from Debian's packages
# when missing, builds ActorProxy in Release and the syslog server of the logged frontends.
prepare() {
  if ! command -v haproxy >/dev/null 2>&1 || ! command -v wrk >/dev/null 2>&1 || ! command -v gcc >/dev/null 2>&1 || { [ "${1:-}" = perf ] && ! command -v perf >/dev/null 2>&1; }; then
    local sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq haproxy wrk gcc ${1:+linux-perf} >/dev/null
  fi
  dotnet build -c Release --nologo -v q src/Host >/dev/null
  gcc -O2 -o "$WORK/syslog-drain" bench/syslog-drain.c
}

# The logged frontends' syslog server (bench/syslog-drain.c) on 127.0.0.1:18400: it reads and drops.
start_syslog() { start "$WORK/syslog-drain" 18400; }

build_yarp() { dotnet build -c Release --nologo -v q bench/YarpHost >/dev/null; }

# Runs "$@" in the background, its output in the work folder, killed on exit; $! is its pid.
start() { "$@" >"$WORK/$(basename "$1").$RANDOM.log" 2>&1 & PIDS+=($!); }

wait_port() {
  for _ in $(seq 1 100); do (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "port $1 never opened" >&2
  return 1
}

# CPU time (user + system) a process has used, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# Context switches (voluntary + involuntary) of every thread of a process so far.
context_switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {s += $2} END {print s}'; }

# Drives 127.0.0.1:$1 with wrk for $DURATION seconds, 2 threads and 32 keep-alive connections,
# while process $2 serves it. Sets WRK_OUT (wrk's report), WRK_REQUESTS, WRK_RPS (requests/s) and
# WRK_CPU (the process's CPU time, user + system, per request in microseconds). Call it directly,
# not in $( ), so that the variables reach the caller.
drive() {
  local before after
  before=$(cpu_ticks "$2")
  WRK_OUT=$(wrk -t2 -c32 -d"${DURATION}s" --latency "http://127.0.0.1:$1/bench")
  after=$(cpu_ticks "$2")
  WRK_REQUESTS=$(awk '/requests in/ {print $1}' <<<"$WRK_OUT")
  WRK_RPS=$(awk '/Requests\/sec/ {print $2}' <<<"$WRK_OUT")
  WRK_CPU=$(awk -v t=$((after - before)) -v n="$WRK_REQUESTS" -v hz="$(getconf CLK_TCK)" 'BEGIN {print t / hz * 1e6 / n}')
}

# Warms 127.0.0.1:$1 up for 3 seconds (JIT tiers, connection pools), unmeasured.
warm_up() { wrk -t2 -c32 -d3s "http://127.0.0.1:$1/bench" >/dev/null; }

# The median of the space-separated numbers in $1.
median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
