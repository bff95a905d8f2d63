package dev.nabla.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Grad;
import dev.nabla.Gradcheck;
import dev.nabla.Tensor;
import dev.nabla.backend.Backend;
import dev.nabla.backend.Backends;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * What the CUDA tests share: whether CUDA can run here (without it every test is skipped, never
 * failed), and assertions that a computation gives on {@link #CUDA} what it gives on the CPU.
 *
 * <p>The CPU backend is the reference. A result from the GPU must be on the GPU and have the CPU
 * result's dtype and shape; INT64 and BOOL elements must be equal, floating elements must agree
 * within a {@link Tolerance}, NaN only with NaN and an infinity only with the same infinity.
 */
final class ParityAssertions {
    /** The GPU the tests run on. */
    static final Device CUDA = Device.CUDA;

    private ParityAssertions() {}

    /**
     * How close a floating element computed on the GPU must be to the CPU's: {@code |gpu - cpu| <=
     * tol * max(1, magnitude)}, relative for large elements and absolute below 1, so that a result
     * near zero (a sine near pi) is not held to a relative bound that rounding cannot meet.
     */
    enum Tolerance {
        /**
         * Elementwise kernels, whose magnitude is {@code |cpu|}: {@code 1e-12} in float64 (libdevice's
         * functions are within 2 ulp and Java's within 1, so results are a few ulp apart), {@code 1e-5}
         * in float32.
         */
        ELEMENTWISE(1e-12, 1e-5),
        /**
         * Results that sum many terms in another order than the CPU (sums, means, matrix products,
         * softmax, gradients): {@code 1e-10} and {@code 1e-5}. Their rounding error grows with the
         * terms, not with the result (a dot product of 4000 floats can cancel to near zero), so in a
         * forward comparison the magnitude is the same computation on the absolute values of the
         * inputs (for a product, {@code |a|·|b|}), and {@code |cpu|} where that is not available.
         */
        ACCUMULATING(1e-10, 1e-5),
        /**
         * Special values (NaN, infinities, signed zeros), conversions, copies, selections and host-drawn
         * random numbers: the same bits, so that {@code -0.0} differs from {@code 0.0}.
         */
        EXACT(0, 0);

        private final double float64;
        private final double float32;

        Tolerance(double float64, double float32) {
            this.float64 = float64;
            this.float32 = float32;
        }

        boolean close(DType dtype, double cpu, double gpu, double magnitude) {
            if (this == EXACT || Double.isNaN(cpu) || Double.isInfinite(cpu)) {
                return Double.doubleToLongBits(cpu) == Double.doubleToLongBits(gpu);
            }
            double tol = dtype == DType.FLOAT32 ? float32 : float64;
            return Math.abs(gpu - cpu) <= tol * Math.max(1, Math.max(Math.abs(cpu), magnitude));
        }
    }

    // ---------------------------------------------------------------- availability

    /** Why CUDA cannot be used here, or empty when it can. */
    static Optional<String> cudaUnavailableReason() {
        Optional<Backend> cuda = Backends.named("cuda");
        if (cuda.isEmpty()) {
            return Optional.of("no CUDA backend on the class path");
        }
        return cuda.get().isAvailable() ? Optional.empty() : Optional.of(cuda.get().unavailableReason());
    }

    /** Skips the calling test, with the reason, when CUDA cannot be used here. */
    static void assumeCuda() {
        Optional<String> reason = cudaUnavailableReason();
        assumeTrue(reason.isEmpty(), () -> reason.orElse(""));
    }

    // ---------------------------------------------------------------- forward

    /** {@code fn} of the inputs placed on the CPU, then on the GPU: the same dtype, shape and elements. */
    static void assertSameResult(String what, Tolerance tolerance, Gradcheck.Fn fn, ParityInput... inputs) {
        Tensor cpu = fn.apply(place(Device.CPU, inputs));
        Tensor gpu = fn.apply(place(CUDA, inputs));
        double[] magnitude = tolerance == Tolerance.ACCUMULATING && cpu.dtype().isFloatingPoint()
                ? magnitudes(fn, inputs) : null;
        assertSameTensor(what, cpu, gpu, tolerance, magnitude);
    }

    /** {@code fn} on the CPU of the absolute values of the floating inputs, in float64. */
    private static double[] magnitudes(Gradcheck.Fn fn, ParityInput[] inputs) {
        try (Grad.Scope off = Grad.disabled()) {
            Tensor[] abs = Arrays.stream(inputs)
                    .map(in -> in.isFloating() ? in.on(Device.CPU).to(DType.FLOAT64).abs() : in.on(Device.CPU))
                    .toArray(Tensor[]::new);
            return fn.apply(abs).toDoubleArray();
        }
    }

    /** {@code compute} run for the CPU, then for the GPU: the same dtype, shape and elements. */
    static void assertSameOnBothDevices(String what, Tolerance tolerance, Function<Device, Tensor> compute) {
        Tensor cpu = compute.apply(Device.CPU);
        assertEquals(Device.CPU, cpu.device(), what + ": the CPU reference should be on the CPU");
        assertSameTensor(what, cpu, compute.apply(CUDA), tolerance);
    }

    static Tensor[] place(Device device, ParityInput... inputs) {
        return Arrays.stream(inputs).map(in -> in.on(device)).toArray(Tensor[]::new);
    }

    /** {@code gpu} is on the GPU and equals {@code cpu} within {@code tolerance}; {@code what} names it in failures. */
    static void assertSameTensor(String what, Tensor cpu, Tensor gpu, Tolerance tolerance) {
        assertSameTensor(what, cpu, gpu, tolerance, null);
    }

    private static void assertSameTensor(String what, Tensor cpu, Tensor gpu, Tolerance tolerance, double[] magnitude) {
        assertEquals(CUDA, gpu.device(), what + ": the result should stay on the GPU");
        assertEquals(cpu.dtype(), gpu.dtype(), what + ": dtype");
        assertArrayEquals(cpu.shape(), gpu.shape(), what + ": shape");
        switch (cpu.dtype()) {
            case INT64:
                assertArrayEquals(cpu.toLongArray(), gpu.toLongArray(), what + ": elements");
                break;
            case BOOL:
                assertArrayEquals(cpu.toBooleanArray(), gpu.toBooleanArray(), what + ": elements");
                break;
            default:
                assertCloseElements(what, cpu.dtype(), cpu.toDoubleArray(), gpu.toDoubleArray(), tolerance, magnitude);
        }
    }

    private static void assertCloseElements(String what, DType dtype, double[] cpu, double[] gpu, Tolerance tolerance,
                                            double[] magnitude) {
        assertEquals(cpu.length, gpu.length, what + ": number of elements");
        int bad = 0;
        int first = -1;
        for (int i = 0; i < cpu.length; i++) {
            if (!tolerance.close(dtype, cpu[i], gpu[i], magnitude == null ? 0 : magnitude[i])) {
                bad++;
                first = first < 0 ? i : first;
            }
        }
        if (bad > 0) {
            fail(what + ": " + bad + " of " + cpu.length + " elements differ beyond " + tolerance + " (" + dtype
                    + "), the first at flat index " + first + ": cpu " + cpu[first] + ", cuda " + gpu[first]
                    + (magnitude == null ? "" : ", magnitude " + magnitude[first])
                    + (cpu.length <= 64 ? "\n  cpu  " + Arrays.toString(cpu) + "\n  cuda " + Arrays.toString(gpu) : ""));
        }
    }

    // ---------------------------------------------------------------- backward

    /**
     * Runs {@code fn} forward and backward on each device from the same inputs and compares the
     * gradient of every floating input. The output is reduced to a scalar with fixed random weights
     * (not a plain sum, whose gradient would be all ones), and the leaves are the inputs before their
     * view ops, so the backward of each view runs on the device too.
     */
    static void assertSameGradients(String what, Tolerance tolerance, Gradcheck.Fn fn, ParityInput... inputs) {
        Tensor[] cpu = gradients(Device.CPU, fn, inputs);
        Tensor[] gpu = gradients(CUDA, fn, inputs);
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i].isFloating()) {
                String gradient = what + ": gradient of input " + i + " (" + inputs[i] + ")";
                assertNotNull(cpu[i], gradient + " on the CPU");
                assertNotNull(gpu[i], gradient + " on the GPU");
                assertSameTensor(gradient, cpu[i], gpu[i], tolerance);
            }
        }
    }

    private static Tensor[] gradients(Device device, Gradcheck.Fn fn, ParityInput[] inputs) {
        Tensor[] leaves = new Tensor[inputs.length];
        Tensor[] args = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i].isFloating()) {
                leaves[i] = inputs[i].leafOn(device);
                args[i] = inputs[i].view(leaves[i]);
            } else {
                args[i] = inputs[i].on(device);
            }
        }
        Tensor out = fn.apply(args);
        out.mul(weightsLike(out)).sum().backward();
        return Arrays.stream(leaves).map(leaf -> leaf == null ? null : leaf.grad()).toArray(Tensor[]::new);
    }

    /** The same fixed weights in [0.5, 1.5) for an output of this shape on either device. */
    private static Tensor weightsLike(Tensor out) {
        SplittableRandom random = new SplittableRandom(out.numel());
        double[] w = new double[Math.toIntExact(out.numel())];
        for (int i = 0; i < w.length; i++) {
            w[i] = random.nextDouble(0.5, 1.5);
        }
        return Tensor.of(w).reshape(out.shape()).to(out.dtype()).to(out.device());
    }
}
