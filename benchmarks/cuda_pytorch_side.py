#!/usr/bin/python3
"""PyTorch's side of Nabla's GPU benchmarks, run on the GPU machine:
    python3 benchmarks/cuda_pytorch_side.py
Prints the JSON lines of ../shared/bench/pytorch_side.py for the workloads that
`Bench --only cuda` measures on Nabla's side (cuda_add_64m, cuda_relu_4m, cuda_matmul_4096,
cuda_matmul_4096_nt, cuda_tiny_op, cuda_adam_21m, cuda_mlp_small, cuda_mlp_large), timed the
same way (the median of 5 runs after warm-up, each run ending with a synchronize), so that
../shared/bench/compare.py pairs them. The training workloads also print their peak
torch.cuda.max_memory_reserved() in MB, counted from building the model, the cache emptied
first.
"""
import json
import time

import torch
from torch import nn


def emit(workload, value, unit, better):
    print(json.dumps({"workload": workload, "value": round(value, 6), "unit": unit, "better": better}), flush=True)


def median_seconds(fn, warmups=2, repeats=5):
    for _ in range(warmups):
        fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2]


def peak_bandwidth():
    """Bytes per second: twice the memory clock times the bus width, as Nabla's Cuda.memoryBandwidth."""
    import ctypes
    cuda = ctypes.CDLL("libcuda.so.1")
    cuda.cuInit(0)
    dev = ctypes.c_int()
    cuda.cuDeviceGet(ctypes.byref(dev), 0)
    clock, bus = ctypes.c_int(), ctypes.c_int()
    cuda.cuDeviceGetAttribute(ctypes.byref(clock), 36, dev)  # CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE (kHz)
    cuda.cuDeviceGetAttribute(ctypes.byref(bus), 37, dev)    # CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH (bits)
    return 2.0 * clock.value * 1e3 * bus.value / 8


def main():
    torch.backends.cuda.matmul.allow_tf32 = False  # plain float32, as Nabla's kernels compute
    n = 1 << 26
    a, b, out = torch.randn(n, device="cuda"), torch.randn(n, device="cuda"), torch.empty(n, device="cuda")

    def add():
        for _ in range(10):
            torch.add(a, b, out=out)
        torch.cuda.synchronize()
    rate = 3 * 4 * n * 10 / median_seconds(add)
    emit("cuda_add_64m", rate / 1e9, "GB/s", "higher")
    emit("cuda_add_64m_of_peak", rate / peak_bandwidth(), "fraction", "higher")

    relu_in = torch.randn(1 << 22, device="cuda")
    relu_ops = 100

    def relu():
        for _ in range(relu_ops):
            torch.relu(relu_in)
        torch.cuda.synchronize()
    emit("cuda_relu_4m", median_seconds(relu) / relu_ops * 1e6, "us/op", "lower")

    m = 4096
    x, y = torch.randn(m, m, device="cuda"), torch.randn(m, m, device="cuda")
    reps = max(3, int(2e10 / (2 * m ** 3)))  # as pytorch_side.py's matmul, and Nabla's Bench

    def mm():
        for _ in range(reps):
            torch.mm(x, y)
        torch.cuda.synchronize()
    emit("cuda_matmul_4096", 2 * m ** 3 * reps / median_seconds(mm) / 1e9, "GFLOP/s", "higher")

    def mm_nt():
        for _ in range(reps):
            torch.mm(x, y.t())
        torch.cuda.synchronize()
    emit("cuda_matmul_4096_nt", 2 * m ** 3 * reps / median_seconds(mm_nt) / 1e9, "GFLOP/s", "higher")
    del a, b, out, x, y, relu_in

    tiny_a, tiny_b = torch.randn(16, device="cuda"), torch.randn(16, device="cuda")
    ops = 20000

    def tiny():
        for _ in range(ops):
            torch.add(tiny_a, tiny_b)
        torch.cuda.synchronize()
    emit("cuda_tiny_op", median_seconds(tiny) / ops * 1e6, "us/op", "lower")

    model = mlp([1024, 4096, 4096, 10])
    adam = torch.optim.Adam(model.parameters(), lr=1e-3)
    nn.functional.cross_entropy(model(torch.randn(64, 1024, device="cuda")), labels(64, 10)).backward()
    steps = 20

    def adam_steps():
        for _ in range(steps):
            adam.step()
        torch.cuda.synchronize()
    emit("cuda_adam_21m", median_seconds(adam_steps) / steps * 1e3, "ms/step", "lower")
    del model, adam

    for name, widths, batch, steps in (("cuda_mlp_small", [64, 256, 256, 10], 64, 200),
                                       ("cuda_mlp_large", [1024, 4096, 4096, 10], 1024, 50)):
        rate, peak = train(widths, batch, steps)
        emit(name, rate, "steps/s", "higher")
        emit(name + "_peak_reserved", peak, "MB", "lower")


def mlp(widths):
    """Linear layers of the given widths with ReLU between them, seeded with 0, on the GPU."""
    torch.manual_seed(0)
    layers = []
    for i in range(len(widths) - 1):
        if i > 0:
            layers.append(nn.ReLU())
        layers.append(nn.Linear(widths[i], widths[i + 1]))
    return nn.Sequential(*layers).cuda()


def labels(n, classes):
    return torch.randint(0, classes, (n,), device="cuda")


def train(widths, batch, steps):
    """Steps per second training on one random batch (Adam, lr 1e-3), and the peak reserved MB."""
    torch.cuda.empty_cache()
    torch.cuda.reset_peak_memory_stats()
    model = mlp(widths)
    adam = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, y = torch.randn(batch, widths[0], device="cuda"), labels(batch, widths[-1])

    def run():
        for _ in range(steps):
            adam.zero_grad()
            nn.functional.cross_entropy(model(x), y).backward()
            adam.step()
        torch.cuda.synchronize()
    rate = steps / median_seconds(run)
    return rate, torch.cuda.max_memory_reserved() / 2 ** 20


if __name__ == "__main__":
    main()
