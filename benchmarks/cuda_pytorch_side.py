#!/usr/bin/python3
"""PyTorch's side of Nabla's GPU benchmarks, run on the GPU machine:
    python3 benchmarks/cuda_pytorch_side.py
Prints the JSON lines of ../shared/bench/pytorch_side.py for the workloads that
`Bench --only cuda_add_64m,cuda_matmul_4096` measures on Nabla's side, timed the same way
(the median of 5 runs after warm-up, each run ending with a synchronize), so that
../shared/bench/compare.py pairs them.
"""
import json
import time

import torch


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

    m = 4096
    x, y = torch.randn(m, m, device="cuda"), torch.randn(m, m, device="cuda")
    reps = max(3, int(2e10 / (2 * m ** 3)))  # as pytorch_side.py's matmul, and Nabla's Bench

    def mm():
        for _ in range(reps):
            torch.mm(x, y)
        torch.cuda.synchronize()
    emit("cuda_matmul_4096", 2 * m ** 3 * reps / median_seconds(mm) / 1e9, "GFLOP/s", "higher")


if __name__ == "__main__":
    main()
