// Runs nabla_kernels.cu on the CPU (cuda_emu.h: one host thread per CUDA thread, a barrier for
// __syncthreads) and checks each kernel family against a plain reference computed here, on the
// edges that matter: ragged tiles, broadcasting, NaN, -0.0, Java's casts. This is how the
// kernels' own logic is exercised on machines without a GPU; KernelsOnCpuTest compiles and
// runs it. Prints one line per failed check and exits with status 1 if any failed.
#include "cuda_emu.h"
#include "../../main/cuda/nabla_kernels.cu"

#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>

namespace {

int failures = 0;
int checks = 0;

void expect(bool ok, const std::string& what) {
    checks++;
    if (!ok) {
        failures++;
        std::printf("FAIL %s\n", what.c_str());
    }
}

bool same(double want, double got, double tol) {
    if (std::isnan(want)) return std::isnan(got);
    if (want == 0 && got == 0) return std::signbit(want) == std::signbit(got);
    if (std::isinf(want)) return want == got;
    return std::fabs(want - got) <= tol * std::max(1.0, std::fabs(want));
}

template <class T>
void expectAll(const std::vector<T>& want, const std::vector<T>& got, double tol, const std::string& what) {
    bool ok = want.size() == got.size();
    size_t bad = 0;
    for (size_t i = 0; ok && i < want.size(); i++) {
        if (!same((double) want[i], (double) got[i], tol)) {
            ok = false;
            bad = i;
        }
    }
    expect(ok, what + (ok ? "" : " (first difference at " + std::to_string(bad) + ": want "
                                   + std::to_string((double) want[bad]) + ", got " + std::to_string((double) got[bad]) + ")"));
}

dim3 grid(long long threads) {
    dim3 g;
    g.x = (unsigned) std::min<long long>((threads + 255) / 256, 4);  // few blocks: the grid-stride loops do the rest
    return g;
}

// A Layout over `shape` for operands with the given strides (row-major; last dim fastest).
Layout layout(std::vector<long long> shape, std::vector<std::vector<long long>> strides, std::vector<long long> offsets = {}) {
    Layout L;
    std::memset(&L, 0, sizeof L);
    L.nd = (long long) shape.size();
    L.numel = 1;
    for (size_t d = 0; d < shape.size(); d++) {
        L.shape[d] = shape[d];
        L.numel *= shape[d];
    }
    for (size_t k = 0; k < strides.size(); k++) {
        for (size_t d = 0; d < shape.size(); d++) L.stride[k][d] = strides[k][d];
        L.offset[k] = k < offsets.size() ? offsets[k] : 0;
    }
    return L;
}

// Rows of a row-major [rows, len] matrix reduced along its last dim (out: one per row, or the
// same shape for softmax).
Rows rows(long long r, long long len, bool sameShapeOut) {
    Rows R;
    std::memset(&R, 0, sizeof R);
    R.rows = r;
    R.len = len;
    R.keepNd = 1;
    R.keepShape[0] = r;
    R.keepIn[0] = len;
    R.keepOut[0] = sameShapeOut ? len : 1;
    R.redNd = 1;
    R.redShape[0] = len;
    R.redIn[0] = 1;
    R.redOut[0] = sameShapeOut ? 1 : 0;
    return R;
}

std::mt19937_64 rng(42);

template <class T>
std::vector<T> randoms(size_t n) {
    std::normal_distribution<double> d;
    std::vector<T> v(n);
    for (auto& x : v) x = (T) d(rng);
    return v;
}

double javaMaxRef(double a, double b) {
    if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
    if (a == 0 && b == 0) return std::signbit(a) ? b : a;
    return a > b ? a : b;
}

void elementwise() {
    // Contiguous (nd == 1) over more elements than the grid has threads.
    const long long n = 3000;
    auto a = randoms<float>(n), b = randoms<float>(n);
    std::vector<float> out(n), want(n);
    Layout L = layout({n}, {{1}, {1}, {1}});
    emuLaunch(grid(n), 256, [&] { binary_f32(L, nabla::ADD, a.data(), b.data(), out.data()); });
    for (long long i = 0; i < n; i++) want[i] = a[i] + b[i];
    expectAll(want, out, 0, "binary_f32 ADD, contiguous");

    // Broadcasting: out [3, 5] = a [3, 1] * b [1, 5], with an offset on b.
    std::vector<double> x = {1, -2, 3}, y = {9, 1, 2, 3, 4, 5};
    std::vector<double> prod(15), wantProd(15);
    Layout B = layout({3, 5}, {{5, 1}, {1, 0}, {0, 1}}, {0, 0, 1});
    emuLaunch(grid(15), 256, [&] { binary_f64(B, nabla::MUL, x.data(), y.data(), prod.data()); });
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 5; j++) wantProd[i * 5 + j] = x[i] * y[1 + j];
    expectAll(wantProd, prod, 0, "binary_f64 MUL, broadcast [3,1] x [1,5]");

    // Java's Math.max: NaN wins, 0.0 > -0.0.
    double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> p = {nan, 1, -0.0, 0.0, 2}, q = {1, nan, 0.0, -0.0, -3};
    std::vector<double> mx(5), wantMx(5);
    Layout M = layout({5}, {{1}, {1}, {1}});
    emuLaunch(grid(5), 256, [&] { binary_f64(M, nabla::MAXIMUM, p.data(), q.data(), mx.data()); });
    for (int i = 0; i < 5; i++) wantMx[i] = javaMaxRef(p[i], q[i]);
    expectAll(wantMx, mx, 0, "binary_f64 MAXIMUM with NaN and signed zeros");

    // Unary in float, computed in double and rounded once.
    auto u = randoms<float>(1000);
    using namespace nabla;
    for (int op : {NEG, ABS, EXP, SIN, COS, TANH, SIGMOID, RELU, SIGN, LOG1P, RSQRT, ERF, GELU, GELU_SLOPE}) {
        std::vector<float> got(u.size()), ref(u.size());
        Layout U = layout({(long long) u.size()}, {{1}, {1}});
        emuLaunch(grid(u.size()), 256, [&] { unary_f32(U, op, u.data(), got.data()); });
        for (size_t i = 0; i < u.size(); i++) {
            double v = u[i];
            double r = op == NEG ? -v : op == ABS ? std::fabs(v) : op == EXP ? std::exp(v) : op == SIN ? std::sin(v)
                     : op == COS ? std::cos(v) : op == TANH ? std::tanh(v) : op == SIGMOID ? 1 / (1 + std::exp(-v))
                     : op == RELU ? (v > 0 ? v : 0.0) : op == SIGN ? (v > 0) - (v < 0)
                     : op == LOG1P ? std::log1p(v) : op == RSQRT ? 1 / std::sqrt(v) : op == ERF ? std::erf(v)
                     : op == GELU ? 0.5 * v * (1 + std::erf(v / std::sqrt(2.0)))
                     : 0.5 * (1 + std::erf(v / std::sqrt(2.0))) + v * std::exp(-v * v / 2) / std::sqrt(2 * std::acos(-1.0));
            ref[i] = (float) r;
        }
        expectAll(ref, got, 1e-7, "unary_f32 op " + std::to_string(op));
    }

    // Comparisons and where.
    std::vector<unsigned char> gt(5);
    emuLaunch(grid(5), 256, [&] { compare_f64(M, nabla::GT, p.data(), q.data(), gt.data()); });
    std::vector<unsigned char> wantGt = {0, 0, 0, 0, 1};
    expectAll(wantGt, gt, 0, "compare_f64 GT with NaN");
    std::vector<double> w(5), wantW(5);
    Layout W = layout({5}, {{1}, {1}, {1}, {1}});
    emuLaunch(grid(5), 256, [&] { where_f64(W, gt.data(), p.data(), q.data(), w.data()); });
    for (int i = 0; i < 5; i++) wantW[i] = gt[i] ? p[i] : q[i];
    expectAll(wantW, w, 0, "where_f64");
}

void conversions() {
    double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
    std::vector<double> src = {nan, inf, -inf, 1e300, -2.9, 2.9, 0.0};
    std::vector<long long> dst(src.size());
    Layout L = layout({(long long) src.size()}, {{1}, {1}});
    emuLaunch(grid(src.size()), 256, [&] { copy_f64_to_i64(L, src.data(), dst.data()); });
    long long mx = std::numeric_limits<long long>::max(), mn = std::numeric_limits<long long>::min();
    std::vector<long long> want = {0, mx, mn, mx, -2, 2, 0};
    expectAll(want, dst, 0, "copy_f64_to_i64 saturates and maps NaN to 0, as Java's (long)");

    std::vector<unsigned char> flags(src.size());
    emuLaunch(grid(src.size()), 256, [&] { copy_f64_to_b8(L, src.data(), flags.data()); });
    std::vector<unsigned char> wantFlags = {1, 1, 1, 1, 1, 1, 0};
    expectAll(wantFlags, flags, 0, "copy_f64_to_b8 is x != 0");

    // A transposed copy: dst [4, 3] contiguous from src [3, 4] read with strides (1, 4).
    std::vector<float> s(12), t(12), wantT(12);
    for (int i = 0; i < 12; i++) s[i] = (float) i;
    Layout T = layout({4, 3}, {{3, 1}, {1, 4}});
    emuLaunch(grid(12), 256, [&] { copy_f32_to_f32(T, s.data(), t.data()); });
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 3; j++) wantT[i * 3 + j] = s[j * 4 + i];
    expectAll(wantT, t, 0, "copy_f32_to_f32 of a transpose");

    std::vector<long long> filled(300);
    Layout F = layout({300}, {{1}});
    emuLaunch(grid(300), 256, [&] { fill_i64(F, filled.data(), 7.0); });
    expectAll(std::vector<long long>(300, 7), filled, 0, "fill_i64");
}

void indexing() {
    // gather along dim 0 of in [4, 3]: out [2, 3] = in[index[i][j]][j].
    std::vector<double> in = randoms<double>(12);
    std::vector<long long> index = {3, 0, 1, 1, 2, 0};
    std::vector<double> out(6), want(6);
    Layout G = layout({2, 3}, {{3, 1}, {0, 1}, {3, 1}});
    emuLaunch(grid(6), 256, [&] { gather_f64(G, 3, in.data(), index.data(), out.data()); });
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++) want[i * 3 + j] = in[index[i * 3 + j] * 3 + j];
    expectAll(want, out, 0, "gather_f64 along dim 0");

    // scatter_add: many sources into few slots, which needs the atomics.
    const long long n = 2000;
    std::vector<float> src(n, 1.0f);
    std::vector<long long> slot(n);
    for (long long i = 0; i < n; i++) slot[i] = i % 3;
    std::vector<float> acc(3, 0.0f);
    Layout S = layout({n}, {{1}, {0}, {1}});
    emuLaunch(grid(n), 256, [&] { scatter_add_f32(S, 1, src.data(), slot.data(), acc.data()); });
    expectAll(std::vector<float>{667, 667, 666}, acc, 0, "scatter_add_f32 into 3 slots");
}

void reductions() {
    const long long r = 7, len = 1000;
    auto in = randoms<double>(r * len);
    in[2 * len + 17] = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> sum(r), mx(r), mn(r), wantSum(r, 0), wantMax(r), wantMin(r);
    Rows R = rows(r, len, false);
    dim3 g;
    g.x = 3;  // fewer blocks than rows: the blocks stride over the rows
    emuLaunch(g, 256, [&] { reduce_f64(R, nabla::SUM, in.data(), sum.data()); });
    emuLaunch(g, 256, [&] { reduce_f64(R, nabla::MAX, in.data(), mx.data()); });
    emuLaunch(g, 256, [&] { reduce_f64(R, nabla::MIN, in.data(), mn.data()); });
    for (long long i = 0; i < r; i++) {
        wantMax[i] = wantMin[i] = in[i * len];
        for (long long j = 0; j < len; j++) {
            double v = in[i * len + j];
            wantSum[i] += v;
            wantMax[i] = javaMaxRef(wantMax[i], v);
            wantMin[i] = std::isnan(wantMin[i]) || std::isnan(v) ? std::numeric_limits<double>::quiet_NaN()
                                                                  : std::min(wantMin[i], v);
        }
    }
    expectAll(wantSum, sum, 1e-12, "reduce_f64 SUM over rows");
    expectAll(wantMax, mx, 0, "reduce_f64 MAX, a NaN row stays NaN");
    expectAll(wantMin, mn, 0, "reduce_f64 MIN");

    auto f = randoms<float>(r * len);
    std::vector<float> fsum(r), wantF(r);
    emuLaunch(g, 256, [&] { reduce_f32(R, nabla::SUM, f.data(), fsum.data()); });
    for (long long i = 0; i < r; i++) {
        double s = 0;
        for (long long j = 0; j < len; j++) s += f[i * len + j];
        wantF[i] = (float) s;
    }
    expectAll(wantF, fsum, 1e-6, "reduce_f32 SUM accumulates in double");

    std::vector<long long> arg(r), wantArg(r);
    emuLaunch(g, 256, [&] { argmax_f64(R, in.data(), arg.data()); });
    for (long long i = 0; i < r; i++) {
        long long best = 0;
        for (long long j = 1; j < len && !std::isnan(in[i * len + best]); j++) {
            double v = in[i * len + j];
            if (v > in[i * len + best] || std::isnan(v)) best = j;
        }
        wantArg[i] = best;
    }
    expectAll(wantArg, arg, 0, "argmax_f64, first maximum, NaN wins");

    auto x = randoms<double>(r * len);
    std::vector<double> sm(r * len), lsm(r * len), wantSm(r * len), wantLsm(r * len);
    Rows S = rows(r, len, true);
    emuLaunch(g, 256, [&] { softmax_f64(S, 0, x.data(), sm.data()); });
    emuLaunch(g, 256, [&] { softmax_f64(S, 1, x.data(), lsm.data()); });
    for (long long i = 0; i < r; i++) {
        double m = -std::numeric_limits<double>::infinity(), s = 0;
        for (long long j = 0; j < len; j++) m = std::max(m, x[i * len + j]);
        for (long long j = 0; j < len; j++) s += std::exp(x[i * len + j] - m);
        for (long long j = 0; j < len; j++) {
            wantSm[i * len + j] = std::exp(x[i * len + j] - m) / s;
            wantLsm[i * len + j] = x[i * len + j] - (m + std::log(s));
        }
    }
    expectAll(wantSm, sm, 1e-12, "softmax_f64");
    expectAll(wantLsm, lsm, 1e-12, "log softmax_f64");

    // Rows of 1000 span four tiles of 256, whose carries must chain; float rows sum in double.
    std::vector<double> cs(r * len), wantCs(r * len);
    emuLaunch(g, 256, [&] { cumsum_f64(S, x.data(), cs.data()); });
    std::vector<float> fcs(r * len), wantFcs(r * len);
    emuLaunch(g, 256, [&] { cumsum_f32(S, f.data(), fcs.data()); });
    for (long long i = 0; i < r; i++) {
        double s = 0, fs = 0;
        for (long long j = 0; j < len; j++) {
            s += x[i * len + j];
            fs += f[i * len + j];
            wantCs[i * len + j] = s;
            wantFcs[i * len + j] = (float) fs;
        }
    }
    expectAll(wantCs, cs, 1e-12, "cumsum_f64 across tiles");
    expectAll(wantFcs, fcs, 1e-6, "cumsum_f32 accumulates in double");
    std::vector<long long> big(r * len, 1LL << 61), lcs(r * len), wantLcs(r * len);
    emuLaunch(g, 256, [&] { cumsum_i64(S, big.data(), lcs.data()); });
    for (long long i = 0; i < r; i++) {
        unsigned long long s = 0;
        for (long long j = 0; j < len; j++) {
            s += 1ULL << 61;
            wantLcs[i * len + j] = (long long) s;
        }
    }
    expectAll(wantLcs, lcs, 0, "cumsum_i64 wraps");
}

// ---------------------------------------------------------------- the contiguous path

// Lengths around the packs of every width (1, 2, 4, 8 and 16 elements), empty and one element
// included, and one long enough that a one-block grid strides over its packs several times.
const long long LENGTHS[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 33, 4099};

// The grids a contiguous launch meets: one block (every thread strides over many packs) and the
// host's, one thread per pack of n elements (cover = 16 / the widest operand's size).
std::vector<dim3> gridsFor(long long n, int cover) {
    dim3 one;
    dim3 host;
    host.x = (unsigned) std::max<long long>(1, (n / cover + 1 + 255) / 256);
    return {one, host};
}

std::string where(const char* kernel, long long n, std::vector<long long> offsets, int grid) {
    std::string s = std::string(kernel) + " of " + std::to_string(n) + " at offsets";
    for (long long o : offsets) s += " " + std::to_string(o);
    return s + " on " + std::to_string(grid) + " block(s)";
}

// One contiguous Layout of n elements over K operands at the given offsets.
Layout contiguous(long long n, std::vector<long long> offsets) {
    return layout({n}, std::vector<std::vector<long long>>(offsets.size(), {1}), offsets);
}

// Runs launch(L, grid) over every length, every output and input offset in 0..3 and both grids,
// and compares the whole output buffer with reference(i) at offset..offset+n and the sentinel
// elsewhere. D is the output's type; offsets are element offsets (0 is 16-byte aligned, as the
// vectors' storage is; the others are not, for every type wider than a byte).
template <class D, class Launch, class Reference>
void contiguousCase(const char* kernel, int inputs, int cover, double tol, Launch launch, Reference reference) {
    for (long long n : LENGTHS) {
        for (long long outOff = 0; outOff < 4; outOff++) {
            for (long long inOff = 0; inOff < 4; inOff++) {
                std::vector<long long> offsets(1 + inputs, inOff);
                offsets[0] = outOff;
                if (inputs > 1) offsets[2] = (inOff + 1) % 4;  // a second input at another alignment
                for (dim3 g : gridsFor(n, cover)) {
                    const D sentinel = (D) 99;
                    std::vector<D> out((size_t) (outOff + n), sentinel), want = out;
                    Layout L = contiguous(n, offsets);
                    launch(L, g, out.data());
                    for (long long i = 0; i < n; i++) want[outOff + i] = reference(offsets, i);
                    expectAll(want, out, tol, where(kernel, n, offsets, (int) g.x));
                }
            }
        }
    }
}

void contiguousElementwise() {
    using namespace nabla;
    const long long most = 4099 + 4;
    auto f = randoms<float>(most), f2 = randoms<float>(most);
    auto d = randoms<double>(most), d2 = randoms<double>(most);
    std::vector<long long> l(most), l2(most);
    std::vector<b8> c(most);
    for (long long i = 0; i < most; i++) {
        l[i] = (long long) (d[i] * 1000);
        l2[i] = (long long) (d2[i] * 1000);
        c[i] = d[i] > d2[i];
    }
    f[5] = std::numeric_limits<float>::quiet_NaN();
    d[6] = -0.0;
    expect(reinterpret_cast<unsigned long long>(f.data()) % 16 == 0 && reinterpret_cast<unsigned long long>(d.data()) % 16 == 0
               && reinterpret_cast<unsigned long long>(l.data()) % 16 == 0 && reinterpret_cast<unsigned long long>(c.data()) % 16 == 0,
           "the inputs' storage is 16-byte aligned (offset 0 takes the packed path)");
    // Inputs are read through buffers cut to their offset + n, so that ASan sees any over-read.
    auto cut = [](const auto& v, long long end) { return std::vector<typename std::decay_t<decltype(v)>::value_type>(v.begin(), v.begin() + end); };

    contiguousCase<float>("unary_f32 RELU", 1, 4, 0, [&](Layout& L, dim3 g, float* out) {
        auto in = cut(f, L.offset[1] + L.numel);
        emuLaunchSerial(g, 256, [&] { unary_f32(L, RELU, in.data(), out); });
    }, [&](auto& o, long long i) { float x = f[o[1] + i]; return std::isnan(x) ? x : x > 0 ? x : 0.0f; });
    contiguousCase<float>("unary_f32 EXP", 1, 4, 0, [&](Layout& L, dim3 g, float* out) {
        auto in = cut(f, L.offset[1] + L.numel);
        emuLaunchSerial(g, 256, [&] { unary_f32(L, EXP, in.data(), out); });
    }, [&](auto& o, long long i) { return (float) std::exp((double) f[o[1] + i]); });
    contiguousCase<double>("unary_f64 NEG", 1, 2, 0, [&](Layout& L, dim3 g, double* out) {
        auto in = cut(d, L.offset[1] + L.numel);
        emuLaunchSerial(g, 256, [&] { unary_f64(L, NEG, in.data(), out); });
    }, [&](auto& o, long long i) { return -d[o[1] + i]; });
    contiguousCase<long long>("unary_i64 ABS", 1, 2, 0, [&](Layout& L, dim3 g, long long* out) {
        auto in = cut(l, L.offset[1] + L.numel);
        emuLaunchSerial(g, 256, [&] { unary_i64(L, ABS, in.data(), out); });
    }, [&](auto& o, long long i) { return std::llabs(l[o[1] + i]); });

    contiguousCase<float>("clamp_f32", 1, 4, 0, [&](Layout& L, dim3 g, float* out) {
        auto in = cut(f, L.offset[1] + L.numel);
        emuLaunchSerial(g, 256, [&] { clamp_f32(L, in.data(), out, -0.5, 0.25); });
    }, [&](auto& o, long long i) { float x = f[o[1] + i]; return std::isnan(x) ? x : std::min(std::max(x, -0.5f), 0.25f); });
    contiguousCase<long long>("clamp_i64", 1, 2, 0, [&](Layout& L, dim3 g, long long* out) {
        auto in = cut(l, L.offset[1] + L.numel);
        emuLaunchSerial(g, 256, [&] { clamp_i64(L, in.data(), out, -100.5, 200.5); });
    }, [&](auto& o, long long i) { return std::min(std::max(l[o[1] + i], -100LL), 200LL); });

    contiguousCase<float>("fill_f32", 0, 4, 0, [&](Layout& L, dim3 g, float* out) {
        emuLaunchSerial(g, 256, [&] { fill_f32(L, out, 2.5); });
    }, [&](auto&, long long) { return 2.5f; });
    contiguousCase<b8>("fill_b8", 0, 16, 0, [&](Layout& L, dim3 g, b8* out) {
        emuLaunchSerial(g, 256, [&] { fill_b8(L, out, -3.0); });
    }, [&](auto&, long long) { return (b8) 1; });
    contiguousCase<long long>("fill_i64", 0, 2, 0, [&](Layout& L, dim3 g, long long* out) {
        emuLaunchSerial(g, 256, [&] { fill_i64(L, out, 1e300); });
    }, [&](auto&, long long) { return std::numeric_limits<long long>::max(); });

    contiguousCase<float>("copy_f32_to_f32", 1, 4, 0, [&](Layout& L, dim3 g, float* out) {
        auto in = cut(f, L.offset[1] + L.numel);
        emuLaunchSerial(g, 256, [&] { copy_f32_to_f32(L, in.data(), out); });
    }, [&](auto& o, long long i) { return f[o[1] + i]; });
    contiguousCase<double>("copy_f32_to_f64", 1, 2, 0, [&](Layout& L, dim3 g, double* out) {
        auto in = cut(f, L.offset[1] + L.numel);
        emuLaunchSerial(g, 256, [&] { copy_f32_to_f64(L, in.data(), out); });
    }, [&](auto& o, long long i) { return (double) f[o[1] + i]; });
    contiguousCase<float>("copy_f64_to_f32", 1, 2, 0, [&](Layout& L, dim3 g, float* out) {
        auto in = cut(d, L.offset[1] + L.numel);
        emuLaunchSerial(g, 256, [&] { copy_f64_to_f32(L, in.data(), out); });
    }, [&](auto& o, long long i) { return (float) d[o[1] + i]; });
    contiguousCase<long long>("copy_f64_to_i64", 1, 2, 0, [&](Layout& L, dim3 g, long long* out) {
        auto in = cut(d, L.offset[1] + L.numel);
        emuLaunchSerial(g, 256, [&] { copy_f64_to_i64(L, in.data(), out); });
    }, [&](auto& o, long long i) { return (long long) d[o[1] + i]; });
    contiguousCase<float>("copy_b8_to_f32", 1, 4, 0, [&](Layout& L, dim3 g, float* out) {
        auto in = cut(c, L.offset[1] + L.numel);
        emuLaunchSerial(g, 256, [&] { copy_b8_to_f32(L, in.data(), out); });
    }, [&](auto& o, long long i) { return (float) c[o[1] + i]; });
    contiguousCase<b8>("copy_f32_to_b8", 1, 4, 0, [&](Layout& L, dim3 g, b8* out) {
        auto in = cut(f, L.offset[1] + L.numel);
        emuLaunchSerial(g, 256, [&] { copy_f32_to_b8(L, in.data(), out); });
    }, [&](auto& o, long long i) { return (b8) (f[o[1] + i] != 0); });
    contiguousCase<b8>("copy_b8_to_b8", 1, 16, 0, [&](Layout& L, dim3 g, b8* out) {
        auto in = cut(c, L.offset[1] + L.numel);
        emuLaunchSerial(g, 256, [&] { copy_b8_to_b8(L, in.data(), out); });
    }, [&](auto& o, long long i) { return c[o[1] + i]; });

    contiguousCase<float>("binary_f32 ADD", 2, 4, 0, [&](Layout& L, dim3 g, float* out) {
        auto a = cut(f, L.offset[1] + L.numel), b = cut(f2, L.offset[2] + L.numel);
        emuLaunchSerial(g, 256, [&] { binary_f32(L, ADD, a.data(), b.data(), out); });
    }, [&](auto& o, long long i) { return f[o[1] + i] + f2[o[2] + i]; });
    contiguousCase<double>("binary_f64 POW", 2, 2, 0, [&](Layout& L, dim3 g, double* out) {
        auto a = cut(d, L.offset[1] + L.numel), b = cut(d2, L.offset[2] + L.numel);
        emuLaunchSerial(g, 256, [&] { binary_f64(L, POW, a.data(), b.data(), out); });
    }, [&](auto& o, long long i) { return std::pow(d[o[1] + i], d2[o[2] + i]); });
    contiguousCase<b8>("compare_f32 LT", 2, 4, 0, [&](Layout& L, dim3 g, b8* out) {
        auto a = cut(f, L.offset[1] + L.numel), b = cut(f2, L.offset[2] + L.numel);
        emuLaunchSerial(g, 256, [&] { compare_f32(L, LT, a.data(), b.data(), out); });
    }, [&](auto& o, long long i) { return (b8) (f[o[1] + i] < f2[o[2] + i]); });
    contiguousCase<long long>("where_i64", 3, 2, 0, [&](Layout& L, dim3 g, long long* out) {
        auto cond = cut(c, L.offset[1] + L.numel);
        auto a = cut(l, L.offset[2] + L.numel), b = cut(l2, L.offset[3] + L.numel);
        emuLaunchSerial(g, 256, [&] { where_i64(L, cond.data(), a.data(), b.data(), out); });
    }, [&](auto& o, long long i) { return c[o[1] + i] ? l[o[2] + i] : l2[o[3] + i]; });

    // Which operands may take the vector path: each at a multiple of its pack's size.
    float* fp = f.data();
    double* dp = d.data();
    expect(packable(fp, fp + 4) && !packable(fp + 1, fp) && !packable(fp, fp + 2), "packable f32 needs 16-byte operands");
    expect(packable(dp, fp + 2) && !packable(dp, fp + 1), "packable f64 from f32 needs 8-byte f32 operands");
    expect(packable(dp + 2) && !packable(dp + 1), "packable f64 alone needs a 16-byte output");

    // Strided or broadcast operands never take the vector path: unary over every other element,
    // and a binary op with a broadcast scalar (stride 0) from aligned storage.
    const long long n = 1001;
    std::vector<float> strided(2 * n), got(n, 99), want(n);
    for (long long i = 0; i < 2 * n; i++) strided[i] = (float) i - 1000;
    Layout S = layout({n}, {{1}, {2}});
    emuLaunchSerial(gridsFor(n, 4)[1], 256, [&] { unary_f32(S, RELU, strided.data(), got.data()); });
    for (long long i = 0; i < n; i++) want[i] = std::max(strided[2 * i], 0.0f);
    expectAll(want, got, 0, "unary_f32 RELU over a stride of 2 (the Layout path)");
    Layout B = layout({n}, {{1}, {1}, {0}});
    std::vector<float> scalar = {3.0f};
    emuLaunchSerial(gridsFor(n, 4)[1], 256, [&] { binary_f32(B, MUL, strided.data(), scalar.data(), got.data()); });
    for (long long i = 0; i < n; i++) want[i] = strided[i] * 3.0f;
    expectAll(want, got, 0, "binary_f32 MUL by a broadcast scalar (the Layout path)");
}

// Rows of `len` elements each starting `offset` elements into the buffer: a [rows, len] matrix
// reduced (or softmaxed) along its last dimension.
Rows contiguousRows(long long r, long long len, long long inOffset, long long outOffset, bool sameShapeOut) {
    Rows R = rows(r, len, sameShapeOut);
    R.inOffset = inOffset;
    R.outOffset = outOffset;
    return R;
}

template <class T, class K>
void reduceRowsCase(const char* kernel, K launch, double tol) {
    using namespace nabla;
    const long long r = 5;
    for (long long len : {1LL, 2LL, 3LL, 5LL, 8LL, 17LL, 1029LL}) {
        for (long long off = 0; off < 4; off++) {
            std::vector<T> in = randoms<T>((size_t) (off + r * len));
            if constexpr (std::is_floating_point_v<T>) {
                if (len > 2) in[off + len + 2] = std::numeric_limits<T>::quiet_NaN();  // row 1
            } else {
                for (auto& x : in) x = (T) (x * 1000);
            }
            Rows R = contiguousRows(r, len, off, 1, false);
            for (int op : {SUM, MAX, MIN}) {
                std::vector<T> out(r + 1, (T) 99), want(r + 1, (T) 99);
                dim3 g;
                g.x = 2;
                emuLaunch(g, 256, [&] { launch(R, op, in.data(), out.data()); });
                for (long long i = 0; i < r; i++) {
                    double acc = op == SUM ? 0 : in[off + i * len];
                    long long wrap = 0;
                    for (long long j = 0; j < len; j++) {
                        double v = (double) in[off + i * len + j];
                        acc = op == SUM ? acc + v : op == MAX ? javaMaxRef(acc, v)
                            : std::isnan(acc) || std::isnan(v) ? std::numeric_limits<double>::quiet_NaN() : std::min(acc, v);
                        wrap += (long long) in[off + i * len + j];
                    }
                    want[1 + i] = std::is_floating_point_v<T> || op != SUM ? (T) acc : (T) wrap;
                }
                expectAll(want, out, op == SUM ? tol : 0,
                          std::string(kernel) + " op " + std::to_string(op) + " over contiguous rows of " + std::to_string(len)
                              + " from offset " + std::to_string(off));
            }
        }
    }
}

void contiguousRows() {
    reduceRowsCase<float>("reduce_f32", [](Rows R, int op, const float* in, float* out) { reduce_f32(R, op, in, out); }, 1e-6);
    reduceRowsCase<double>("reduce_f64", [](Rows R, int op, const double* in, double* out) { reduce_f64(R, op, in, out); }, 1e-12);
    reduceRowsCase<long long>("reduce_i64", [](Rows R, int op, const long long* in, long long* out) { reduce_i64(R, op, in, out); }, 0);

    // A reduction whose row is strided (a column of a [len, 3] matrix) takes the Rows path.
    const long long len = 1029, cols = 3;
    auto m = randoms<double>(len * cols);
    Rows C;
    std::memset(&C, 0, sizeof C);
    C.rows = cols;
    C.len = len;
    C.keepNd = 1;
    C.keepShape[0] = cols;
    C.keepIn[0] = 1;
    C.keepOut[0] = 1;
    C.redNd = 1;
    C.redShape[0] = len;
    C.redIn[0] = cols;
    std::vector<double> colSum(cols), wantCol(cols, 0);
    dim3 g;
    g.x = 2;
    emuLaunch(g, 256, [&] { reduce_f64(C, nabla::SUM, m.data(), colSum.data()); });
    for (long long j = 0; j < cols; j++)
        for (long long i = 0; i < len; i++) wantCol[j] += m[i * cols + j];
    expectAll(wantCol, colSum, 1e-12, "reduce_f64 SUM over strided rows (the Rows path)");

    // Softmax over contiguous rows: the output at the input's alignment (vector stores) or not.
    for (long long rowLen : {1LL, 3LL, 4LL, 7LL, 1029LL}) {
        for (long long inOff = 0; inOff < 2; inOff++) {
            for (long long outOff = 0; outOff < 2; outOff++) {
                const long long r = 3;
                auto x = randoms<double>((size_t) (inOff + r * rowLen));
                auto xf = randoms<float>((size_t) (inOff + r * rowLen));
                for (int logSoftmax = 0; logSoftmax < 2; logSoftmax++) {
                    Rows S = contiguousRows(r, rowLen, inOff, outOff, true);
                    std::vector<double> out(outOff + r * rowLen, 99), want = out;
                    std::vector<float> outf(outOff + r * rowLen, 99), wantf = outf;
                    emuLaunch(g, 256, [&] { softmax_f64(S, logSoftmax, x.data(), out.data()); });
                    emuLaunch(g, 256, [&] { softmax_f32(S, logSoftmax, xf.data(), outf.data()); });
                    for (long long i = 0; i < r; i++) {
                        double mx = -INFINITY, s = 0, mf = -INFINITY, sf = 0;
                        for (long long j = 0; j < rowLen; j++) {
                            mx = std::max(mx, x[inOff + i * rowLen + j]);
                            mf = std::max(mf, (double) xf[inOff + i * rowLen + j]);
                        }
                        for (long long j = 0; j < rowLen; j++) {
                            s += std::exp(x[inOff + i * rowLen + j] - mx);
                            sf += std::exp(xf[inOff + i * rowLen + j] - mf);
                        }
                        for (long long j = 0; j < rowLen; j++) {
                            double v = x[inOff + i * rowLen + j], vf = xf[inOff + i * rowLen + j];
                            want[outOff + i * rowLen + j] = logSoftmax ? v - (mx + std::log(s)) : std::exp(v - mx) / s;
                            wantf[outOff + i * rowLen + j] = (float) (logSoftmax ? vf - (mf + std::log(sf)) : std::exp(vf - mf) / sf);
                        }
                    }
                    std::string what = " rows of " + std::to_string(rowLen) + ", in at " + std::to_string(inOff) + ", out at "
                                       + std::to_string(outOff) + (logSoftmax ? ", log" : "");
                    expectAll(want, out, 1e-12, "softmax_f64 over contiguous" + what);
                    expectAll(wantf, outf, 1e-6, "softmax_f32 over contiguous" + what);
                }
            }
        }
    }
}

template <class T>
using Gemm = void (*)(long long, long long, long long, long long, const T*, long long, long long, const T*, long long,
                      long long, T*);

// One operand of a product as gemm takes it: `rows` x `cols` matrices, stored transposed or not,
// each row (column, transposed) `pad` elements longer than its extent, `shift` elements after a
// 16-byte boundary, and one matrix for the whole batch when broadcast. Padding holds a value
// that spoils any product it enters.
template <class T>
struct Operand {
    long long rows, cols;
    bool transposed, broadcast;
    long long ld, stride, shift;
    std::vector<T> data;

    Operand(long long batch, long long rows, long long cols, bool transposed, long long pad, bool broadcast,
            long long shift)
        : rows(rows), cols(cols), transposed(transposed), broadcast(broadcast), shift(shift) {
        ld = (transposed ? rows : cols) + pad;
        long long size = (transposed ? cols : rows) * ld;
        stride = broadcast ? 0 : size;
        const T spoiler = std::numeric_limits<T>::has_quiet_NaN ? std::numeric_limits<T>::quiet_NaN() : (T) (1LL << 40);
        data.assign(shift + (broadcast ? 1 : batch) * size, spoiler);
        std::uniform_int_distribution<int> d(-4, 4);
        for (long long p = 0; p < (broadcast ? 1 : batch); p++)
            for (long long i = 0; i < rows; i++)
                for (long long j = 0; j < cols; j++) data[index(p, i, j)] = (T) d(rng);
    }

    long long index(long long p, long long i, long long j) const {
        return shift + p * stride + (transposed ? j * ld + i : i * ld + j);
    }
    T at(long long p, long long i, long long j) const { return data[index(p, i, j)]; }
    const T* first() const { return data.data() + shift; }
};

// c = a b through the entry point for the operands' layouts (`kernels` in the order nn, nt, tn, tt).
template <class T>
void gemmCase(long long batch, long long n, long long k, long long m, bool transA, bool transB, long long pad,
              bool broadcastA, bool broadcastB, long long shift, const char* type, const Gemm<T> kernels[4]) {
    Operand<T> a(batch, n, k, transA, pad, broadcastA, shift);
    Operand<T> b(batch, k, m, transB, pad + 1, broadcastB, 0);
    std::vector<T> c(batch * n * m, (T) 99), want(batch * n * m);
    for (long long p = 0; p < batch; p++)
        for (long long i = 0; i < n; i++)
            for (long long j = 0; j < m; j++) {
                T s = 0;
                for (long long q = 0; q < k; q++) s += a.at(p, i, q) * b.at(p, q, j);
                want[(p * n + i) * m + j] = s;
            }
    dim3 g;
    g.x = (unsigned) ((m + 127) / 128);
    g.y = (unsigned) ((n + 127) / 128);
    g.z = (unsigned) batch;
    const Gemm<T> kernel = kernels[(transA ? 2 : 0) + (transB ? 1 : 0)];
    emuLaunch(g, 256, [&] { kernel(batch, n, k, m, a.first(), a.ld, a.stride, b.first(), b.ld, b.stride, c.data()); });
    std::string layout = std::string(transA ? "t" : "n") + (transB ? "t" : "n");
    expectAll(want, c, 0, "gemm_" + layout + "_" + type + " " + std::to_string(batch) + "x" + std::to_string(n) + "x"
                              + std::to_string(k) + "x" + std::to_string(m) + " pad " + std::to_string(pad)
                              + (broadcastA ? " a broadcast" : "") + (broadcastB ? " b broadcast" : "")
                              + (shift ? " unaligned a" : ""));
}

void products() {
    const Gemm<float> f32[4] = {gemm_nn_f32, gemm_nt_f32, gemm_tn_f32, gemm_tt_f32};
    const Gemm<double> f64[4] = {gemm_nn_f64, gemm_nt_f64, gemm_tn_f64, gemm_tt_f64};
    const Gemm<long long> i64[4] = {gemm_nn_i64, gemm_nt_i64, gemm_tn_i64, gemm_tt_i64};
    // Small integers make every float32 product exact, so any indexing slip shows.
    for (int layout = 0; layout < 4; layout++) {
        bool ta = layout >= 2, tb = layout % 2 == 1;
        // Contiguous, then leading dimensions past the extent (a multiple of 4: vector reads;
        // not: element reads), broadcast batches, and an unaligned base.
        gemmCase<float>(1, 1, 1, 1, ta, tb, 0, false, false, 0, "f32", f32);
        gemmCase<float>(1, 128, 128, 128, ta, tb, 0, false, false, 0, "f32", f32);
        gemmCase<float>(2, 130, 70, 257, ta, tb, 0, false, false, 0, "f32", f32);
        gemmCase<float>(2, 130, 70, 257, ta, tb, 3, false, false, 0, "f32", f32);
        gemmCase<float>(2, 132, 68, 260, ta, tb, 4, false, false, 0, "f32", f32);
        gemmCase<float>(3, 33, 20, 40, ta, tb, 4, true, false, 0, "f32", f32);
        gemmCase<float>(3, 33, 20, 40, ta, tb, 2, false, true, 0, "f32", f32);
        gemmCase<float>(2, 36, 16, 12, ta, tb, 0, false, false, 1, "f32", f32);
        // k = 1, and k below one vector and below one slice.
        gemmCase<float>(2, 129, 1, 131, ta, tb, 0, false, false, 0, "f32", f32);
        gemmCase<float>(1, 5, 3, 6, ta, tb, 1, false, false, 0, "f32", f32);
        gemmCase<float>(1, 5, 9, 3, ta, tb, 0, false, false, 0, "f32", f32);
        gemmCase<float>(1, 3, 0, 4, ta, tb, 0, false, false, 0, "f32", f32);
        gemmCase<double>(2, 33, 9, 65, ta, tb, 2, false, true, 0, "f64", f64);
        gemmCase<double>(1, 130, 12, 4, ta, tb, 0, false, false, 0, "f64", f64);
        gemmCase<long long>(2, 17, 130, 5, ta, tb, 0, true, false, 0, "i64", i64);
        gemmCase<long long>(1, 6, 1, 9, ta, tb, 3, false, false, 0, "i64", i64);
    }
}

}  // namespace

int main() {
    elementwise();
    conversions();
    indexing();
    reductions();
    contiguousElementwise();
    contiguousRows();
    products();
    std::printf("%d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
