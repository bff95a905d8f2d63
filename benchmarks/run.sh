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
bench() { java -Xms2g -Xmx8g -XX:+UseParallelGC -XX:+AlwaysPreTouch -cp "$cp" dev.nabla.benchmarks.Bench "$@"; }
# allreduce_16m: two ranks of this machine, which allReduce sums through a shared-memory segment
# rather than MPI (README, data-parallel training); prints memcpy_16m beside it.
# mpi_yield_when_idle: a rank waiting for the other yields its core instead of spinning; where
# other builds share the 2 cores, spinning ranks starve each other (measured at load average
# 6-9: 0.2-1.9 GB/s spinning, 2.4-2.8 GB/s yielding, interleaved).
allreduce() {
  local as_root=()
  [ "$(id -u)" = 0 ] && as_root=(--allow-run-as-root)
  mpirun "${as_root[@]}" --oversubscribe -np 2 --mca btl self,vader --mca mpi_yield_when_idle 1 --bind-to none \
    java -XX:+UseParallelGC -cp "$cp" dev.nabla.benchmarks.AllReduceBench
}

# Each workload runs in a JVM of its own, as JMH forks one per benchmark: in a shared JVM the
# JIT's profile of the first workload's code slows a later one that runs the same methods with
# other types (seen: custom_op_16 at 1.1 us alone, 14.5 us after tiny_step).
quick=()
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=(--quick); shift ;;
    --only) only=$2; shift 2 ;;
    *) bench "$@"; exit ;;
  esac
done
if [ -z "$only" ]; then
  only="tiny_step custom_op_16 custom_op_16_handwritten custom_op_1m custom_op_1m_handwritten matmul_256 matmul_512"
  only="$only matmul_1024 matmul_2048 add_16m mlp_digits cnn_digits transformer_step"
  # Where Open MPI and its Java binding (distributed/mpi/build-binding.sh) are installed.
  if command -v mpirun >/dev/null 2>&1 && [ -f distributed/mpi/binding/mpi.jar ]; then
    only="$only allreduce_16m"
  fi
fi
for workload in ${only//,/ }; do
  if [ "$workload" = allreduce_16m ]; then
    allreduce
  else
    bench "${quick[@]}" --only "$workload"
  fi
done
