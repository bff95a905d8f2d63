#!/usr/bin/env bash
# Nabla's side of the benchmarks: builds what it needs, then prints one JSON line per
# workload, in the format of shared/bench/pytorch_side.py.
#   benchmarks/run.sh [--quick] [--only WORKLOAD,...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ ! -f benchmarks/target/classpath.txt ] || [ -z "${NABLA_BENCH_NO_BUILD:-}" ]; then
  mvn -B -q -DskipTests -pl benchmarks -am package >&2
fi
cp="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
exec java -Xms2g -Xmx8g -XX:+UseParallelGC -cp "$cp" dev.nabla.benchmarks.Bench "$@"
