/*
 * Zero-copy matrix products for Nabla's CPU backend.
 *
 * Tensors live in Java arrays. JNI's usual array access (Get<Type>ArrayElements) copies
 * every operand into fresh native memory and back, which at n = 1024 costs a third of the
 * product. GetPrimitiveArrayCritical instead hands out the array itself, for as long as no
 * other JNI call is made, so OpenBLAS reads the operands and writes the result in place.
 *
 * The library does not link against OpenBLAS: the Java side passes the address of
 * cblas_sgemm / cblas_dgemm, either from the system's OpenBLAS, opened here (openLibrary), or
 * from the one JavaCPP loaded (Loader.addressof); see dev.nabla.backend.cpu.CriticalGemm for
 * which and why.
 *
 * The Java caller (dev.nabla.backend.cpu.Blas) checks every offset and span against the
 * arrays' lengths before calling: nothing here can read or write out of bounds.
 */
/* For RTLD_DEEPBIND. */
#define _GNU_SOURCE
#include <dlfcn.h>
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
        jfloatArray c, jint cOff, jint ldc, jboolean accumulate) {
    void *pa, *pb, *pc;
    (void) cls;
    if (!pin(env, a, &pa, b, &pb, c, &pc)) {
        return;
    }
    ((sgemm_fn) (intptr_t) fn)(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k,
                               1.0f, (float *) pa + aOff, lda, (float *) pb + bOff, ldb,
                               accumulate ? 1.0f : 0.0f, (float *) pc + cOff, ldc);
    unpin(env, a, pa, b, pb, c, pc);
}

JNIEXPORT void JNICALL Java_dev_nabla_backend_cpu_CriticalGemm_dgemm(
        JNIEnv *env, jclass cls, jlong fn, jboolean transA, jboolean transB, jint m, jint n, jint k,
        jdoubleArray a, jint aOff, jint lda, jdoubleArray b, jint bOff, jint ldb,
        jdoubleArray c, jint cOff, jint ldc, jboolean accumulate) {
    void *pa, *pb, *pc;
    (void) cls;
    if (!pin(env, a, &pa, b, &pb, c, &pc)) {
        return;
    }
    ((dgemm_fn) (intptr_t) fn)(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k,
                               1.0, (double *) pa + aOff, lda, (double *) pb + bOff, ldb,
                               accumulate ? 1.0 : 0.0, (double *) pc + cOff, ldc);
    unpin(env, a, pa, b, pb, c, pc);
}

#ifdef RTLD_DEEPBIND
#define DEEPBIND RTLD_DEEPBIND
#else
#define DEEPBIND 0
#endif

typedef void (*set_threads_fn)(int n);
typedef char *(*config_fn)(void);

/* The symbols of an OpenBLAS CriticalGemm calls, in the order of CriticalGemm.SYMBOLS. */
static const char *const SYMBOLS[] = {"cblas_sgemm", "cblas_dgemm", "openblas_set_num_threads", "openblas_get_config"};
enum { SYMBOL_COUNT = sizeof SYMBOLS / sizeof SYMBOLS[0] };

/*
 * Opens the shared library at `path` and returns the addresses of SYMBOLS, or null when it
 * cannot be opened or lacks one of them (the library is then closed again). Another OpenBLAS
 * (JavaCPP's) may already be loaded under the same soname, which is why the Java side passes a
 * path: a bare name would find that one. RTLD_LOCAL keeps this library's symbols out of the
 * global namespace, so they cannot shadow the other's; RTLD_DEEPBIND makes its own calls bind
 * to its own symbols first, so the other's cannot shadow them either.
 */
JNIEXPORT jlongArray JNICALL Java_dev_nabla_backend_cpu_CriticalGemm_openLibrary(JNIEnv *env, jclass cls, jstring name) {
    jlong addresses[SYMBOL_COUNT];
    const char *path;
    void *handle;
    jlongArray result;
    int i;
    (void) cls;
    path = (*env)->GetStringUTFChars(env, name, NULL);
    if (path == NULL) {
        return NULL;
    }
    handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | DEEPBIND);
    (*env)->ReleaseStringUTFChars(env, name, path);
    if (handle == NULL) {
        return NULL;
    }
    for (i = 0; i < SYMBOL_COUNT; i++) {
        addresses[i] = (jlong) (intptr_t) dlsym(handle, SYMBOLS[i]);
        if (addresses[i] == 0) {
            dlclose(handle);
            return NULL;
        }
    }
    result = (*env)->NewLongArray(env, SYMBOL_COUNT);
    if (result != NULL) {
        (*env)->SetLongArrayRegion(env, result, 0, SYMBOL_COUNT, addresses);
    }
    return result;
}

JNIEXPORT void JNICALL Java_dev_nabla_backend_cpu_CriticalGemm_setThreads(JNIEnv *env, jclass cls, jlong fn, jint n) {
    (void) env;
    (void) cls;
    ((set_threads_fn) (intptr_t) fn)(n);
}

JNIEXPORT jstring JNICALL Java_dev_nabla_backend_cpu_CriticalGemm_config(JNIEnv *env, jclass cls, jlong fn) {
    (void) cls;
    return (*env)->NewStringUTF(env, ((config_fn) (intptr_t) fn)());
}
