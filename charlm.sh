#!/usr/bin/env bash
# The character language model: trains a small transformer on the King James Bible's first five
# books, checkpoints it, plots the losses and samples text.
#   ./charlm.sh [--steps N] [--resume] [--out DIR] [--seed S] ... (./charlm.sh --help)
# Builds what it needs on the first run (or when NABLA_REBUILD is set), then runs on the JVM.
set -euo pipefail
root=$(cd "$(dirname "$0")" && pwd)
cd "$root"
if [ ! -f samples/target/classpath.txt ] || [ -n "${NABLA_REBUILD:-}" ]; then
  echo "charlm.sh: building Nabla (once; takes about a minute on a fresh machine)..." >&2
  mvn -B -q -DskipTests -pl samples -am package >&2
fi
exec java -XX:+UseParallelGC -cp "samples/target/classes:$(cat samples/target/classpath.txt)" \
  dev.nabla.samples.charlm.CharLmDemo "$@"
