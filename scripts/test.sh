#!/usr/bin/env bash
# Runs every test of the solution. Installs nothing yet: the tests need only the .NET SDK
# (Lua comes with the KeraLua package).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet test ActorProxy.sln -c Release --nologo "$@"
