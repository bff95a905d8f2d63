// Just enough of CUDA to run nabla_kernels.cu on the CPU, for tests on machines without a GPU.
// Every thread of a block is a host thread; __syncthreads is a barrier across them; blocks run
// one after another, so a __shared__ variable can be a function-local static; atomicAdd takes a
// lock. What it cannot show: warp-level timing, the device's memory model beyond what the
// barriers order, and speed. It covers what the kernels use and nothing more.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <mutex>
#include <pthread.h>
#include <thread>
#include <vector>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __shared__ static
#define __restrict__
#define __align__(n) __attribute__((aligned(n)))

struct uint3 { unsigned x, y, z; };
struct dim3 { unsigned x = 1, y = 1, z = 1; };
inline thread_local uint3 threadIdx;
inline thread_local uint3 blockIdx;
inline dim3 blockDim;
inline dim3 gridDim;
inline pthread_barrier_t emuBarrier;

inline void __syncthreads() { pthread_barrier_wait(&emuBarrier); }

inline std::mutex& emuAtomicLock() { static std::mutex m; return m; }
template <class T> inline T atomicAdd(T* address, T value) {
    std::lock_guard<std::mutex> g(emuAtomicLock());
    T old = *address;
    *address = old + value;
    return old;
}

using std::signbit;

// Runs body() (a call of one kernel entry point) on a grid of blocks of `threads` threads.
inline void emuLaunch(dim3 grid, unsigned threads, const std::function<void()>& body) {
    gridDim = grid;
    blockDim = dim3{threads, 1, 1};
    pthread_barrier_init(&emuBarrier, nullptr, threads);
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; t++) {
        pool.emplace_back([&, t] {
            for (unsigned z = 0; z < grid.z; z++)
                for (unsigned y = 0; y < grid.y; y++)
                    for (unsigned x = 0; x < grid.x; x++) {
                        threadIdx = uint3{t, 0, 0};
                        blockIdx = uint3{x, y, z};
                        body();
                        pthread_barrier_wait(&emuBarrier);  // the block ends for everyone before the next starts
                    }
        });
    }
    for (auto& th : pool) th.join();
    pthread_barrier_destroy(&emuBarrier);
}
