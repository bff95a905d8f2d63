package dev.nabla;

import dev.nabla.backend.cpu.CpuStorage;

/** Moving tensors between devices and out to Java arrays. */
final class Conversions {
    private Conversions() {}

    static Tensor toDevice(Tensor t, Device device) {
        if (t.device().equals(device)) {
            return t;
        }
        Tensor out = Ops.empty(t.shape.clone(), t.dtype(), device);
        // The non-CPU side's backend moves the bytes (see Backend.copy).
        (device.isCpu() ? Ops.backend(t) : Ops.backend(device)).copy(t, out);
        if (Autograd.needs(t)) {
            Device from = t.device();
            Autograd.record(out, "ToCopyBackward0", new Tensor[] {t}, null, (n, g, s) -> new Tensor[] {g.to(from)},
                    tangents -> tangents[0].to(device));
        }
        return out;
    }

    /** A fresh contiguous CPU tensor of {@code dtype} with {@code t}'s elements. */
    private static CpuStorage hostCopy(Tensor t, DType dtype) {
        Tensor out = Ops.empty(t.shape.clone(), dtype, Device.CPU);
        (t.device().isCpu() ? Ops.backend(out) : Ops.backend(t)).copy(t, out);
        return (CpuStorage) out.storage;
    }

    static float[] toFloatArray(Tensor t) {
        return hostCopy(t, DType.FLOAT32).floats();
    }

    static double[] toDoubleArray(Tensor t) {
        return hostCopy(t, DType.FLOAT64).doubles();
    }

    static long[] toLongArray(Tensor t) {
        return hostCopy(t, DType.INT64).longs();
    }

    static boolean[] toBooleanArray(Tensor t) {
        return hostCopy(t, DType.BOOL).booleans();
    }
}
