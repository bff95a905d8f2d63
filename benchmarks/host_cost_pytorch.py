"""PyTorch's host cost of a tiny CPU op, for comparison with the CUDA host-cost probe
(runtime/src/test/java/dev/nabla/backend/cuda/HostCostProbe.java), timed the same way: the
median over rounds of microseconds per op, after as many rounds of warm-up.

    /usr/bin/python3 benchmarks/host_cost_pytorch.py [ops per round] [rounds]
"""
import statistics
import sys
import time

import torch


def per_op_us(fn, ops, rounds):
    times = []
    for r in range(2 * rounds):
        start = time.perf_counter()
        for _ in range(ops):
            fn()
        if r >= rounds:
            times.append((time.perf_counter() - start) / ops * 1e6)
    return statistics.median(times), times


def main():
    ops = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    torch.set_num_threads(1)
    a, b = torch.randn(16), torch.randn(16)
    ag = torch.randn(16, requires_grad=True)
    m1, m2 = torch.randn(16, 16), torch.randn(16, 16)
    cases = [
        ("cpu add 16", lambda: a + b),
        ("cpu add 16 requiresGrad", lambda: ag + b),
        ("cpu relu 16", lambda: torch.relu(a)),
        ("cpu matmul 16x16", lambda: m1 @ m2),
    ]
    for name, fn in cases:
        median, times = per_op_us(fn, ops, rounds)
        print("torch %-25s %7.3f us/op (rounds: %s)" % (name, median, " ".join("%.2f" % t for t in times)))


if __name__ == "__main__":
    main()
