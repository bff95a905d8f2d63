#!/usr/bin/env bash
# Trains the digits MLP data-parallel on this machine: NP ranks (default 2) started by mpirun,
# each printing its throughput and its all-reduce time per step, then the test accuracy.
#   samples/ddp.sh [epochs [globalBatch [learningRate [seed [bucketMiB]]]]]
#   NP=1 samples/ddp.sh        # the same training on one rank, for comparison
# Needs Open MPI (apt-get install openmpi-bin libopenmpi-dev); builds its Java binding
# (distributed/mpi/build-binding.sh, network on first use) and Nabla on the first run or when
# NABLA_REBUILD is set. On a cluster, see the README's "Data-parallel training".
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if ! command -v mpirun >/dev/null 2>&1; then
  echo "ddp.sh: mpirun not found: apt-get install openmpi-bin libopenmpi-dev" >&2
  exit 1
fi
distributed/mpi/build-binding.sh >&2
if [ ! -f samples/target/classpath.txt ] || ! grep -q distributed samples/target/classpath.txt \
    || [ -n "${NABLA_REBUILD:-}" ]; then
  echo "ddp.sh: building Nabla (once; about a minute)..." >&2
  mvn -B -q -DskipTests -pl samples -am package >&2
fi
# Shared memory between the ranks of one machine; no binding of ranks to cores, which
# --oversubscribe needs when there are more ranks than cores.
as_root=()
[ "$(id -u)" = 0 ] && as_root=(--allow-run-as-root)
exec mpirun "${as_root[@]}" --oversubscribe -np "${NP:-2}" --mca btl self,vader --bind-to none \
  java -XX:+UseParallelGC -cp "samples/target/classes:$(cat samples/target/classpath.txt)" \
  dev.nabla.samples.ddp.DigitsDataParallel "$@"
