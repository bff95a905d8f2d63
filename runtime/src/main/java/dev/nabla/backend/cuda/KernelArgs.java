package dev.nabla.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/**
 * A kernel's arguments in order, as {@code cuLaunchKernel} takes them: one host pointer per
 * argument to that argument's value. A struct passed by value is its packed bytes.
 */
final class KernelArgs {
    private final List<Pointer> values = new ArrayList<>();

    /** A {@code Layout} or {@code Rows} struct, by value. */
    KernelArgs struct(byte[] packed) {
        values.add(Pointer.to(packed));
        return this;
    }

    /** A device address, e.g. {@code const float*}. */
    KernelArgs pointer(CUdeviceptr address) {
        values.add(Pointer.to(address));
        return this;
    }

    /** An {@code int}. */
    KernelArgs i32(int value) {
        values.add(Pointer.to(new int[] {value}));
        return this;
    }

    /** A {@code long long}. */
    KernelArgs i64(long value) {
        values.add(Pointer.to(new long[] {value}));
        return this;
    }

    /** A {@code float}. */
    KernelArgs f32(float value) {
        values.add(Pointer.to(new float[] {value}));
        return this;
    }

    /** A {@code double}. */
    KernelArgs f64(double value) {
        values.add(Pointer.to(new double[] {value}));
        return this;
    }

    /** The {@code void** kernelParams} argument of {@code cuLaunchKernel}. */
    Pointer toParams() {
        return Pointer.to(values.toArray(new Pointer[0]));
    }
}
