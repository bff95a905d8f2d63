#!/usr/bin/env bash
# The main job: trains the digits MLP made of custom ops and writes its weights and loss plot.
#   ./digits.sh [--epochs N] [--lr X] [--out DIR] [--seed S] ... (./digits.sh --help)
# Builds what it needs on the first run (or when NABLA_REBUILD is set), then runs on the JVM.
set -euo pipefail
root=$(cd "$(dirname "$0")" && pwd)
cd "$root"
if [ ! -f samples/target/classpath.txt ] || [ -n "${NABLA_REBUILD:-}" ]; then
  echo "digits.sh: building Nabla (once; takes about a minute on a fresh machine)..." >&2
  mvn -B -q -DskipTests -pl samples -am package >&2
fi
exec java -XX:+UseParallelGC -cp "samples/target/classes:$(cat samples/target/classpath.txt)" \
  dev.nabla.samples.digits.DigitsDemo "$@"
