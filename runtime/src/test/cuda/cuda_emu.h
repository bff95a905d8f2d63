// Just enough of CUDA to run nabla_kernels.cu on the CPU, for tests on machines without a GPU.
// Every thread of a block is a fiber on the calling thread; __syncthreads switches to the next
// fiber until all have arrived; blocks run one after another, so a __shared__ variable can be a
// function-local static; atomicAdd takes a lock. What it cannot show: warp-level timing, the device's memory model beyond what the
// barriers order, and speed. It covers what the kernels use and nothing more.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <ucontext.h>
#include <vector>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __noinline__ __attribute__((noinline))
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

// Set while a launch runs its threads one after another (emuLaunchSerial), where there is
// nobody to wait for.
inline thread_local bool emuSerial = false;

inline void emuArrive();

inline void __syncthreads() {
    if (emuSerial) {
        std::fprintf(stderr, "__syncthreads in a kernel launched with emuLaunchSerial\n");
        std::abort();
    }
    emuArrive();
}

// CUDA's round-to-nearest arithmetic intrinsics: on the host each operation is rounded on its own
// already, since g++ builds this file for plain x86-64, which has no fused multiply-add to contract into.
inline float __fmul_rn(float a, float b) { return a * b; }
inline double __dmul_rn(double a, double b) { return a * b; }
inline float __fadd_rn(float a, float b) { return a + b; }
inline double __dadd_rn(double a, double b) { return a + b; }

inline std::mutex& emuAtomicLock() { static std::mutex m; return m; }
template <class T> inline T atomicAdd(T* address, T value) {
    std::lock_guard<std::mutex> g(emuAtomicLock());
    T old = *address;
    *address = old + value;
    return old;
}

using std::signbit;

namespace emu {

// The threads of one block as fibers on the calling thread: a fiber runs until it reaches
// __syncthreads (or ends), then the next one runs; once all have arrived, all go on. Switching
// fibers costs far less than waking 256 host threads at every barrier.
struct Block {
    static constexpr size_t STACK = 64 * 1024;
    std::vector<ucontext_t> fibers;
    std::vector<std::unique_ptr<char[]>> stacks;
    std::vector<char> finished;
    ucontext_t scheduler;
    const std::function<void()>* body = nullptr;
    unsigned running = 0;

    static Block& current() {
        static thread_local Block block;
        return block;
    }

    static void entry() {
        Block& b = current();
        (*b.body)();
        b.finished[b.running] = 1;
    }

    void run(unsigned threads, uint3 index, const std::function<void()>& kernel) {
        body = &kernel;
        fibers.resize(threads);
        finished.assign(threads, 0);
        while (stacks.size() < threads) stacks.emplace_back(new char[STACK]);
        for (unsigned t = 0; t < threads; t++) {
            getcontext(&fibers[t]);
            fibers[t].uc_stack.ss_sp = stacks[t].get();
            fibers[t].uc_stack.ss_size = STACK;
            fibers[t].uc_link = &scheduler;
            makecontext(&fibers[t], entry, 0);
        }
        for (bool any = true; any;) {
            any = false;
            for (unsigned t = 0; t < threads; t++) {
                if (finished[t]) continue;
                any = true;
                running = t;
                threadIdx = uint3{t, 0, 0};
                blockIdx = index;
                swapcontext(&scheduler, &fibers[t]);
            }
        }
    }

    void arrive() { swapcontext(&fibers[running], &scheduler); }
};

}  // namespace emu

// Runs body() (a call of one kernel entry point) on a grid of blocks of `threads` threads,
// one block after another.
inline void emuLaunch(dim3 grid, unsigned threads, const std::function<void()>& body) {
    static std::mutex one;  // __shared__ variables are process-wide statics: one launch at a time
    std::lock_guard<std::mutex> g(one);
    gridDim = grid;
    blockDim = dim3{threads, 1, 1};
    for (unsigned z = 0; z < grid.z; z++)
        for (unsigned y = 0; y < grid.y; y++)
            for (unsigned x = 0; x < grid.x; x++) emu::Block::current().run(threads, uint3{x, y, z}, body);
}

// Runs a kernel that never calls __syncthreads (each thread is independent: the grid-stride
// elementwise kernels) with its threads one after another on the calling thread: the same
// result as emuLaunch, without the cost of a barrier per block.
inline void emuLaunchSerial(dim3 grid, unsigned threads, const std::function<void()>& body) {
    gridDim = grid;
    blockDim = dim3{threads, 1, 1};
    emuSerial = true;
    for (unsigned z = 0; z < grid.z; z++)
        for (unsigned y = 0; y < grid.y; y++)
            for (unsigned x = 0; x < grid.x; x++)
                for (unsigned t = 0; t < threads; t++) {
                    threadIdx = uint3{t, 0, 0};
                    blockIdx = uint3{x, y, z};
                    body();
                }
    emuSerial = false;
}

inline void emuArrive() { emu::Block::current().arrive(); }
