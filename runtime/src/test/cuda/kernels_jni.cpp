// The built-in CUDA kernels, run on the CPU (cuda_emu.h) behind JNI, so that EmulatedDevice can
// execute the real nabla_kernels.cu for the Java backend in the tests: every CUDA test that
// runs on the emulated device then goes through the backend's host code and the kernels'
// device code together. Loaded by CpuKernels, which compiles this file with the machine's g++.
#include <jni.h>

#include <cstring>
#include <string>

#include "cuda_emu.h"
#include "../../main/cuda/nabla_kernels.cu"

namespace {

// The arguments of one launch, packed by CpuKernels in signature order: L a Layout, R a Rows,
// P an address, J a long long, I an int, D a double (all little-endian, no padding).
struct Args {
    const unsigned char* bytes;
    const char* signature;
    size_t at[16];

    template <class T> T get(int i) const {
        T v;
        std::memcpy(&v, bytes + at[i], sizeof v);
        return v;
    }
    Layout L(int i) const { return get<Layout>(i); }
    Rows R(int i) const { return get<Rows>(i); }
    int I(int i) const { return get<int>(i); }
    long long J(int i) const { return get<long long>(i); }
    double D(int i) const { return get<double>(i); }
    template <class T> T* P(int i) const { return reinterpret_cast<T*>(get<long long>(i)); }
};

size_t sizeOf(char c) {
    switch (c) {
        case 'L': return sizeof(Layout);
        case 'R': return sizeof(Rows);
        case 'I': return sizeof(int);
        default: return 8;
    }
}

// Calls the entry point `name` with the unpacked arguments; false if there is no such kernel.
bool call(const std::string& name, const Args& a, dim3 grid, unsigned block) {
// Kernels that use __syncthreads (reductions, softmax, cumsum, gemm) need a host thread per CUDA
// thread; the rest run their threads one after another.
#define RUN(expr) do { emuLaunchSerial(grid, block, [&] { expr; }); return true; } while (0)
#define RUN_BLOCK(expr) do { emuLaunch(grid, block, [&] { expr; }); return true; } while (0)
#define TYPED(T, SUFFIX)                                                                                         \
    if (name == "fill_" #SUFFIX) RUN(fill_##SUFFIX(a.L(0), a.P<T>(1), a.D(2)));                                  \
    if (name == "where_" #SUFFIX)                                                                                \
        RUN(where_##SUFFIX(a.L(0), a.P<const b8>(1), a.P<const T>(2), a.P<const T>(3), a.P<T>(4)));              \
    if (name == "gather_" #SUFFIX)                                                                               \
        RUN(gather_##SUFFIX(a.L(0), a.J(1), a.P<const T>(2), a.P<const long long>(3), a.P<T>(4)));              \
    if (name == "copy_" #SUFFIX "_to_f32") RUN(copy_##SUFFIX##_to_f32(a.L(0), a.P<const T>(1), a.P<float>(2)));  \
    if (name == "copy_" #SUFFIX "_to_f64") RUN(copy_##SUFFIX##_to_f64(a.L(0), a.P<const T>(1), a.P<double>(2))); \
    if (name == "copy_" #SUFFIX "_to_i64") RUN(copy_##SUFFIX##_to_i64(a.L(0), a.P<const T>(1), a.P<long long>(2))); \
    if (name == "copy_" #SUFFIX "_to_b8") RUN(copy_##SUFFIX##_to_b8(a.L(0), a.P<const T>(1), a.P<b8>(2)));
#define GEMM(T, SUFFIX, LAYOUT)                                                                                  \
    if (name == "gemm_" #LAYOUT "_" #SUFFIX)                                                                     \
        RUN_BLOCK(gemm_##LAYOUT##_##SUFFIX(a.J(0), a.J(1), a.J(2), a.J(3), a.P<const T>(4), a.J(5), a.J(6),        \
                                           a.P<const T>(7), a.J(8), a.J(9), a.P<T>(10)));
#define NUMERIC(T, SUFFIX)                                                                                       \
    if (name == "unary_" #SUFFIX) RUN(unary_##SUFFIX(a.L(0), a.I(1), a.P<const T>(2), a.P<T>(3)));               \
    if (name == "clamp_" #SUFFIX) RUN(clamp_##SUFFIX(a.L(0), a.P<const T>(1), a.P<T>(2), a.D(3), a.D(4)));       \
    if (name == "binary_" #SUFFIX)                                                                               \
        RUN(binary_##SUFFIX(a.L(0), a.I(1), a.P<const T>(2), a.P<const T>(3), a.P<T>(4)));                       \
    if (name == "compare_" #SUFFIX)                                                                              \
        RUN(compare_##SUFFIX(a.L(0), a.I(1), a.P<const T>(2), a.P<const T>(3), a.P<b8>(4)));                     \
    if (name == "scatter_add_" #SUFFIX)                                                                          \
        RUN(scatter_add_##SUFFIX(a.L(0), a.J(1), a.P<const T>(2), a.P<const long long>(3), a.P<T>(4)));         \
    if (name == "reduce_" #SUFFIX) RUN_BLOCK(reduce_##SUFFIX(a.R(0), a.I(1), a.P<const T>(2), a.P<T>(3)));             \
    if (name == "argmax_" #SUFFIX) RUN(argmax_##SUFFIX(a.R(0), a.P<const T>(1), a.P<long long>(2)));            \
    if (name == "cumsum_" #SUFFIX) RUN_BLOCK(cumsum_##SUFFIX(a.R(0), a.P<const T>(1), a.P<T>(2)));              \
    GEMM(T, SUFFIX, nn) GEMM(T, SUFFIX, nt) GEMM(T, SUFFIX, tn) GEMM(T, SUFFIX, tt)
    TYPED(float, f32)
    TYPED(double, f64)
    TYPED(long long, i64)
    TYPED(b8, b8)
    NUMERIC(float, f32)
    NUMERIC(double, f64)
    NUMERIC(long long, i64)
    if (name == "softmax_f32") RUN_BLOCK(softmax_f32(a.R(0), a.I(1), a.P<const float>(2), a.P<float>(3)));
    if (name == "softmax_f64") RUN_BLOCK(softmax_f64(a.R(0), a.I(1), a.P<const double>(2), a.P<double>(3)));
    if (name == "adam_f32")
        RUN(adam_f32(a.J(0), a.P<float>(1), a.P<const float>(2), a.P<float>(3), a.P<float>(4), a.P<float>(5), a.I(6),
                     a.D(7), a.D(8), a.D(9), a.D(10), a.D(11), a.D(12), a.D(13)));
    if (name == "adam_f64")
        RUN(adam_f64(a.J(0), a.P<double>(1), a.P<const double>(2), a.P<double>(3), a.P<double>(4), a.P<double>(5),
                     a.I(6), a.D(7), a.D(8), a.D(9), a.D(10), a.D(11), a.D(12), a.D(13)));
    if (name == "sgd_f32")
        RUN(sgd_f32(a.J(0), a.P<float>(1), a.P<const float>(2), a.P<float>(3), a.I(4), a.D(5), a.D(6), a.D(7), a.D(8)));
    if (name == "sgd_f64")
        RUN(sgd_f64(a.J(0), a.P<double>(1), a.P<const double>(2), a.P<double>(3), a.I(4), a.D(5), a.D(6), a.D(7),
                    a.D(8)));
#undef NUMERIC
#undef GEMM
#undef TYPED
#undef RUN_BLOCK
#undef RUN
    return false;
}

}  // namespace

extern "C" JNIEXPORT jlong JNICALL Java_dev_nabla_backend_cuda_CpuKernels_address(JNIEnv* env, jclass, jobject buffer) {
    return (jlong) env->GetDirectBufferAddress(buffer);
}

extern "C" JNIEXPORT jboolean JNICALL Java_dev_nabla_backend_cuda_CpuKernels_launch(
        JNIEnv* env, jclass, jstring function, jint gridX, jint gridY, jint gridZ, jint block, jstring signature,
        jbyteArray packed) {
    const char* name = env->GetStringUTFChars(function, nullptr);
    const char* sig = env->GetStringUTFChars(signature, nullptr);
    jbyte* bytes = env->GetByteArrayElements(packed, nullptr);
    Args a{reinterpret_cast<const unsigned char*>(bytes), sig, {}};
    size_t offset = 0;
    for (int i = 0; sig[i] != 0 && i < 16; i++) {
        a.at[i] = offset;
        offset += sizeOf(sig[i]);
    }
    dim3 grid;
    grid.x = (unsigned) gridX;
    grid.y = (unsigned) gridY;
    grid.z = (unsigned) gridZ;
    bool found = call(name, a, grid, (unsigned) block);
    env->ReleaseByteArrayElements(packed, bytes, JNI_ABORT);
    env->ReleaseStringUTFChars(signature, sig);
    env->ReleaseStringUTFChars(function, name);
    return found ? JNI_TRUE : JNI_FALSE;
}
