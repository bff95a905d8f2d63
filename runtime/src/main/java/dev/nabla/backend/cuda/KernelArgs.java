package dev.nabla.backend.cuda;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/**
 * A kernel's arguments in order, each kept as its Java value: a packed struct ({@code byte[]},
 * passed by value), a device address ({@link CUdeviceptr}), or an {@link Integer},
 * {@link Long}, {@link Float} or {@link Double} for {@code int}, {@code long long},
 * {@code float} and {@code double}.
 */
final class KernelArgs {
    private final List<Object> values = new ArrayList<>();

    /** A {@code Layout} or {@code Rows} struct, by value. */
    KernelArgs struct(byte[] packed) {
        values.add(packed);
        return this;
    }

    /** A device address, e.g. {@code const float*}. */
    KernelArgs pointer(CUdeviceptr address) {
        values.add(address);
        return this;
    }

    /** An {@code int}. */
    KernelArgs i32(int value) {
        values.add(value);
        return this;
    }

    /** A {@code long long}. */
    KernelArgs i64(long value) {
        values.add(value);
        return this;
    }

    /** A {@code float}. */
    KernelArgs f32(float value) {
        values.add(value);
        return this;
    }

    /** A {@code double}. */
    KernelArgs f64(double value) {
        values.add(value);
        return this;
    }

    /** The arguments, in order. */
    List<Object> values() {
        return Collections.unmodifiableList(values);
    }

    /** The {@code void** kernelParams} of {@code cuLaunchKernel}: one host pointer to each argument's value. */
    Pointer toParams() {
        Pointer[] params = new Pointer[values.size()];
        for (int i = 0; i < params.length; i++) {
            Object v = values.get(i);
            if (v instanceof byte[]) {
                params[i] = Pointer.to((byte[]) v);
            } else if (v instanceof CUdeviceptr) {
                params[i] = Pointer.to((CUdeviceptr) v);
            } else if (v instanceof Integer) {
                params[i] = Pointer.to(new int[] {(Integer) v});
            } else if (v instanceof Long) {
                params[i] = Pointer.to(new long[] {(Long) v});
            } else if (v instanceof Float) {
                params[i] = Pointer.to(new float[] {(Float) v});
            } else {
                params[i] = Pointer.to(new double[] {(Double) v});
            }
        }
        return Pointer.to(params);
    }
}
