package dev.nabla.nn;

import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.autograd.Function;
import dev.nabla.internal.KeepsNoGradients;
import java.util.Arrays;

/** The classification losses of {@link Functional}: negative log likelihood, cross entropy, binary cross entropy. */
final class Losses {
    /** PyTorch's default {@code ignore_index}. */
    static final long DEFAULT_IGNORE_INDEX = -100;

    private Losses() {}

    /**
     * The cross entropy of logits {@code [N, C]} (or {@code [C]}, or {@code [N, C, d1, ...]}) against
     * class indices, as PyTorch's {@code F.cross_entropy(..., ignore_index, label_smoothing)}: with
     * smoothing {@code s}, {@code (1 - s) nll + s * mean over classes of -logp}; ignored samples add
     * nothing and do not count in the mean.
     */
    static Tensor crossEntropy(String op, Tensor input, Tensor target, long ignoreIndex, double labelSmoothing,
            Reduction reduction) {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException(op + ": label_smoothing must be between 0.0 and 1.0. Got: " + labelSmoothing);
        }
        Tensor[] flat = flatten(op, "logits", input, target, ignoreIndex);
        Tensor logp = flat[0].logSoftmax(1);
        Tensor nll = nll(logp, flat[1], flat[2], reduction, target);
        if (labelSmoothing == 0) {
            return nll;
        }
        long classes = logp.size(1);
        Tensor smooth = logp.sum(1, false).neg().mul(flat[2]);
        return nll.mul(1 - labelSmoothing).add(reduce(smooth, flat[2], reduction, target).mul(labelSmoothing / classes));
    }

    /** The negative log likelihood of log-probabilities against class indices, PyTorch's {@code F.nll_loss}. */
    static Tensor nllLoss(String op, Tensor logProbs, Tensor target, long ignoreIndex, Reduction reduction) {
        Tensor[] flat = flatten(op, "log-probabilities", logProbs, target, ignoreIndex);
        return nll(flat[0], flat[1], flat[2], reduction, target);
    }

    private static Tensor nll(Tensor logp, Tensor safeTarget, Tensor keep, Reduction reduction, Tensor target) {
        Tensor picked = logp.gather(1, safeTarget.unsqueeze(1)).squeeze(1).neg().mul(keep);
        return reduce(picked, keep, reduction, target);
    }

    /** Per-sample losses (zero where ignored) reduced: the mean divides by the number of samples kept. */
    private static Tensor reduce(Tensor perSample, Tensor keep, Reduction reduction, Tensor target) {
        switch (reduction) {
            case MEAN:
                return perSample.sum().div(keep.sum());
            case SUM:
                return perSample.sum();
            default:
                return perSample.reshape(target.shape());
        }
    }

    /**
     * Checks the operands and brings them to rows: {logits or log-probabilities {@code [M, C]},
     * targets {@code [M]} with ignored ones replaced by 0, and a {@code [M]} mask of the input's
     * dtype that is 1 where a target counts}.
     */
    private static Tensor[] flatten(String op, String what, Tensor input, Tensor target, long ignoreIndex) {
        if (input == null || target == null) {
            throw new NullPointerException(op + ": input and target must not be null");
        }
        if (!input.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected floating point " + what + ", got " + input.dtype().torchName());
        }
        if (target.dtype() != DType.INT64) {
            throw new IllegalArgumentException(op + ": expected the target to hold int64 class indices, got "
                    + target.dtype().torchName() + " (probability targets are not supported)");
        }
        if (!input.device().equals(target.device())) {
            throw new IllegalArgumentException(op + ": input is on " + input.device() + " but target is on " + target.device());
        }
        long[] shape = input.shape();
        long[] expected;
        Tensor rows;
        if (shape.length == 1) {
            expected = new long[0];
            rows = input.unsqueeze(0);
        } else if (shape.length >= 2) {
            expected = new long[shape.length - 1];
            expected[0] = shape[0];
            System.arraycopy(shape, 2, expected, 1, shape.length - 2);
            rows = input;
            // [N, C, d1, ..., dk]: the class dimension moves last, then every position is a row.
            for (int d = 1; d < shape.length - 1; d++) {
                rows = rows.transpose(d, d + 1);
            }
            rows = rows.reshape(-1, shape[1]);
        } else {
            throw new IllegalArgumentException(op + ": expected " + what + " of shape [C], [N, C] or [N, C, d1, ...], got"
                    + " a 0-dimensional tensor");
        }
        if (!Arrays.equals(target.shape(), expected)) {
            throw new IllegalArgumentException(op + ": for input of shape " + Arrays.toString(shape)
                    + " the target must have shape " + Arrays.toString(expected) + ", got shape " + Arrays.toString(target.shape()));
        }
        long classes = rows.size(1);
        Tensor flatTarget = target.reshape(-1);
        long[] values = flatTarget.toLongArray();
        for (int i = 0; i < values.length; i++) {
            long t = values[i];
            if (t != ignoreIndex && (t < 0 || t >= classes)) {
                throw new IllegalArgumentException(op + ": target " + t + " at index " + i + " is out of bounds for " + classes
                        + " classes (expected a value in [0, " + classes + "))");
            }
        }
        Tensor ignored = flatTarget.eq((double) ignoreIndex);
        Tensor keep = ignored.eq(0).to(input.dtype());
        return new Tensor[] {rows, flatTarget.maskedFill(ignored, 0), keep};
    }

    /**
     * {@code max(x, 0) - x y + log(1 + exp(-|x|))}, the binary cross entropy of logits computed without
     * overflow, reduced; PyTorch's {@code F.binary_cross_entropy_with_logits}.
     */
    static Tensor binaryCrossEntropyWithLogits(String op, Tensor input, Tensor target, Reduction reduction) {
        if (input == null || target == null) {
            throw new NullPointerException(op + ": input and target must not be null");
        }
        Loss.checkSameShape(op, input, target);
        if (input.dtype() != target.dtype() || !input.device().equals(target.device())) {
            throw new IllegalArgumentException(op + ": input is " + input.dtype().torchName() + " on " + input.device()
                    + " but target is " + target.dtype().torchName() + " on " + target.device());
        }
        Tensor perElement = new BinaryCrossEntropyWithLogits().apply(input, target)[0];
        switch (reduction) {
            case MEAN:
                return perElement.mean();
            case SUM:
                return perElement.sum();
            default:
                return perElement;
        }
    }

    /**
     * The elementwise loss with PyTorch's gradients, {@code sigmoid(x) - y} for the input and
     * {@code -x} for the target: written out because the stable forward's max and abs have kinks
     * at 0 that the true function does not.
     */
    private static final class BinaryCrossEntropyWithLogits extends Function implements KeepsNoGradients {
        @Override
        public String name() {
            return "BinaryCrossEntropyWithLogitsBackward0";
        }

        @Override
        protected Tensor[] forward(Tensor[] in) {
            Tensor x = in[0];
            Tensor y = in[1];
            saveForBackward(x, y);
            Tensor softplusOfMinusAbs = x.abs().neg().exp().add(1).log();
            return new Tensor[] {x.clampMin(0).sub(x.mul(y)).add(softplusOfMinusAbs)};
        }

        @Override
        protected Tensor[] backward(Tensor[] grad) {
            Tensor[] saved = savedTensors();
            Tensor g = grad[0];
            return new Tensor[] {
                needsInputGrad(0) ? g.mul(saved[0].sigmoid().sub(saved[1])) : null,
                needsInputGrad(1) ? g.mul(saved[0]).neg() : null,
            };
        }

        /** {@code dx (sigmoid(x) - y) - dy x}, from the same partial derivatives as backward. */
        @Override
        protected Tensor[] jvp(Tensor[] tangents) {
            Tensor[] saved = savedTensors();
            Tensor out = tangents[0] == null ? null : tangents[0].mul(saved[0].sigmoid().sub(saved[1]));
            if (tangents[1] != null) {
                Tensor term = tangents[1].mul(saved[0]);
                out = out == null ? term.neg() : out.sub(term);
            }
            return new Tensor[] {out};
        }
    }
}
