#!/usr/bin/env bash
# Times javac compiling 200 generated op classes with Nabla's annotation processor and without
# any (-proc:none), and prints the ratio as one JSON line in the format of run.sh:
#   {"workload": "processor_200_ops", "value": <with / without>, "unit": "ratio", "better": "lower"}
# The processed build also compiles what the processor writes (one file per op, its Function with
# the op's gradient check as a static method): that is its real cost.
#   benchmarks/compile_bench.sh [--ops N] [--runs R]      (defaults: 200 ops, median of 3 runs)
# Each run is a pair, without then with the processor, and the value is the median pair's ratio.
# NABLA_BENCH_NO_BUILD=1 skips building the processor and the runtime.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
ops=200
runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --ops) ops=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "usage: compile_bench.sh [--ops N] [--runs R]" >&2; exit 2 ;;
  esac
done

# The class path and processor path are what a user's build has: each jar with its compile and runtime
# dependencies (includeScope; test and provided ones, AutoValue's processors among them, stay out).
if [ -z "${NABLA_BENCH_NO_BUILD:-}" ]; then
  mvn -B -q -DskipTests -pl processor,runtime -am package dependency:build-classpath \
    -Dmdep.outputFile=target/compile-bench-classpath.txt -DincludeScope=runtime >&2
fi
jar() { ls "$1"/target/nabla-"$1"-*.jar | grep -v -e sources -e javadoc | head -n 1; }
classpath="$(jar runtime):$(cat runtime/target/compile-bench-classpath.txt)"
processorpath="$(jar processor):$(cat processor/target/compile-bench-classpath.txt)"

work="$root/benchmarks/target/compile-bench"
rm -rf "$work"
mkdir -p "$work/src/bench/ops"
# Each op has the shape of a real one: saved tensors, @Shape checks, a gradient record, @NeedsGrad.
for i in $(seq -f '%03g' 0 $((ops - 1))); do
  n=$((10#$i))
  cat > "$work/src/bench/ops/Op$i.java" <<JAVA
package bench.ops;

import dev.nabla.Tensor;
import dev.nabla.annotations.Backward;
import dev.nabla.annotations.Differentiable;
import dev.nabla.annotations.NeedsGrad;
import dev.nabla.annotations.Saved;
import dev.nabla.annotations.Shape;

public final class Op$i {
    @Saved Tensor input;
    @Saved Tensor weight;

    record Grads(Tensor input, Tensor weight, Tensor bias) {}

    @Differentiable
    @Shape("n,o")
    Tensor forward(@Shape("n,i") Tensor input, @Shape("o,i") Tensor weight, @Shape("o") Tensor bias, double scale) {
        this.input = input;
        this.weight = weight;
        return input.mm(weight.t()).add(bias).mul(scale + $n);
    }

    @Backward
    Grads backward(Tensor gradOut, @NeedsGrad("bias") boolean needsBias) {
        return new Grads(gradOut.mm(weight), gradOut.t().mm(input), needsBias ? gradOut.sum(0, false) : null);
    }
}
JAVA
done
sources=("$work"/src/bench/ops/*.java)

# Prints the wall time and the CPU time (user + sys, JIT and GC threads included) of one javac run
# with the given options, in seconds: on a loaded machine the CPU time is the steadier of the two.
time_javac() {
  rm -rf "$work/out" "$work/gen"
  mkdir -p "$work/out" "$work/gen"
  local TIMEFORMAT='%R %U %S' real user sys
  # javac's own output goes to fd 3 (this script's stderr); only the time report goes to the file.
  { time javac -cp "$classpath" -d "$work/out" -s "$work/gen" "$@" "${sources[@]}" 2>&3 >&3; } 3>&2 2>"$work/time.txt"
  read -r real user sys < "$work/time.txt"
  python3 -c "print($real, round($user + $sys, 3))"
}

# Each run times javac without and then with the processor, back to back, so that both sides of a
# ratio see the same load on a shared machine; the result is the median of the runs' ratios.
ratios=()
cpu_ratios=()
for run in $(seq "$runs"); do
  read -r without without_cpu <<< "$(time_javac -proc:none)"
  read -r with with_cpu <<< "$(time_javac -processorpath "$processorpath")"
  generated=$(find "$work/gen" -name '*.java' | wc -l)
  if [ "$generated" -ne "$ops" ]; then
    echo "compile_bench.sh: the processor generated $generated files, expected $ops" >&2
    exit 1
  fi
  ratio=$(python3 -c "print(round($with / $without, 4))")
  cpu_ratio=$(python3 -c "print(round($with_cpu / $without_cpu, 4))")
  ratios+=("$ratio")
  cpu_ratios+=("$cpu_ratio")
  echo "compile_bench.sh: run $run: javac ${without}s without the processor, ${with}s with it, ratio $ratio;" \
    "CPU ${without_cpu}s and ${with_cpu}s, ratio $cpu_ratio" >&2
done
median=$(printf '%s\n' "${ratios[@]}" | sort -g | sed -n "$(( (runs + 1) / 2 ))p")
python3 -c "import json; print(json.dumps({'workload': 'processor_${ops}_ops', 'value': $median, 'unit': 'ratio', 'better': 'lower'}))"
cpu_median=$(printf '%s\n' "${cpu_ratios[@]}" | sort -g | sed -n "$(( (runs + 1) / 2 ))p")
echo "compile_bench.sh: median ratio $median of ${ratios[*]} ($ops ops, $runs runs);" \
  "median CPU-time ratio $cpu_median of ${cpu_ratios[*]}" >&2
