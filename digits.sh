#!/usr/bin/env bash
# The main job: trains the digits MLP made of custom ops and writes its weights and loss plot.
#   ./digits.sh [--epochs N] [--lr X] [--out DIR] [--seed S] ... (./digits.sh --help)
# Builds what it needs on the first run, and again whenever a source or pom of the modules it
# runs changed since (after an edit or a pull; NABLA_REBUILD=1 forces it), then runs on the JVM.
# Progress bars are drawn only when stderr is a terminal, so that a log gets one line per epoch.
set -euo pipefail
root=$(cd "$(dirname "$0")" && pwd)
cd "$root"
# Touched after each successful build: anything newer than it is an edit the classes lack.
stamp=samples/target/digits-build.stamp
modules=(annotations processor runtime samples)
stale() {
  if [ ! -f "$stamp" ] || [ ! -f samples/target/classpath.txt ]; then
    return 0
  fi
  local newer
  newer=$(find pom.xml "${modules[@]/%//pom.xml}" "${modules[@]/%//src/main}" -newer "$stamp" -print -quit)
  [ -n "$newer" ]
}
if [ -n "${NABLA_REBUILD:-}" ] || stale; then
  echo "digits.sh: building Nabla (sources changed since the last build; about a minute on a fresh machine)..." >&2
  mvn -B -q -DskipTests -pl samples -am package >&2
  touch "$stamp"
fi
if [ ! -t 2 ]; then
  progress_set=0
  for arg in "$@"; do
    [ "$arg" = --no-progress ] && progress_set=1
  done
  [ "$progress_set" = 1 ] || set -- --no-progress "$@"
fi
exec java -XX:+UseParallelGC -cp "samples/target/classes:$(cat samples/target/classpath.txt)" \
  dev.nabla.samples.digits.DigitsDemo "$@"
