package dev.nabla.backend.cuda;

import static dev.nabla.DType.FLOAT32;
import static dev.nabla.DType.FLOAT64;
import static dev.nabla.backend.cuda.ParityAssertions.Tolerance.ACCUMULATING;
import static dev.nabla.backend.cuda.ParityAssertions.Tolerance.EXACT;
import static dev.nabla.backend.cuda.ParityAssertions.assertSameOnBothDevices;
import static dev.nabla.backend.cuda.ParityInput.index;
import static dev.nabla.backend.cuda.ParityInput.randn;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Gradcheck;
import dev.nabla.Tensor;
import dev.nabla.autograd.ForwardAD;
import dev.nabla.backend.cuda.ParityAssertions.Tolerance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Forward mode through the view, copy, join, index, repeat and triangle ops on CUDA against the
 * CPU backend: the same dual inputs on each device, and the output tangents compared with
 * {@link CudaParityTest}'s tolerances (the same bits for ops that only move elements; sums for
 * scatterAdd, which may add in another order on the device). Primals and tangents differ in
 * layout (a transposed, narrowed or expanded tangent of a contiguous primal, and the reverse), so
 * the rules' ops see the tangent's own strides on the device. Skipped without a usable CUDA
 * backend; {@link ShapeOpsForwardADParityOnCpuKernelsTest} runs it on the kernels compiled for the CPU.
 */
class ShapeOpsForwardADParityTest {
    @BeforeEach
    void requireCuda() {
        ParityAssertions.assumeCuda();
    }

    /** {@code fn} of {@code primals}, input {@code i} carrying {@code tangents[i]} (none where null). */
    record Case(String name, Tolerance tolerance, Gradcheck.Fn fn, ParityInput[] primals, ParityInput[] tangents) {
        @Override
        public String toString() {
            return name + " of " + Arrays.toString(primals) + " along " + Arrays.toString(tangents);
        }
    }

    private static ParityInput[] of(ParityInput... inputs) {
        return inputs;
    }

    static Stream<Case> cases() {
        ParityInput.reseed("ShapeOpsForwardADParityTest");
        List<Case> cases = new ArrayList<>();
        for (DType dtype : List.of(FLOAT32, FLOAT64)) {
            ParityInput m = randn(dtype, 3, 4);
            ParityInput mt = randn(dtype, 4, 3).t();
            ParityInput narrowed = randn(dtype, 3, 6).narrow(1, 1, 4);
            ParityInput expanded = randn(dtype, 1, 4).expand(3, 4);
            ParityInput cube = randn(dtype, 2, 3, 4);
            ParityInput cubeT = randn(dtype, 2, 4, 3).transpose(1, 2);
            for (ParityInput[] pt : List.of(of(m, mt), of(mt, narrowed), of(narrowed, expanded))) {
                ParityInput[] p = of(pt[0]);
                ParityInput[] t = of(pt[1]);
                cases.add(new Case("t", EXACT, x -> x[0].t(), p, t));
                cases.add(new Case("view as 12 (reshaping the tangent)", EXACT, x -> x[0].contiguous().view(12), p, t));
                cases.add(new Case("reshape", EXACT, x -> x[0].reshape(2, 6), p, t));
                cases.add(new Case("narrow, unsqueeze, expand", EXACT,
                        x -> x[0].narrow(1, 1, 2).unsqueeze(0).expand(2, 3, 2), p, t));
                cases.add(new Case("unsqueeze, squeeze", EXACT, x -> x[0].unsqueeze(2).squeeze(2), p, t));
                cases.add(new Case("clone", EXACT, x -> x[0].clone(), p, t));
                cases.add(new Case("cat with a constant", EXACT, x -> Tensor.cat(1, x[0], x[1], x[0]),
                        of(pt[0], m), of(pt[1], null)));
                cases.add(new Case("stack", EXACT, x -> Tensor.stack(0, x[0], x[1]), of(pt[0], m), of(pt[1], mt)));
                cases.add(new Case("split", EXACT, x -> x[0].split(3, 1)[1], p, t));
                cases.add(new Case("indexSelect", EXACT, x -> x[0].indexSelect(1, x[1]),
                        of(pt[0], index(new long[] {3, 0, 3, 1, 2}, 5)), of(pt[1], null)));
                cases.add(new Case("gather", EXACT, x -> x[0].gather(0, x[1]),
                        of(pt[0], index(new long[] {2, 0, 1, 1, 0, 2}, 2, 3)), of(pt[1], null)));
                cases.add(new Case("scatterAdd", ACCUMULATING, x -> x[0].scatterAdd(0, x[1], x[2]),
                        of(pt[0], index(new long[] {2, 0, 2, 0, 2, 2, 0, 0}, 2, 4), randn(dtype, 2, 4)),
                        of(pt[1], null, randn(dtype, 4, 2).t())));
                cases.add(new Case("repeat", EXACT, x -> x[0].repeat(2, 1, 2), p, t));
                cases.add(new Case("tril", EXACT, x -> x[0].tril(0), p, t));
                cases.add(new Case("triu", EXACT, x -> x[0].triu(1), p, t));
            }
            cases.add(new Case("permute of 3-D", EXACT, x -> x[0].permute(2, 0, 1), of(cube), of(cubeT)));
            cases.add(new Case("flatten of 3-D", EXACT, x -> x[0].flatten(), of(cubeT), of(cube)));
            cases.add(new Case("tril of a batch", EXACT, x -> x[0].tril(-1), of(cubeT), of(cube)));
        }
        cases.add(new Case("to float32", EXACT, x -> x[0].to(FLOAT32), of(randn(FLOAT64, 3, 4)),
                of(randn(FLOAT64, 4, 3).t())));
        return cases.stream();
    }

    /** The output tangent of a case on {@code device}. */
    private static Tensor tangentOn(Device device, Case c) {
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            Tensor[] x = new Tensor[c.primals().length];
            for (int i = 0; i < x.length; i++) {
                Tensor primal = c.primals()[i].on(device);
                x[i] = c.tangents()[i] == null ? primal : ForwardAD.makeDual(primal, c.tangents()[i].on(device));
            }
            Tensor t = ForwardAD.tangent(c.fn().apply(x));
            assertNotNull(t, c + " on " + device + ": the result carries no tangent");
            return t;
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void tangentsMatchTheCpu(Case c) {
        assertSameOnBothDevices(c.toString(), c.tolerance(), device -> tangentOn(device, c));
    }
}
