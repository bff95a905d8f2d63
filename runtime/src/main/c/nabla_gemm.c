/*
 * Zero-copy matrix products for Nabla's CPU backend.
 *
 * Tensors live in Java arrays. JNI's usual array access (Get<Type>ArrayElements) copies
 * every operand into fresh native memory and back, which at n = 1024 costs a third of the
 * product. GetPrimitiveArrayCritical instead hands out the array itself, for as long as no
 * other JNI call is made, so OpenBLAS reads the operands and writes the result in place.
 *
 * The library does not link against OpenBLAS: the Java side passes the address of
 * cblas_sgemm / cblas_dgemm from the OpenBLAS that JavaCPP loaded (Loader.addressof), so
 * both paths use one library and one thread pool.
 *
 * The Java caller (dev.nabla.backend.cpu.Blas) checks every offset and span against the
 * arrays' lengths before calling: nothing here can read or write out of bounds.
 */
#include <stdint.h>

#include "nabla_jni.h"

/* CBLAS enum values, as in cblas.h. */
enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

typedef void (*sgemm_fn)(int order, int transA, int transB, int m, int n, int k, float alpha,
                         const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);
typedef void (*dgemm_fn)(int order, int transA, int transB, int m, int n, int k, double alpha,
                         const double *a, int lda, const double *b, int ldb, double beta, double *c, int ldc);

JNIEXPORT void JNICALL Java_dev_nabla_backend_cpu_CriticalGemm_sgemm(
        JNIEnv *env, jclass cls, jlong fn, jboolean transA, jboolean transB, jint m, jint n, jint k,
        jfloatArray a, jint aOff, jint lda, jfloatArray b, jint bOff, jint ldb,
        jfloatArray c, jint cOff, jint ldc) {
    void *pa, *pb, *pc;
    (void) cls;
    if (!pin(env, a, &pa, b, &pb, c, &pc)) {
        return;
    }
    ((sgemm_fn) (intptr_t) fn)(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k,
                               1.0f, (float *) pa + aOff, lda, (float *) pb + bOff, ldb,
                               0.0f, (float *) pc + cOff, ldc);
    unpin(env, a, pa, b, pb, c, pc);
}

JNIEXPORT void JNICALL Java_dev_nabla_backend_cpu_CriticalGemm_dgemm(
        JNIEnv *env, jclass cls, jlong fn, jboolean transA, jboolean transB, jint m, jint n, jint k,
        jdoubleArray a, jint aOff, jint lda, jdoubleArray b, jint bOff, jint ldb,
        jdoubleArray c, jint cOff, jint ldc) {
    void *pa, *pb, *pc;
    (void) cls;
    if (!pin(env, a, &pa, b, &pb, c, &pc)) {
        return;
    }
    ((dgemm_fn) (intptr_t) fn)(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k,
                               1.0, (double *) pa + aOff, lda, (double *) pb + bOff, ldb,
                               0.0, (double *) pc + cOff, ldc);
    unpin(env, a, pa, b, pb, c, pc);
}
