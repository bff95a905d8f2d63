#!/usr/bin/env bash
# Runs Nabla's and PyTorch's side of the benchmarks one after the other on this machine and
# prints shared/bench/compare.py's table (ratios above 1.0 mean Nabla is ahead).
#   benchmarks/compare.sh [--quick]
# PyTorch's side needs Debian's python3-torch (installed here if missing).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bench="$root/../shared/bench"
[ -f "$bench/pytorch_side.py" ] || { echo "compare.sh: $bench/pytorch_side.py not found" >&2; exit 1; }
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  apt-get update -qq && apt-get install -y -qq python3-torch >&2
fi
# PyTorch reads BLAS through Debian's alternatives: without OpenBLAS it gets the reference BLAS.
if [ ! -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ]; then
  apt-get install -y -qq libopenblas0-pthread >&2
fi
out="$root/benchmarks/target/compare"
mkdir -p "$out"
"$root/benchmarks/run.sh" "$@" | tee "$out/nabla.jsonl"
/usr/bin/python3 "$bench/pytorch_side.py" "$@" | tee "$out/pytorch.jsonl"
python3 "$bench/compare.py" "$out/nabla.jsonl" "$out/pytorch.jsonl"
