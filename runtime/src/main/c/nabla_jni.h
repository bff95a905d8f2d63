/*
 * Pinning Java arrays for the duration of a native call, shared by Nabla's JNI sources.
 *
 * GetPrimitiveArrayCritical hands out the array itself (no copy) until it is released, as
 * long as the thread makes no other JNI call meanwhile.
 */
#ifndef NABLA_JNI_H
#define NABLA_JNI_H

#include <jni.h>

/* Pins a, b and c (any of which may be the same array); on failure releases what it got and
   returns 0 with an OutOfMemoryError pending. */
static int pin(JNIEnv *env, jarray a, void **pa, jarray b, void **pb, jarray c, void **pc) {
    *pa = (*env)->GetPrimitiveArrayCritical(env, a, NULL);
    *pb = *pa == NULL ? NULL : (*env)->GetPrimitiveArrayCritical(env, b, NULL);
    *pc = *pb == NULL ? NULL : (*env)->GetPrimitiveArrayCritical(env, c, NULL);
    if (*pc != NULL) {
        return 1;
    }
    if (*pb != NULL) {
        (*env)->ReleasePrimitiveArrayCritical(env, b, *pb, JNI_ABORT);
    }
    if (*pa != NULL) {
        (*env)->ReleasePrimitiveArrayCritical(env, a, *pa, JNI_ABORT);
    }
    return 0;
}

/* Releases in reverse order; only the result c is written back (a no-op when pinned). */
static void unpin(JNIEnv *env, jarray a, void *pa, jarray b, void *pb, jarray c, void *pc) {
    (*env)->ReleasePrimitiveArrayCritical(env, c, pc, 0);
    (*env)->ReleasePrimitiveArrayCritical(env, b, pb, JNI_ABORT);
    (*env)->ReleasePrimitiveArrayCritical(env, a, pa, JNI_ABORT);
}

#endif
