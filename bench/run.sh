#!/usr/bin/env bash
# Runs the micro-benchmarks (all, or those matching $1) in Release; reports land in
# BenchmarkDotNet.Artifacts/results. Not part of CI: figures go to docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project bench/ActorProxy.Benchmarks -- --filter "${1:-*}"
