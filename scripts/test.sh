#!/usr/bin/env bash
# Runs every test of the solution. Installs what the tests need that the .NET SDK does not
# bring: HAProxy 2.6 with Lua (the parity tests run it beside ActorProxy), from Debian's packages.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v haproxy >/dev/null 2>&1; then
  echo "installing haproxy (Debian package) for the parity tests"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq haproxy >/dev/null
fi

dotnet test ActorProxy.sln -c Release --nologo "$@"
