/*
 * Streaming stores for large elementwise results in Nabla's CPU backend.
 *
 * An ordinary store first reads the cache line it writes into (a "read for ownership"), so
 * c = a + b over arrays far larger than the caches moves four bytes of memory traffic for
 * every three it needs: a, b, the old c, and the new c. Non-temporal stores write whole
 * lines straight to memory without reading them. The JIT never emits them, so results that
 * cannot stay in the cache anyway are written here.
 *
 * Measured on a 2-core EPYC (Zen 3, 32 MB L3), c = a + b with 2 threads: through the JVM at
 * 16M floats, 32.8 GB/s against 25.0 for the Java loop (median of 6 interleaved pairs). In C,
 * against a plain vectorised loop: 1.35x at 16M floats, 1.41x at 4M, 1.10x at 2M and 0.66x at
 * 1M, where the result fits in the cache. The Java side (StreamingStores) therefore calls
 * this only for large results.
 *
 * The arrays are pinned with GetPrimitiveArrayCritical and the Java caller checks every
 * offset and length first, and passes only operands that are either distinct arrays or the
 * same array at the same offset (in-place ops): each output element depends only on the
 * input elements at its own index, so the order of the vector loop cannot change a result.
 * Arithmetic is plain IEEE single/double precision, as in Java: no fast-math, no fused
 * multiply-add.
 */
#include <stdint.h>

#include "nabla_jni.h"

/* Operation codes; StreamingStores passes BinaryOp's ADD..DIV in this order. */
enum { OP_ADD = 0, OP_SUB = 1, OP_MUL = 2, OP_DIV = 3 };

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX __attribute__((target("avx")))

/*
 * The loop of every kernel here: c[i] = a[i] OP b[i], with 256-bit loads and streaming stores.
 * B_VEC(load, k) is the vector of b's elements from k on and B_AT(j) its element j: b is a
 * row (ROW_VEC, ROW_AT) or one value broadcast (VALUE_VEC, VALUE_AT).
 *
 * Note [Loading ahead of the stores]: the loop loads the next four vectors of a and b before
 * it stores the current four. A load that follows a store whose address matches it in the
 * low 12 bits (but not in full) is held back until the store is done ("4K aliasing"). Java
 * allocates arrays one after another, each after a 16-byte header, so a, b and c are
 * typically 16 and 32 bytes apart modulo 4096, and loading a[i + 8] right after storing c[i]
 * hits that on every vector. Measured in C with that layout, 2 threads, 16M floats: 33 GB/s
 * loading behind the stores, 43 to 44 loading ahead; 41 to 45 when all three arrays have the
 * same alignment, as PyTorch's do.
 */
#define STREAM_LOOP(type, vec, lanes, load, stream, vop, OP, B_VEC, B_AT) \
    int i = 0; \
    for (; i < n && ((uintptr_t) (c + i) & 31) != 0; i++) { \
        c[i] = a[i] OP B_AT(i); \
    } \
    if (i + 8 * lanes <= n) { \
        vec a0 = load(a + i), a1 = load(a + i + lanes), a2 = load(a + i + 2 * lanes), a3 = load(a + i + 3 * lanes); \
        vec b0 = B_VEC(load, i), b1 = B_VEC(load, i + lanes), b2 = B_VEC(load, i + 2 * lanes), b3 = B_VEC(load, i + 3 * lanes); \
        for (; i + 8 * lanes <= n; i += 4 * lanes) { \
            vec r0 = vop(a0, b0), r1 = vop(a1, b1), r2 = vop(a2, b2), r3 = vop(a3, b3); \
            int next = i + 4 * lanes; \
            a0 = load(a + next), a1 = load(a + next + lanes), a2 = load(a + next + 2 * lanes), a3 = load(a + next + 3 * lanes); \
            b0 = B_VEC(load, next), b1 = B_VEC(load, next + lanes), b2 = B_VEC(load, next + 2 * lanes), b3 = B_VEC(load, next + 3 * lanes); \
            stream(c + i, r0), stream(c + i + lanes, r1), stream(c + i + 2 * lanes, r2), stream(c + i + 3 * lanes, r3); \
        } \
        stream(c + i, vop(a0, b0)), stream(c + i + lanes, vop(a1, b1)); \
        stream(c + i + 2 * lanes, vop(a2, b2)), stream(c + i + 3 * lanes, vop(a3, b3)); \
        i += 4 * lanes; \
    } \
    for (; i + lanes <= n; i += lanes) { \
        stream(c + i, vop(load(a + i), B_VEC(load, i))); \
    } \
    for (; i < n; i++) { \
        c[i] = a[i] OP B_AT(i); \
    } \
    /* Streaming stores are weakly ordered: make them visible before the Java thread reports \
       its part of the work done. */ \
    _mm_sfence();

/* b as a row: name_rows(a, b, c, n). b as one value: name_value(a, value, c, n). */
#define DEFINE_STREAM(name, type, vec, lanes, load, set1, stream, vop, OP) \
    static AVX void name##_rows(const type *a, const type *b, type *c, int n) { \
        STREAM_LOOP(type, vec, lanes, load, stream, vop, OP, ROW_VEC, ROW_AT) \
    } \
    static AVX void name##_value(const type *a, type value, type *c, int n) { \
        vec v = set1(value); \
        STREAM_LOOP(type, vec, lanes, load, stream, vop, OP, VALUE_VEC, VALUE_AT) \
    }
#define ROW_VEC(load, k) load(b + (k))
#define ROW_AT(j) b[j]
#define VALUE_VEC(load, k) v
#define VALUE_AT(j) value

DEFINE_STREAM(add_float, float, __m256, 8, _mm256_loadu_ps, _mm256_set1_ps, _mm256_stream_ps, _mm256_add_ps, +)
DEFINE_STREAM(sub_float, float, __m256, 8, _mm256_loadu_ps, _mm256_set1_ps, _mm256_stream_ps, _mm256_sub_ps, -)
DEFINE_STREAM(mul_float, float, __m256, 8, _mm256_loadu_ps, _mm256_set1_ps, _mm256_stream_ps, _mm256_mul_ps, *)
DEFINE_STREAM(div_float, float, __m256, 8, _mm256_loadu_ps, _mm256_set1_ps, _mm256_stream_ps, _mm256_div_ps, /)
DEFINE_STREAM(add_double, double, __m256d, 4, _mm256_loadu_pd, _mm256_set1_pd, _mm256_stream_pd, _mm256_add_pd, +)
DEFINE_STREAM(sub_double, double, __m256d, 4, _mm256_loadu_pd, _mm256_set1_pd, _mm256_stream_pd, _mm256_sub_pd, -)
DEFINE_STREAM(mul_double, double, __m256d, 4, _mm256_loadu_pd, _mm256_set1_pd, _mm256_stream_pd, _mm256_mul_pd, *)
DEFINE_STREAM(div_double, double, __m256d, 4, _mm256_loadu_pd, _mm256_set1_pd, _mm256_stream_pd, _mm256_div_pd, /)

/* c = a OP b, with b a row (bs == 1) or its first element broadcast (bs == 0). */
static void stream_float(int op, const float *a, const float *b, int bs, float *c, int n) {
    switch (op) {
        case OP_ADD: bs ? add_float_rows(a, b, c, n) : add_float_value(a, *b, c, n); break;
        case OP_SUB: bs ? sub_float_rows(a, b, c, n) : sub_float_value(a, *b, c, n); break;
        case OP_MUL: bs ? mul_float_rows(a, b, c, n) : mul_float_value(a, *b, c, n); break;
        default: bs ? div_float_rows(a, b, c, n) : div_float_value(a, *b, c, n); break;
    }
}

static void stream_double(int op, const double *a, const double *b, int bs, double *c, int n) {
    switch (op) {
        case OP_ADD: bs ? add_double_rows(a, b, c, n) : add_double_value(a, *b, c, n); break;
        case OP_SUB: bs ? sub_double_rows(a, b, c, n) : sub_double_value(a, *b, c, n); break;
        case OP_MUL: bs ? mul_double_rows(a, b, c, n) : mul_double_value(a, *b, c, n); break;
        default: bs ? div_double_rows(a, b, c, n) : div_double_value(a, *b, c, n); break;
    }
}

static int supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx");
}
#else
/* No vector code for this architecture: StreamingStores sees supported() false and never
   calls the kernels. */
static int supported(void) {
    return 0;
}

static void stream_float(int op, const float *a, const float *b, int bs, float *c, int n) {
    (void) op, (void) a, (void) b, (void) bs, (void) c, (void) n;
}

static void stream_double(int op, const double *a, const double *b, int bs, double *c, int n) {
    (void) op, (void) a, (void) b, (void) bs, (void) c, (void) n;
}
#endif

JNIEXPORT jboolean JNICALL Java_dev_nabla_backend_cpu_StreamingStores_supported(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return supported() ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT void JNICALL Java_dev_nabla_backend_cpu_StreamingStores_floatBinary(
        JNIEnv *env, jclass cls, jint op, jfloatArray a, jint ao, jfloatArray b, jint bo, jint bs,
        jfloatArray c, jint co, jint n) {
    void *pa, *pb, *pc;
    (void) cls;
    if (!pin(env, a, &pa, b, &pb, c, &pc)) {
        return;
    }
    stream_float(op, (const float *) pa + ao, (const float *) pb + bo, bs, (float *) pc + co, n);
    unpin(env, a, pa, b, pb, c, pc);
}

JNIEXPORT void JNICALL Java_dev_nabla_backend_cpu_StreamingStores_doubleBinary(
        JNIEnv *env, jclass cls, jint op, jdoubleArray a, jint ao, jdoubleArray b, jint bo, jint bs,
        jdoubleArray c, jint co, jint n) {
    void *pa, *pb, *pc;
    (void) cls;
    if (!pin(env, a, &pa, b, &pb, c, &pc)) {
        return;
    }
    stream_double(op, (const double *) pa + ao, (const double *) pb + bo, bs, (double *) pc + co, n);
    unpin(env, a, pa, b, pb, c, pc);
}
