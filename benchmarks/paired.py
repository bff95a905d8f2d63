#!/usr/bin/env python3
"""Paired comparison of single workloads: Nabla's and PyTorch's side run back to back,
round after round, and the table reports each round's ratio and their median.

    benchmarks/paired.py [--quick] [--rounds N] WORKLOAD [WORKLOAD ...]

compare.sh runs each side once; on a shared machine whose memory bandwidth drifts by a
third from one minute to the next, one such run cannot tell 10% apart. Here the two sides of
a round run within seconds of each other, in alternating order (Nabla first in even rounds,
PyTorch first in odd ones), so drift slower than a round cancels out of the ratios.

Nabla's side is benchmarks/run.sh [--quick] --only WORKLOAD (built first, once); PyTorch's
side calls the same workload function of ../shared/bench/pytorch_side.py with the arguments
its main() passes in the same mode, and as many threads as that script sets. Needs Debian's python3-torch, as compare.sh does.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "..", "shared", "bench")

# pytorch_side.py's call for each workload this script can pair, as its main() makes it
# without and with --quick (None: the workload does not run in that mode).
PYTORCH_CALLS = {
    "tiny_step": ("p.tiny_step(20000)", "p.tiny_step(2000)"),
    "custom_op_16": ("p.custom_op(16, 20000)", "p.custom_op(16, 2000)"),
    "custom_op_1m": ("p.custom_op(1 << 20, 50)", "p.custom_op(1 << 20, 5)"),
    "matmul_256": ("p.matmul(256)", "p.matmul(256)"),
    "matmul_512": ("p.matmul(512)", None),
    "matmul_1024": ("p.matmul(1024)", "p.matmul(1024)"),
    "matmul_2048": ("p.matmul(2048)", None),
    "add_16m": ("p.elementwise_add(1 << 24)", "p.elementwise_add(1 << 24)"),
    "transformer_step": ("p.transformer_step(100)", "p.transformer_step(20)"),
    "mlp_digits": ("p.mlp_digits(10)[0]", "p.mlp_digits(2)[0]"),
    "cnn_digits": ("p.cnn_digits(10)[0]", "p.cnn_digits(2)[0]"),
    "cnn_digits_train_acc": ("p.cnn_digits(10)[1]", "p.cnn_digits(2)[1]"),
}


def run(command, **kwargs):
    """stdout of command; on failure, exits naming the command and showing what it wrote to stderr."""
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise SystemExit(f"paired.py: {' '.join(command[:2])} failed with exit status {done.returncode}:\n"
                         + done.stderr[-2000:])
    return done.stdout


def nabla(workload, quick):
    env = dict(os.environ, NABLA_BENCH_NO_BUILD="1")
    mode = ["--quick"] if quick else []
    out = run([os.path.join(ROOT, "benchmarks", "run.sh"), *mode, "--only", workload], env=env)
    for line in out.splitlines():
        record = json.loads(line)
        if record["workload"] == workload:
            return record
    raise SystemExit(f"paired.py: Nabla printed no {workload} line:\n{out}")


def pytorch(workload, quick):
    script = ("import os, sys, torch; sys.path.insert(0, sys.argv[1]); import pytorch_side as p; "
              "torch.set_num_threads(os.cpu_count()); print(" + PYTORCH_CALLS[workload][quick] + ")")
    out = run(["/usr/bin/python3", "-c", script, BENCH])
    return float(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the workloads' --quick sizes, as compare.sh --quick")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("workloads", nargs="+", choices=sorted(PYTORCH_CALLS))
    args = parser.parse_args()
    for workload in args.workloads:
        if PYTORCH_CALLS[workload][args.quick] is None:
            parser.error(f"{workload} does not run with --quick")
    if not os.path.isfile(os.path.join(BENCH, "pytorch_side.py")):
        raise SystemExit(f"paired.py: {BENCH}/pytorch_side.py not found")
    if subprocess.run(["/usr/bin/python3", "-c", "import torch"], capture_output=True).returncode != 0:
        raise SystemExit("paired.py: /usr/bin/python3 cannot import torch; install Debian's python3-torch "
                         "(benchmarks/compare.sh installs it when missing)")
    subprocess.run(["mvn", "-B", "-q", "-DskipTests", "-pl", "benchmarks", "-am", "package"],
                   cwd=ROOT, check=True, stdout=sys.stderr)
    for workload in args.workloads:
        ratios = []
        print(f"{workload}: round, nabla, pytorch, ahead x")
        for r in range(args.rounds):
            if r % 2 == 0:
                record = nabla(workload, args.quick)
                theirs = pytorch(workload, args.quick)
            else:
                theirs = pytorch(workload, args.quick)
                record = nabla(workload, args.quick)
            ours = record["value"]
            ahead = ours / theirs if record["better"] == "higher" else theirs / ours
            ratios.append(ahead)
            print(f"  {r + 1:2d}  {ours:12.3f}  {theirs:12.3f} {record['unit']:>10}  {ahead:6.2f}", flush=True)
        print(f"{workload}: median ahead x {statistics.median(ratios):.2f} over {len(ratios)} rounds "
              f"(lowest {min(ratios):.2f}, highest {max(ratios):.2f})", flush=True)


if __name__ == "__main__":
    main()
