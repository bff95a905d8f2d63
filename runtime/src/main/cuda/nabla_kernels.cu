// nabla-ptx-package: dev/nabla/backend/cuda
//
// The built-in kernels of Nabla's CUDA backend, compiled to PTX by build-ptx.sh and loaded by
// dev.nabla.backend.cuda through the driver API. The binding contract is ABI.md; this
// comment restates the part a reader of this file needs.
//
// ABI
//  - Every entry point is extern "C" with the name <kernel>_<type>: f32 float, f64 double,
//    i64 long long, b8 unsigned char holding 0 or 1 (one byte per element).
//  - Op codes are the ordinals of the Java enums UnaryOp, BinaryOp and ReduceOp; the enums below
//    list them in the same order (KernelEnumOrderTest checks it).
//  - Layout (368 bytes) and Rows (432 bytes) are passed by value; every field is a long long,
//    so the host packs them as little-endian 64-bit words in field order, with no padding.
//  - Layout describes an elementwise iteration space of numel elements over up to 4 operands:
//    operand k's element for linear index i is offset[k] + sum_d idx_d * stride[k][d], where
//    idx_d decomposes i over shape (last dimension fastest). The host coalesces dimensions, so
//    contiguous tensors arrive with nd == 1, which is indexed without any division.
//  - Rows describes rows of len elements: row r decomposes over keepShape, element j of a row
//    over redShape; in/out offsets are inOffset/outOffset plus the dot products of those
//    indices with keepIn/keepOut and redIn/redOut.
//
// Launch rules
//  - fill, copy, unary, clamp, binary, compare, where, gather, scatter_add, argmax, adam, sgd: 1-D blocks
//    of 256 threads, any grid; each thread walks a grid-stride loop, so any grid is correct.
//    fill, copy, unary, clamp, binary, compare and where have a contiguous path (Layout nd == 1,
//    unit strides, operands aligned to their packs) where a thread takes a pack of 16 bytes of the
//    widest operand per step; the host launches a thread per pack, at most a device-full.
//  - reduce, softmax, cumsum: blocks of exactly 256 threads (the shared-memory tree assumes it), one
//    block per row at a time, blocks striding over the rows; 2048 bytes of static shared memory.
//  - gemm: blocks of exactly 256 threads, grid (ceil(m/128), ceil(n/128), batch), for every
//    type; the batch index is blockIdx.z, so the batch argument only documents the grid.
//    Static shared memory only: 16896 bytes (f32), 33792 bytes (f64, i64) per block.
//  - Op codes outside a kernel's list are never launched: the switches declare them
//    unreachable, which lets them compile to a bare jump table.
//  - Nothing is launched for an empty iteration space.
//
// Semantics follow the CPU backend (FloatKernels, DoubleKernels, LongKernels, CpuBackend):
// Java's Math.max/min (NaN wins, -0.0 < 0.0), float transcendentals computed in double and
// rounded once, Java's saturating (long) casts, and wrap-around int64 arithmetic.

#include <climits>
#include <type_traits>

#define NABLA_MAX_DIMS 8

typedef struct {
    long long numel;
    long long nd;
    long long shape[NABLA_MAX_DIMS];
    long long stride[4][NABLA_MAX_DIMS];
    long long offset[4];
} Layout;

typedef struct {
    long long rows;
    long long len;
    long long keepNd;
    long long keepShape[NABLA_MAX_DIMS];
    long long keepIn[NABLA_MAX_DIMS];
    long long keepOut[NABLA_MAX_DIMS];
    long long redNd;
    long long redShape[NABLA_MAX_DIMS];
    long long redIn[NABLA_MAX_DIMS];
    long long redOut[NABLA_MAX_DIMS];
    long long inOffset;
    long long outOffset;
} Rows;

static_assert(sizeof(Layout) == 368, "Layout is packed by the host as 46 longs");
static_assert(sizeof(Rows) == 432, "Rows is packed by the host as 54 longs");

typedef unsigned char b8;

// A named namespace, not an anonymous one: nvcc mangles internal-linkage names with a hash of
// the source file's absolute path, which would make the PTX differ from one checkout to the
// next and PtxFreshnessTest fail on every clone but the one that built it.
namespace nabla {

constexpr int THREADS = 256;

enum UnaryOp { NEG, ABS, EXP, LOG, SQRT, SIN, COS, TANH, SIGMOID, RELU, SIGN, LOG1P, RSQRT, ERF, GELU, GELU_SLOPE };
enum BinaryOp { ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM, GT, GE, LT, LE, EQ, NE };
enum ReduceOp { SUM, MAX, MIN };

// ---------------------------------------------------------------- indexing

__device__ __forceinline__ long long firstThread() {
    return (long long) blockIdx.x * blockDim.x + threadIdx.x;
}

__device__ __forceinline__ long long gridThreads() {
    return (long long) gridDim.x * blockDim.x;
}

// Calls add(d, idx_d) for each dimension of i decomposed over shape[0..nd), last fastest.
// The loop is unrolled over the maximum rank so that every field of the by-value struct is
// read at a constant offset: a run-time index would copy the whole struct to local memory.
// The outermost index is what remains after the inner divisions, so it needs none.
template <class I, class F>
__device__ __forceinline__ void decomposeAs(I rest, long long nd, const long long (&shape)[NABLA_MAX_DIMS], F&& add) {
#pragma unroll
    for (int d = NABLA_MAX_DIMS - 1; d >= 0; --d) {
        if (d < nd) {
            if (d == 0) {
                add(d, (long long) rest);
            } else {
                I size = (I) shape[d];
                add(d, (long long) (rest % size));
                rest /= size;
            }
        }
    }
}

// count bounds i and every extent in shape: below 2^32, 32-bit division (several times cheaper
// than the emulated 64-bit one) decides the speed of broadcasting ops.
template <class F>
__device__ __forceinline__ void decompose(long long i, long long count, long long nd,
                                          const long long (&shape)[NABLA_MAX_DIMS], F&& add) {
    if (nd == 1) {
        add(0, i);
    } else if (count <= (long long) UINT_MAX) {
        decomposeAs<unsigned>((unsigned) i, nd, shape, add);
    } else {
        decomposeAs<unsigned long long>((unsigned long long) i, nd, shape, add);
    }
}

// The element offsets of operands 0..K-1 for linear index i of L.
template <int K>
__device__ __forceinline__ void locate(const Layout& L, long long i, long long (&o)[K]) {
#pragma unroll
    for (int k = 0; k < K; ++k) {
        o[k] = L.offset[k];
    }
    decompose(i, L.numel, L.nd, L.shape, [&](int d, long long idx) {
#pragma unroll
        for (int k = 0; k < K; ++k) {
            o[k] += idx * L.stride[k][d];
        }
    });
}

// Where row r starts in `in` and where its result (or its first output element) goes in `out`.
__device__ __forceinline__ void rowStart(const Rows& R, long long r, long long& in, long long& out) {
    in = R.inOffset;
    out = R.outOffset;
    decompose(r, R.rows, R.keepNd, R.keepShape, [&](int d, long long idx) {
        in += idx * R.keepIn[d];
        out += idx * R.keepOut[d];
    });
}

// Element j's offset from its row's start in `in`.
__device__ __forceinline__ long long elementIn(const Rows& R, long long j) {
    long long in = 0;
    decompose(j, R.len, R.redNd, R.redShape, [&](int d, long long idx) { in += idx * R.redIn[d]; });
    return in;
}

// Element j's offsets from its row's start in `in` and in `out` (softmax).
__device__ __forceinline__ void elementInOut(const Rows& R, long long j, long long& in, long long& out) {
    in = 0;
    out = 0;
    decompose(j, R.len, R.redNd, R.redShape, [&](int d, long long idx) {
        in += idx * R.redIn[d];
        out += idx * R.redOut[d];
    });
}

// ---------------------------------------------------------------- Java arithmetic

__device__ __forceinline__ bool isNaN(float x) { return x != x; }
__device__ __forceinline__ bool isNaN(double x) { return x != x; }
__device__ __forceinline__ bool isNaN(long long) { return false; }

// Math.max: a NaN operand wins and 0.0 > -0.0, which fmax does not promise.
template <class T>
__device__ __forceinline__ T javaMax(T a, T b) {
    if (isNaN(a)) {
        return a;
    }
    if (a == 0 && b == 0) {
        return signbit(a) ? b : a;
    }
    return a >= b ? a : b;
}

template <class T>
__device__ __forceinline__ T javaMin(T a, T b) {
    if (isNaN(a)) {
        return a;
    }
    if (a == 0 && b == 0) {
        return signbit(b) ? b : a;
    }
    return a <= b ? a : b;
}

__device__ __forceinline__ long long javaMax(long long a, long long b) { return a >= b ? a : b; }
__device__ __forceinline__ long long javaMin(long long a, long long b) { return a <= b ? a : b; }

// Java's (long) cast: NaN is 0 and out-of-range values saturate, where C leaves both undefined.
__device__ __forceinline__ long long javaLong(double x) {
    if (isNaN(x)) {
        return 0;
    }
    if (x >= 9223372036854775808.0) {
        return LLONG_MAX;
    }
    if (x <= -9223372036854775808.0) {
        return LLONG_MIN;
    }
    return (long long) x;
}

// Java's long arithmetic wraps; C's signed overflow is undefined, unsigned arithmetic is not.
__device__ __forceinline__ long long wrapAdd(long long a, long long b) {
    return (long long) ((unsigned long long) a + (unsigned long long) b);
}

__device__ __forceinline__ long long wrapSub(long long a, long long b) {
    return (long long) ((unsigned long long) a - (unsigned long long) b);
}

__device__ __forceinline__ long long wrapMul(long long a, long long b) {
    return (long long) ((unsigned long long) a * (unsigned long long) b);
}

// LongKernels.pow: PyTorch's integer pow, by squaring with wrap-around.
__device__ __forceinline__ long long longPow(long long base, long long exponent) {
    if (exponent < 0) {
        return base == 1 ? 1 : base == -1 ? ((exponent & 1) == 0 ? 1 : -1) : 0;
    }
    long long result = 1;
    while (exponent > 0) {
        if ((exponent & 1) != 0) {
            result = wrapMul(result, base);
        }
        base = wrapMul(base, base);
        exponent >>= 1;
    }
    return result;
}

// Math.signum: zeros keep their sign and NaN stays NaN.
template <class T>
__device__ __forceinline__ T signum(T x) {
    return x > 0 ? T(1) : x < 0 ? T(-1) : x;
}

// ---------------------------------------------------------------- conversions

// CpuBackend.copy/fill: to BOOL is x != 0 (NaN is true), float to INT64 is Java's (long), and
// every other conversion is C's, which rounds to nearest once (long to float included).
template <class D, class S>
__device__ __forceinline__ D convert(S x) {
    if constexpr (std::is_same_v<D, b8>) {
        return x != 0;
    } else if constexpr (std::is_same_v<D, long long> && std::is_floating_point_v<S>) {
        return javaLong((double) x);
    } else {
        return (D) x;
    }
}

// ---------------------------------------------------------------- elementwise ops

// Float transcendentals go through double and round once, as (float) Math.exp(x) does on the CPU.
template <class T>
__device__ __forceinline__ T unaryOp(int op, T x) {
    double v = x;
    switch (op) {
        case NEG: return -x;
        case ABS: return (T) fabs(v);
        case EXP: return (T) exp(v);
        case LOG: return (T) log(v);
        case SQRT: return (T) sqrt(v);
        case SIN: return (T) sin(v);
        case COS: return (T) cos(v);
        case TANH: return (T) tanh(v);
        case SIGMOID: return (T) (1.0 / (1.0 + exp(-v)));
        case RELU: return javaMax(x, T(0));
        case SIGN: return signum(x);
        case LOG1P: return (T) log1p(v);
        // 1 / sqrt in double, rounded once, as the CPU computes it: CUDA's rsqrt is not correctly rounded.
        case RSQRT: return (T) (1.0 / sqrt(v));
        case ERF: return (T) erf(v);
        // PyTorch's exact GELU, x (1 + erf(x / sqrt 2)) / 2, in double and rounded once.
        case GELU: return (T) (0.5 * v * (1.0 + erf(v * 0.70710678118654752)));
        // GELU's derivative, Phi(x) + x phi(x), as PyTorch's gelu_backward computes it.
        case GELU_SLOPE: return (T) (0.5 * (1.0 + erf(v * 0.70710678118654752)) + v * exp(-0.5 * v * v) * 0.39894228040143268);
        default: __builtin_unreachable();
    }
}

// LongKernels.unary: the ops whose Java UnaryOp declaration accepts INT64.
__device__ __forceinline__ long long unaryOp(int op, long long x) {
    switch (op) {
        case NEG: return wrapSub(0, x);
        case ABS: return x < 0 ? wrapSub(0, x) : x;
        case RELU: return x > 0 ? x : 0;
        case SIGN: return (x > 0) - (x < 0);
        default: __builtin_unreachable();
    }
}

// pow: CUDA's pow follows C99 Annex F (pow(1, y) = 1 for every y, pow(-1, +-inf) = 1), which is
// exactly what DoubleKernels.pow builds on top of Math.pow; float pow goes through double.
template <class T>
__device__ __forceinline__ T binaryOp(int op, T x, T y) {
    switch (op) {
        case ADD: return x + y;
        case SUB: return x - y;
        case MUL: return x * y;
        case DIV: return x / y;
        case POW: return (T) pow((double) x, (double) y);
        case MAXIMUM: return javaMax(x, y);
        case MINIMUM: return javaMin(x, y);
        default: __builtin_unreachable();
    }
}

// int64 DIV is never launched: the CPU backend rejects it.
__device__ __forceinline__ long long binaryOp(int op, long long x, long long y) {
    switch (op) {
        case ADD: return wrapAdd(x, y);
        case SUB: return wrapSub(x, y);
        case MUL: return wrapMul(x, y);
        case POW: return longPow(x, y);
        case MAXIMUM: return javaMax(x, y);
        case MINIMUM: return javaMin(x, y);
        default: __builtin_unreachable();
    }
}

template <class T>
__device__ __forceinline__ b8 compareOp(int op, T x, T y) {
    switch (op) {
        case GT: return x > y;
        case GE: return x >= y;
        case LT: return x < y;
        case LE: return x <= y;
        case EQ: return x == y;
        case NE: return x != y;
        default: __builtin_unreachable();
    }
}

// FloatKernels.clamp compares in float against bounds already rounded to float.
template <class T>
__device__ __forceinline__ T clampOp(T x, double lo, double hi) {
    return javaMin(javaMax(x, (T) lo), (T) hi);
}

// LongKernels.clamp compares the long with the double bounds and rounds them inwards.
__device__ __forceinline__ long long clampOp(long long x, double lo, double hi) {
    double v = (double) x;
    return v < lo ? javaLong(ceil(lo)) : v > hi ? javaLong(floor(hi)) : x;
}

// ---------------------------------------------------------------- elementwise kernels

// The contiguous path. When every operand of a Layout is one dimension of unit strides (the host
// coalesces contiguous tensors of any shape to that) and each operand's first element lies on a
// multiple of its Pack's size, a thread maps one Pack of each operand at a time: one vector load
// per input and one vector store, no index arithmetic. N, the elements per Pack, fills 16 bytes
// of the widest operand, so that operand moves with 128-bit accesses (the narrower ones with 64-,
// 32- or 16-bit ones). Misaligned operands, broadcasts and strides take the Layout path.

// N consecutive elements of T, read and written as one access.
template <class T, int n = (int) (16 / sizeof(T))>
struct alignas(sizeof(T) * n) Pack {
    static constexpr int N = n;
    T v[n];
};

// The elements per Pack of a map whose widest operand type is among T...: 16 bytes of it.
template <class... T>
__host__ __device__ constexpr int packLength() {
    unsigned long long widest = 1;
    ((widest = sizeof(T) > widest ? sizeof(T) : widest), ...);
    return (int) (16 / widest);
}

template <int N, class T>
__device__ __forceinline__ bool packAligned(const T* p) {
    return (unsigned long long) p % (sizeof(T) * N) == 0;
}

// Whether operands 0..K-1 of L are contiguous: one dimension of unit strides.
template <int K>
__device__ __forceinline__ bool unitStrides(const Layout& L) {
    bool unit = L.nd == 1;
#pragma unroll
    for (int k = 0; k < K; ++k) {
        unit = unit && L.stride[k][0] == 1;
    }
    return unit;
}

// Whether out and in... can take packedMap's vector accesses.
template <class D, class... S>
__device__ __forceinline__ bool packable(const D* out, const S*... in) {
    constexpr int N = packLength<D, S...>();
    return packAligned<N>(out) && (packAligned<N>(in) && ...);
}

// Pack i of out from the packs i of the inputs.
template <int N, class D, class F, class... S>
__device__ __forceinline__ void mapPack(Pack<D, N>* out, long long i, F& f, Pack<S, N>... x) {
    Pack<D, N> z;
#pragma unroll
    for (int j = 0; j < N; j++) {
        z.v[j] = f(x.v[j]...);
    }
    out[i] = z;
}

// out[i] = f(in[i]...) for i < n over contiguous operands that are packable: thread `first` takes
// packs first, first + step, ..., then the elements after the last whole pack likewise.
template <class D, class F, class... S>
__device__ __forceinline__ void packedMap(long long first, long long step, long long n, F f, D* out, const S*... in) {
    constexpr int N = packLength<D, S...>();
    long long packs = n / N;
    Pack<D, N>* po = reinterpret_cast<Pack<D, N>*>(out);
    for (long long i = first; i < packs; i += step) {
        mapPack<N>(po, i, f, reinterpret_cast<const Pack<S, N>*>(in)[i]...);
    }
    for (long long i = packs * N + first; i < n; i += step) {
        out[i] = f(in[i]...);
    }
}

// packedMap over the grid, when the operands allow it; returns whether it ran.
template <class D, class F, class... S>
__device__ __forceinline__ bool mapContiguous(long long n, F f, D* out, const S*... in) {
    if (!packable(out, in...)) {
        return false;
    }
    packedMap(firstThread(), gridThreads(), n, f, out, in...);
    return true;
}

template <class T>
__device__ __forceinline__ void fillKernel(const Layout& L, T* out, double value) {
    T v = convert<T>(value);
    if (unitStrides<1>(L) && mapContiguous(L.numel, [v]() { return v; }, out + L.offset[0])) {
        return;
    }
    for (long long i = firstThread(); i < L.numel; i += gridThreads()) {
        long long o[1];
        locate(L, i, o);
        out[o[0]] = v;
    }
}

template <class S, class D>
__device__ __forceinline__ void copyKernel(const Layout& L, const S* src, D* dst) {
    if (unitStrides<2>(L)
        && mapContiguous(L.numel, [](S x) { return convert<D>(x); }, dst + L.offset[0], src + L.offset[1])) {
        return;
    }
    for (long long i = firstThread(); i < L.numel; i += gridThreads()) {
        long long o[2];
        locate(L, i, o);
        dst[o[0]] = convert<D>(src[o[1]]);
    }
}

// unaryOp as a call: the contiguous path inlines the cheap ops, for which the kernel is bound by
// memory, and calls this for the transcendental ones, whose arithmetic outweighs a call; inlining
// every op into each of a Pack's elements would multiply the kernel's code several times over.
template <class T>
__device__ __noinline__ T unaryCall(int op, T x) {
    return unaryOp(op, x);
}

template <class T>
__device__ __forceinline__ void unaryKernel(const Layout& L, int op, const T* in, T* out) {
    if (unitStrides<2>(L) && packable(out + L.offset[0], in + L.offset[1])) {
        T* po = out + L.offset[0];
        const T* pi = in + L.offset[1];
        long long n = L.numel;
        switch (op) {
            case NEG: packedMap(firstThread(), gridThreads(), n, [](T x) { return unaryOp(NEG, x); }, po, pi); return;
            case ABS: packedMap(firstThread(), gridThreads(), n, [](T x) { return unaryOp(ABS, x); }, po, pi); return;
            case RELU: packedMap(firstThread(), gridThreads(), n, [](T x) { return unaryOp(RELU, x); }, po, pi); return;
            case SIGN: packedMap(firstThread(), gridThreads(), n, [](T x) { return unaryOp(SIGN, x); }, po, pi); return;
            default: packedMap(firstThread(), gridThreads(), n, [op](T x) { return unaryCall(op, x); }, po, pi); return;
        }
    }
    for (long long i = firstThread(); i < L.numel; i += gridThreads()) {
        long long o[2];
        locate(L, i, o);
        out[o[0]] = unaryOp(op, in[o[1]]);
    }
}

template <class T>
__device__ __forceinline__ void clampKernel(const Layout& L, const T* in, T* out, double lo, double hi) {
    if (unitStrides<2>(L)
        && mapContiguous(L.numel, [lo, hi](T x) { return clampOp(x, lo, hi); }, out + L.offset[0], in + L.offset[1])) {
        return;
    }
    for (long long i = firstThread(); i < L.numel; i += gridThreads()) {
        long long o[2];
        locate(L, i, o);
        out[o[0]] = clampOp(in[o[1]], lo, hi);
    }
}

// The commonest ops are chosen outside the loop; the others switch per element.
template <class T>
__device__ __forceinline__ void binaryKernel(const Layout& L, int op, const T* a, const T* b, T* out) {
    if (unitStrides<3>(L) && packable(out + L.offset[0], a + L.offset[1], b + L.offset[2])) {
        T* po = out + L.offset[0];
        const T* pa = a + L.offset[1];
        const T* pb = b + L.offset[2];
        long long n = L.numel;
        switch (op) {
            case ADD: packedMap(firstThread(), gridThreads(), n, [](T x, T y) { return binaryOp(ADD, x, y); }, po, pa, pb); return;
            case SUB: packedMap(firstThread(), gridThreads(), n, [](T x, T y) { return binaryOp(SUB, x, y); }, po, pa, pb); return;
            case MUL: packedMap(firstThread(), gridThreads(), n, [](T x, T y) { return binaryOp(MUL, x, y); }, po, pa, pb); return;
            default: packedMap(firstThread(), gridThreads(), n, [op](T x, T y) { return binaryOp(op, x, y); }, po, pa, pb); return;
        }
    }
    for (long long i = firstThread(); i < L.numel; i += gridThreads()) {
        long long o[3];
        locate(L, i, o);
        out[o[0]] = binaryOp(op, a[o[1]], b[o[2]]);
    }
}

template <class T>
__device__ __forceinline__ void compareKernel(const Layout& L, int op, const T* a, const T* b, b8* out) {
    if (unitStrides<3>(L) && mapContiguous(L.numel, [op](T x, T y) { return compareOp(op, x, y); },
                                           out + L.offset[0], a + L.offset[1], b + L.offset[2])) {
        return;
    }
    for (long long i = firstThread(); i < L.numel; i += gridThreads()) {
        long long o[3];
        locate(L, i, o);
        out[o[0]] = compareOp(op, a[o[1]], b[o[2]]);
    }
}

template <class T>
__device__ __forceinline__ void whereKernel(const Layout& L, const b8* cond, const T* a, const T* b, T* out) {
    if (unitStrides<4>(L) && mapContiguous(L.numel, [](b8 c, T x, T y) { return c ? x : y; }, out + L.offset[0],
                                           cond + L.offset[1], a + L.offset[2], b + L.offset[3])) {
        return;
    }
    for (long long i = firstThread(); i < L.numel; i += gridThreads()) {
        long long o[4];
        locate(L, i, o);
        out[o[0]] = cond[o[1]] ? a[o[2]] : b[o[3]];
    }
}

template <class T>
__device__ __forceinline__ void gatherKernel(const Layout& L, long long inDimStride, const T* in,
                                             const long long* index, T* out) {
    for (long long i = firstThread(); i < L.numel; i += gridThreads()) {
        long long o[3];
        locate(L, i, o);
        out[o[0]] = in[o[1] + index[o[2]] * inDimStride];
    }
}

__device__ __forceinline__ void atomicAddTo(float* p, float v) { atomicAdd(p, v); }
__device__ __forceinline__ void atomicAddTo(double* p, double v) { atomicAdd(p, v); }

// Two's complement addition is the same operation on unsigned words.
__device__ __forceinline__ void atomicAddTo(long long* p, long long v) {
    atomicAdd((unsigned long long*) p, (unsigned long long) v);
}

template <class T>
__device__ __forceinline__ void scatterAddKernel(const Layout& L, long long outDimStride, const T* src,
                                                 const long long* index, T* out) {
    for (long long i = firstThread(); i < L.numel; i += gridThreads()) {
        long long o[3];
        locate(L, i, o);
        atomicAddTo(&out[o[1] + index[o[2]] * outDimStride], src[o[0]]);
    }
}

// ---------------------------------------------------------------- rows: reduce, argmax, softmax

// What a row is folded in: FloatKernels accumulates float rows in double.
template <class T> struct Accumulator { typedef double type; };
template <> struct Accumulator<long long> { typedef long long type; };

__device__ __forceinline__ double identity(int op, double) {
    return op == SUM ? 0.0 : op == MAX ? -INFINITY : INFINITY;
}

__device__ __forceinline__ long long identity(int op, long long) {
    return op == SUM ? 0 : op == MAX ? LLONG_MIN : LLONG_MAX;
}

__device__ __forceinline__ double add(double a, double b) { return a + b; }
__device__ __forceinline__ long long add(long long a, long long b) { return wrapAdd(a, b); }

template <class A>
__device__ __forceinline__ A combine(int op, A a, A b) {
    return op == SUM ? add(a, b) : op == MAX ? javaMax(a, b) : javaMin(a, b);
}

// Folds each thread's v into one value that every thread of the block receives. partial holds
// THREADS values; the final barrier lets the caller reuse it right away.
template <class A, class F>
__device__ __forceinline__ A blockFold(A v, A* partial, F&& fold) {
    partial[threadIdx.x] = v;
    __syncthreads();
    for (int half = THREADS / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) {
            partial[threadIdx.x] = fold(partial[threadIdx.x], partial[threadIdx.x + half]);
        }
        __syncthreads();
    }
    A result = partial[0];
    __syncthreads();
    return result;
}

// How many of the len elements of the row at p lie before its first 16-byte boundary.
template <class T>
__device__ __forceinline__ long long rowHead(const T* p, long long len) {
    constexpr int N = Pack<T>::N;
    long long head = (N - (long long) ((unsigned long long) p / sizeof(T) % N)) % N;
    return head < len ? head : len;
}

// Calls f(x) for each element x of the contiguous row p[0..len) that this thread of the block
// takes: the elements before the row's first 16-byte boundary one each, then whole packs (thread
// t the packs t, t + THREADS, ...) with 128-bit loads, then one each of the last partial pack.
template <class T, class F>
__device__ __forceinline__ void eachOfRow(const T* p, long long len, F&& f) {
    constexpr int N = Pack<T>::N;
    long long head = rowHead(p, len);
    if (threadIdx.x < head) {
        f(p[threadIdx.x]);
    }
    long long packs = (len - head) / N;
    const Pack<T>* pp = reinterpret_cast<const Pack<T>*>(p + head);
    for (long long q = threadIdx.x; q < packs; q += THREADS) {
        Pack<T> x = pp[q];
#pragma unroll
        for (int j = 0; j < N; j++) {
            f(x.v[j]);
        }
    }
    long long j = head + packs * N + threadIdx.x;
    if (j < len) {
        f(p[j]);
    }
}

// Whether a row's elements are contiguous in `in` (the host coalesces the reduced dimensions).
__device__ __forceinline__ bool contiguousRowsIn(const Rows& R) {
    return R.redNd == 1 && R.redIn[0] == 1;
}

// Each thread folds its share of the row (eachOfRow's when the row is contiguous, else every
// THREADS-th element), then the block folds the shares.
template <class T>
__device__ __forceinline__ void reduceKernel(const Rows& R, int op, const T* in, T* out) {
    typedef typename Accumulator<T>::type A;
    __shared__ A partial[THREADS];
    for (long long r = blockIdx.x; r < R.rows; r += gridDim.x) {
        long long inStart, outAt;
        rowStart(R, r, inStart, outAt);
        A acc = identity(op, A());
        if (contiguousRowsIn(R)) {
            eachOfRow(in + inStart, R.len, [&](T x) { acc = combine(op, acc, (A) x); });
        } else {
            for (long long j = threadIdx.x; j < R.len; j += THREADS) {
                acc = combine(op, acc, (A) in[inStart + elementIn(R, j)]);
            }
        }
        acc = blockFold(acc, partial, [op](A a, A b) { return combine(op, a, b); });
        if (threadIdx.x == 0) {
            out[outAt] = (T) acc;
        }
    }
}

// FloatKernels.argmax: the first maximum, and the first NaN as soon as one appears.
template <class T>
__device__ __forceinline__ void argmaxKernel(const Rows& R, const T* in, long long* out) {
    for (long long r = firstThread(); r < R.rows; r += gridThreads()) {
        long long inStart, outAt;
        rowStart(R, r, inStart, outAt);
        T best = in[inStart];
        long long at = 0;
        for (long long j = 1; j < R.len && !isNaN(best); ++j) {
            T v = in[inStart + elementIn(R, j)];
            if (v > best || isNaN(v)) {
                best = v;
                at = j;
            }
        }
        out[outAt] = at;
    }
}

// FloatKernels.cumsum, one block per row (grid-stride over rows): the row is scanned in tiles of
// THREADS elements, one element per thread so that loads and stores coalesce; a tile is scanned
// in shared memory (Hillis-Steele) and added to the carry of the tiles before it. Float rows are
// summed in double, as the CPU does; the tree order within a tile differs from the CPU's single
// running sum only in double's last places, and not at all for int64 (wrapping) or special values.
template <class T>
__device__ __forceinline__ void cumsumKernel(const Rows& R, const T* in, T* out) {
    typedef typename Accumulator<T>::type A;
    __shared__ A partial[THREADS];
    for (long long r = blockIdx.x; r < R.rows; r += gridDim.x) {
        long long inStart, outStart;
        rowStart(R, r, inStart, outStart);
        A carry = 0;
        for (long long tile = 0; tile < R.len; tile += THREADS) {
            long long j = tile + threadIdx.x;
            long long i = 0, o = 0;
            A v = 0;
            if (j < R.len) {
                elementInOut(R, j, i, o);
                v = (A) in[inStart + i];
            }
            partial[threadIdx.x] = v;
            __syncthreads();
            for (int step = 1; step < THREADS; step *= 2) {
                A before = threadIdx.x >= step ? partial[threadIdx.x - step] : A(0);
                __syncthreads();
                partial[threadIdx.x] = add(partial[threadIdx.x], before);
                __syncthreads();
            }
            if (j < R.len) {
                out[outStart + o] = (T) add(carry, partial[threadIdx.x]);
            }
            carry = add(carry, partial[THREADS - 1]);
            // partial is refilled by the next tile.
            __syncthreads();
        }
    }
}

// FloatKernels.softmax, with the row's max and sum folded across the block: the sum of
// exponentials is kept in double for float rows, and log-softmax subtracts max + log(sum).
// Contiguous rows are read with eachOfRow's 128-bit loads, and written with packedMap's 128-bit
// stores where the output row is contiguous too and starts at the same place within 16 bytes.
template <class T>
__device__ __forceinline__ void softmaxKernel(const Rows& R, int logSoftmax, const T* in, T* out) {
    __shared__ double partial[THREADS];
    bool contiguous = contiguousRowsIn(R);
    for (long long r = blockIdx.x; r < R.rows; r += gridDim.x) {
        long long inStart, outStart;
        rowStart(R, r, inStart, outStart);
        const T* row = in + inStart;
        double max = -INFINITY;
        if (contiguous) {
            eachOfRow(row, R.len, [&](T x) { max = javaMax(max, (double) x); });
        } else {
            for (long long j = threadIdx.x; j < R.len; j += THREADS) {
                max = javaMax(max, (double) row[elementIn(R, j)]);
            }
        }
        max = blockFold(max, partial, [](double a, double b) { return javaMax(a, b); });
        double sum = 0;
        if (contiguous) {
            eachOfRow(row, R.len, [&](T x) { sum += exp(x - max); });
        } else {
            for (long long j = threadIdx.x; j < R.len; j += THREADS) {
                sum += exp(row[elementIn(R, j)] - max);
            }
        }
        sum = blockFold(sum, partial, [](double a, double b) { return a + b; });
        double logSumExp = max + log(sum);
        auto value = [=](T x) { return (T) (logSoftmax ? x - logSumExp : exp(x - max) / sum); };
        T* target = out + outStart;
        long long head = rowHead(row, R.len);
        if (contiguous && R.redOut[0] == 1 && packable(target + head, row + head)) {
            if (threadIdx.x < head) {
                target[threadIdx.x] = value(row[threadIdx.x]);
            }
            packedMap(threadIdx.x, THREADS, R.len - head, value, target + head, row + head);
        } else {
            for (long long j = threadIdx.x; j < R.len; j += THREADS) {
                long long i, o;
                elementInOut(R, j, i, o);
                target[o] = value(row[i]);
            }
        }
    }
}

// ---------------------------------------------------------------- gemm

// c[p] = a[p] * b[p] for each batch index p: a is n x k, b is k x m, c is n x m, contiguous
// row-major. Each operand is given as BLAS gives it: a leading dimension, a batch stride (0 for
// a broadcast batch) and whether it is stored transposed. Element (i, l) of a[p] is
// a[p * strideA + i * lda + l], or a[p * strideA + l * lda + i] when transA; likewise b.
//
// The classic register-blocked SGEMM. A block computes a 128 x 128 tile of c; each of its 256
// threads a set of 8 x 8 results: the rows ty*4 + {0..3} and 64 + ty*4 + {0..3}, the columns
// tx*4 + {0..3} and 64 + tx*4 + {0..3} (tx = t % 16, ty = t / 16). Splitting each set into two
// runs of 4 lets every thread read its a and b values as 16-byte vectors from shared memory
// without bank conflicts, and lets a warp store 256 contiguous bytes of c per row.
//
// The k dimension advances in slices of 8: a 128 x 8 slice of a and an 8 x 128 slice of b, both
// held k-major in shared memory (a row of a slice is one k, so a column of the tile is
// contiguous). Each thread fetches 4 values of each, and fetches the next slice into registers
// while it computes on the current one, which sits in one of two shared buffers: one barrier per
// slice suffices. How a thread fetches follows the operand's layout, so that global reads stay
// 16-byte vectors along whichever dimension is contiguous in memory: along k (a untransposed, b
// transposed) a thread reads 4 values of one row of the tile and stores them across 4 rows of
// the slice; along the tile's own dimension (a transposed, b untransposed) it reads 4 values of
// one k and stores them as one vector. The loop that computes never sees the layout.
//
// Edges: a slice entry outside a or b reads as 0, so partial tiles compute exactly; results
// outside c are not stored. Vector loads and stores need runs that start on 16 bytes (a leading
// dimension and batch stride that are multiples of 4 and an aligned base pointer); otherwise the
// same values move one at a time.
namespace gemm {

constexpr int TILE = 128;
constexpr int SLICE = 8;
constexpr int HALF = TILE / 2;
// Pads each row of a slice so that the two threads that store one tile row's values into slice
// rows 0..3 and 4..7 (the k-contiguous fetch) hit different banks; rows stay 16-byte aligned.
constexpr int PAD = 4;

template <class T>
struct __align__(16) Quad {
    T v[4];
};

template <class T>
__device__ __forceinline__ bool aligned16(const T* p) {
    return ((unsigned long long) p & 15) == 0;
}

__device__ __forceinline__ float madd(float a, float b, float c) { return fmaf(a, b, c); }
__device__ __forceinline__ double madd(double a, double b, double c) { return fma(a, b, c); }
__device__ __forceinline__ long long madd(long long a, long long b, long long c) { return wrapAdd(c, wrapMul(a, b)); }

// How many of the 4 elements from a column onwards exist, of a row with `left` columns there.
__device__ __forceinline__ int present(long long left) {
    return left < 4 ? (int) left : 4;
}

// Four consecutive elements at p, of which only the first `left` exist; the others read as 0.
template <class T>
__device__ __forceinline__ Quad<T> loadQuad(const T* __restrict__ p, int left, bool vector) {
    if (vector && left >= 4) {
        return *reinterpret_cast<const Quad<T>*>(p);
    }
    Quad<T> q;
#pragma unroll
    for (int i = 0; i < 4; ++i) {
        q.v[i] = i < left ? p[i] : T(0);
    }
    return q;
}

// Stores the first `left` of four values at p.
template <class T>
__device__ __forceinline__ void storeQuad(T* __restrict__ p, int left, bool vector, const T* v) {
    if (vector && left >= 4) {
        Quad<T> q;
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            q.v[i] = v[i];
        }
        *reinterpret_cast<Quad<T>*>(p) = q;
    } else {
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            if (i < left) {
                p[i] = v[i];
            }
        }
    }
}

// One thread's share of the slices of one operand: 4 values per slice, read from global memory
// and stored into the k-major shared slice [SLICE][TILE + PAD]. `kMajor` says the operand's
// tile dimension (n for a, m for b) is contiguous in memory (a transposed, b untransposed):
// the thread then reads 4 tile entries of one k; otherwise 4 k of one tile entry. What the edges
// leave of them is settled once here; within the loop only a final partial slice is narrower.
// (Carrying 64-bit counts through the loop instead costs the f32 kernel enough registers to
// spill on sm_90.)
template <class T, bool kMajor>
struct Loader {
    const T* next;
    long long step;
    int kAt;    // the first k of the slice this thread reads
    int tileAt; // the first tile entry this thread reads
    int edge;   // kMajor: the tile entries present from tileAt (up to 4); else whether tileAt is inside (1 or 0)
    bool vector;

    // The operand's tile rows start at `tile0` of `extent`; element (tile entry e, k l) lies at
    // p[e * ld + l] (k contiguous) or p[l * ld + e] (tile contiguous), in matrix z of p.
    __device__ __forceinline__ Loader(const T* p, long long ld, long long batchStride, long long z, long long tile0,
                                      long long extent, int t) {
        const T* base = p + z * batchStride;
        vector = ld % 4 == 0 && batchStride % 4 == 0 && aligned16(p);
        if (kMajor) {
            kAt = t / 32;
            tileAt = (t % 32) * 4;
            next = base + kAt * ld + tile0 + tileAt;
            step = SLICE * ld;
            edge = present(extent - (tile0 + tileAt));
        } else {
            kAt = (t % 2) * 4;
            tileAt = t / 2;
            next = base + (tile0 + tileAt) * ld + kAt;
            step = SLICE;
            edge = tile0 + tileAt < extent ? 1 : 0;
        }
    }

    // width: the k of the slice, SLICE but in a final partial slice.
    __device__ __forceinline__ Quad<T> fetch(int width) {
        const Quad<T> q = kMajor ? loadQuad(next, kAt < width ? edge : 0, vector)
                                 : loadQuad(next, edge ? width - kAt : 0, vector);
        next += step;
        return q;
    }

    __device__ __forceinline__ void stash(T (*slice)[TILE + PAD], const Quad<T>& q) const {
        if (kMajor) {
            *reinterpret_cast<Quad<T>*>(&slice[kAt][tileAt]) = q;
        } else {
#pragma unroll
            for (int i = 0; i < 4; ++i) {
                slice[kAt + i][tileAt] = q.v[i];
            }
        }
    }
};

template <class T, bool transA, bool transB>
__device__ __forceinline__ void kernel(long long n, long long k, long long m, const T* __restrict__ a, long long lda,
                                       long long strideA, const T* __restrict__ b, long long ldb, long long strideB,
                                       T* __restrict__ c) {
    __shared__ __align__(16) T aSlice[2][SLICE][TILE + PAD];
    __shared__ __align__(16) T bSlice[2][SLICE][TILE + PAD];

    const long long z = blockIdx.z;
    const long long row0 = (long long) blockIdx.y * TILE;
    const long long col0 = (long long) blockIdx.x * TILE;
    const int t = threadIdx.x;

    Loader<T, transA> la(a, lda, strideA, z, row0, n, t);
    Loader<T, !transB> lb(b, ldb, strideB, z, col0, m, t);

    const int tx = t % 16;
    const int ty = t / 16;
    T acc[8][8];
#pragma unroll
    for (int i = 0; i < 8; ++i) {
#pragma unroll
        for (int j = 0; j < 8; ++j) {
            acc[i][j] = T(0);
        }
    }

    const int lastWidth = k % SLICE == 0 ? SLICE : (int) (k % SLICE);
    Quad<T> qa, qb;
    long long rest = (k + SLICE - 1) / SLICE;
    if (rest > 0) {
        qa = la.fetch(rest == 1 ? lastWidth : SLICE);
        qb = lb.fetch(rest == 1 ? lastWidth : SLICE);
        la.stash(aSlice[0], qa);
        lb.stash(bSlice[0], qb);
    }
    __syncthreads();
    int buffer = 0;
    for (; rest > 0; --rest) {
        const bool more = rest > 1;
        if (more) {
            qa = la.fetch(rest == 2 ? lastWidth : SLICE);
            qb = lb.fetch(rest == 2 ? lastWidth : SLICE);
        }
#pragma unroll
        for (int kk = 0; kk < SLICE; ++kk) {
            const Quad<T> a0 = *reinterpret_cast<const Quad<T>*>(&aSlice[buffer][kk][ty * 4]);
            const Quad<T> a1 = *reinterpret_cast<const Quad<T>*>(&aSlice[buffer][kk][HALF + ty * 4]);
            const Quad<T> b0 = *reinterpret_cast<const Quad<T>*>(&bSlice[buffer][kk][tx * 4]);
            const Quad<T> b1 = *reinterpret_cast<const Quad<T>*>(&bSlice[buffer][kk][HALF + tx * 4]);
#pragma unroll
            for (int i = 0; i < 8; ++i) {
                const T x = i < 4 ? a0.v[i] : a1.v[i - 4];
#pragma unroll
                for (int j = 0; j < 8; ++j) {
                    acc[i][j] = madd(x, j < 4 ? b0.v[j] : b1.v[j - 4], acc[i][j]);
                }
            }
        }
        buffer ^= 1;
        if (more) {
            la.stash(aSlice[buffer], qa);
            lb.stash(bSlice[buffer], qb);
        }
        __syncthreads();
    }

    const bool cVector = m % 4 == 0 && aligned16(c);
    const int left0 = present(m - (col0 + tx * 4));
    const int left1 = present(m - (col0 + HALF + tx * 4));
    T* cRow = c + z * n * m + (row0 + ty * 4) * m + col0 + tx * 4;
#pragma unroll
    for (int i = 0; i < 8; ++i) {
        const int r = (i / 4) * HALF + i % 4;
        if (row0 + ty * 4 + r < n) {
            storeQuad(cRow + r * m, left0, cVector, &acc[i][0]);
            storeQuad(cRow + r * m + HALF, left1, cVector, &acc[i][4]);
        }
    }
}

}  // namespace gemm

// ---------------------------------------------------------------- optimizers

// Adam's denominator in the plain case, as AdamKernel writes it for each precision.
__device__ __forceinline__ float adamDenominator(float v, float inv, double, float eps) { return sqrtf(v) * inv + eps; }
__device__ __forceinline__ double adamDenominator(double v, double, double bc2Sqrt, double eps) {
    return sqrt(v) / bc2Sqrt + eps;
}

// Backend.adamStep over contiguous operands, as the CPU's AdamKernel: the plain case (no AMSGrad,
// no maximize, no L2 decay folded into the gradient) in the storage's precision, the general one
// in double, rounding the moments to T as they are stored. flags: 1 AMSGrad (max is read and
// written; otherwise it is never touched), 2 maximize, 4 decoupled weight decay.
template <class T>
__device__ __forceinline__ void adamKernel(long long n, T* p, const T* g, T* m, T* v, T* max, int flags, double beta1,
                                           double beta2, double eps, double weightDecay, double decay,
                                           double stepSize, double bc2Sqrt) {
    bool amsgrad = flags & 1;
    bool maximize = flags & 2;
    bool decoupled = flags & 4;
    if (!amsgrad && !maximize && (decoupled || weightDecay == 0)) {
        T b1 = (T)beta1, c1 = (T)(1 - beta1), b2 = (T)beta2, c2 = (T)(1 - beta2);
        T d = (T)decay, step = (T)stepSize, inv = (T)(1 / bc2Sqrt), e = (T)eps;
        for (long long i = firstThread(); i < n; i += gridThreads()) {
            T gi = g[i];
            T mi = b1 * m[i] + c1 * gi;
            T vi = b2 * v[i] + c2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p[i] = p[i] * d - step * mi / adamDenominator(vi, inv, bc2Sqrt, e);
        }
        return;
    }
    for (long long i = firstThread(); i < n; i += gridThreads()) {
        double grad = maximize ? -(double)g[i] : (double)g[i];
        double param = p[i];
        if (decoupled) {
            param = (T)(param * decay);
        } else if (weightDecay != 0) {
            grad += weightDecay * param;
        }
        T mi = (T)(beta1 * m[i] + (1 - beta1) * grad);
        T vi = (T)(beta2 * v[i] + (1 - beta2) * grad * grad);
        m[i] = mi;
        v[i] = vi;
        T second = vi;
        if (amsgrad) {
            second = javaMax(max[i], vi);
            max[i] = second;
        }
        p[i] = (T)(param - stepSize * mi / (sqrt((double)second) / bc2Sqrt + eps));
    }
}

}  // namespace nabla

using namespace nabla;

// ---------------------------------------------------------------- entry points

#define NABLA_FILL(T, NAME) \
    extern "C" __global__ void __launch_bounds__(THREADS) fill_##NAME(Layout L, T* out, double value) { \
        fillKernel(L, out, value); \
    }
NABLA_FILL(float, f32)
NABLA_FILL(double, f64)
NABLA_FILL(long long, i64)
NABLA_FILL(b8, b8)

#define NABLA_COPY(S, SN, D, DN) \
    extern "C" __global__ void __launch_bounds__(THREADS) copy_##SN##_to_##DN(Layout L, const S* src, D* dst) { \
        copyKernel(L, src, dst); \
    }
#define NABLA_COPY_FROM(S, SN) \
    NABLA_COPY(S, SN, float, f32) \
    NABLA_COPY(S, SN, double, f64) \
    NABLA_COPY(S, SN, long long, i64) \
    NABLA_COPY(S, SN, b8, b8)
NABLA_COPY_FROM(float, f32)
NABLA_COPY_FROM(double, f64)
NABLA_COPY_FROM(long long, i64)
NABLA_COPY_FROM(b8, b8)

#define NABLA_UNARY(T, NAME) \
    extern "C" __global__ void __launch_bounds__(THREADS) unary_##NAME(Layout L, int op, const T* in, T* out) { \
        unaryKernel(L, op, in, out); \
    }
NABLA_UNARY(float, f32)
NABLA_UNARY(double, f64)
NABLA_UNARY(long long, i64)

#define NABLA_CLAMP(T, NAME) \
    extern "C" __global__ void __launch_bounds__(THREADS) clamp_##NAME(Layout L, const T* in, T* out, double lo, double hi) { \
        clampKernel(L, in, out, lo, hi); \
    }
NABLA_CLAMP(float, f32)
NABLA_CLAMP(double, f64)
NABLA_CLAMP(long long, i64)

#define NABLA_BINARY(T, NAME) \
    extern "C" __global__ void __launch_bounds__(THREADS) binary_##NAME(Layout L, int op, const T* a, const T* b, T* out) { \
        binaryKernel(L, op, a, b, out); \
    } \
    extern "C" __global__ void __launch_bounds__(THREADS) compare_##NAME(Layout L, int op, const T* a, const T* b, b8* out) { \
        compareKernel(L, op, a, b, out); \
    }
NABLA_BINARY(float, f32)
NABLA_BINARY(double, f64)
NABLA_BINARY(long long, i64)

#define NABLA_WHERE_GATHER(T, NAME) \
    extern "C" __global__ void __launch_bounds__(THREADS) where_##NAME(Layout L, const b8* cond, const T* a, const T* b, T* out) { \
        whereKernel(L, cond, a, b, out); \
    } \
    extern "C" __global__ void __launch_bounds__(THREADS) gather_##NAME(Layout L, long long inDimStride, const T* in, \
                                                                       const long long* index, T* out) { \
        gatherKernel(L, inDimStride, in, index, out); \
    }
NABLA_WHERE_GATHER(float, f32)
NABLA_WHERE_GATHER(double, f64)
NABLA_WHERE_GATHER(long long, i64)
NABLA_WHERE_GATHER(b8, b8)

#define NABLA_SCATTER_ADD(T, NAME) \
    extern "C" __global__ void __launch_bounds__(THREADS) scatter_add_##NAME(Layout L, long long outDimStride, const T* src, \
                                                                            const long long* index, T* out) { \
        scatterAddKernel(L, outDimStride, src, index, out); \
    }
NABLA_SCATTER_ADD(float, f32)
NABLA_SCATTER_ADD(double, f64)
NABLA_SCATTER_ADD(long long, i64)

#define NABLA_ROWS(T, NAME) \
    extern "C" __global__ void __launch_bounds__(THREADS) reduce_##NAME(Rows R, int op, const T* in, T* out) { \
        reduceKernel(R, op, in, out); \
    } \
    extern "C" __global__ void __launch_bounds__(THREADS) argmax_##NAME(Rows R, const T* in, long long* out) { \
        argmaxKernel(R, in, out); \
    } \
    extern "C" __global__ void __launch_bounds__(THREADS) cumsum_##NAME(Rows R, const T* in, T* out) { \
        cumsumKernel(R, in, out); \
    }
NABLA_ROWS(float, f32)
NABLA_ROWS(double, f64)
NABLA_ROWS(long long, i64)

#define NABLA_SOFTMAX(T, NAME) \
    extern "C" __global__ void __launch_bounds__(THREADS) softmax_##NAME(Rows R, int logSoftmax, const T* in, T* out) { \
        softmaxKernel(R, logSoftmax, in, out); \
    }
NABLA_SOFTMAX(float, f32)
NABLA_SOFTMAX(double, f64)

// One entry point per layout of the operands (n: as stored, t: stored transposed; a's letter
// first), so that each is compiled and register-allocated on its own: all four in one function
// spill the f32 kernel's registers on sm_90. Two f32 blocks per SM cap the kernel at 128
// registers, which it fits without spilling only because the slice loop carries 32-bit widths;
// the 64-bit types need twice the accumulator registers and run one block per SM.
#define NABLA_GEMM_LAYOUT(T, NAME, BOUNDS, LAYOUT, TA, TB) \
    extern "C" __global__ void BOUNDS gemm_##LAYOUT##_##NAME(long long batch, long long n, long long k, long long m, \
                                                             const T* a, long long lda, long long strideA, \
                                                             const T* b, long long ldb, long long strideB, T* c) { \
        gemm::kernel<T, TA, TB>(n, k, m, a, lda, strideA, b, ldb, strideB, c); \
    }
#define NABLA_GEMM(T, NAME, BOUNDS) \
    NABLA_GEMM_LAYOUT(T, NAME, BOUNDS, nn, false, false) \
    NABLA_GEMM_LAYOUT(T, NAME, BOUNDS, nt, false, true) \
    NABLA_GEMM_LAYOUT(T, NAME, BOUNDS, tn, true, false) \
    NABLA_GEMM_LAYOUT(T, NAME, BOUNDS, tt, true, true)
NABLA_GEMM(float, f32, __launch_bounds__(THREADS, 2))
NABLA_GEMM(double, f64, __launch_bounds__(THREADS))
NABLA_GEMM(long long, i64, __launch_bounds__(THREADS))

// Products and sums rounded one by one (no fused multiply-add), as the CPU's SgdKernels rounds them.
__device__ __forceinline__ float mulRn(float a, float b) { return __fmul_rn(a, b); }
__device__ __forceinline__ double mulRn(double a, double b) { return __dmul_rn(a, b); }
__device__ __forceinline__ float addRn(float a, float b) { return __fadd_rn(a, b); }
__device__ __forceinline__ double addRn(double a, double b) { return __dadd_rn(a, b); }

// Backend.sgdStep over contiguous operands, as the CPU's SgdKernels: the tensor ops' arithmetic in
// their order and precision, each scalar rounded to T first. flags: 1 first step (buf = d), 2
// Nesterov, 4 maximize; buf is null-free: without momentum (momentum == 0) it is never touched.
template <class T>
__device__ __forceinline__ void sgdKernel(long long n, T* p, const T* g, T* buf, int flags, double lr,
                                          double momentum, double dampening, double weightDecay) {
    bool first = flags & 1;
    bool nesterov = flags & 2;
    bool maximize = flags & 4;
    T negLr = (T)(-lr), wd = (T)weightDecay, m = (T)momentum, keep = (T)(1 - dampening);
    for (long long i = firstThread(); i < n; i += gridThreads()) {
        T d = maximize ? -g[i] : g[i];
        if (weightDecay != 0) {
            d = addRn(d, mulRn(p[i], wd));
        }
        if (momentum != 0) {
            T b = first ? d : addRn(mulRn(buf[i], m), dampening != 0 ? mulRn(d, keep) : d);
            buf[i] = b;
            d = nesterov ? addRn(d, mulRn(b, m)) : b;
        }
        p[i] = addRn(p[i], mulRn(d, negLr));
    }
}

#define NABLA_SGD(T, NAME) \
    extern "C" __global__ void __launch_bounds__(THREADS) sgd_##NAME(long long n, T* p, const T* g, T* buf, int flags, \
            double lr, double momentum, double dampening, double weightDecay) { \
        sgdKernel(n, p, g, buf, flags, lr, momentum, dampening, weightDecay); \
    }
NABLA_SGD(float, f32)
NABLA_SGD(double, f64)

#define NABLA_ADAM(T, NAME) \
    extern "C" __global__ void __launch_bounds__(THREADS) adam_##NAME(long long n, T* p, const T* g, T* m, T* v, T* max, \
            int flags, double beta1, double beta2, double eps, double weightDecay, double decay, double stepSize, \
            double bc2Sqrt) { \
        adamKernel(n, p, g, m, v, max, flags, beta1, beta2, eps, weightDecay, decay, stepSize, bc2Sqrt); \
    }
NABLA_ADAM(float, f32)
NABLA_ADAM(double, f64)
