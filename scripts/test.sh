#!/usr/bin/env bash
# Runs every test of the solution. Installs what the tests need that the .NET SDK does not
# bring, from Debian's packages: HAProxy 2.6 with Lua (the parity tests run it beside ActorProxy),
# ss, openssl (scripts/cluster-certs.sh makes the cluster tests' certificates) and runuser (an
# admin test runs the tool as the user nobody; the tests run as root, or with sudo rights), and
# socat (the stats socket is tested with it, as operators use it) and chromium (the stats page).
set -euo pipefail
cd "$(dirname "$0")/.."

# ss (iproute2): the reliability tests read a listener's backlog from the kernel.
missing=()
command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
command -v ss >/dev/null 2>&1 || missing+=(iproute2)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v runuser >/dev/null 2>&1 || missing+=(util-linux)
command -v socat >/dev/null 2>&1 || missing+=(socat)
# chromium: the stats page is loaded in a headless browser, as an operator opens it.
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} (Debian packages) for the tests"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

dotnet test ActorProxy.sln -c Release --nologo "$@"
