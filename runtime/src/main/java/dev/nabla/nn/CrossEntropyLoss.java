package dev.nabla.nn;

import dev.nabla.DType;
import dev.nabla.Tensor;
import java.util.Arrays;

/**
 * The cross entropy between logits and class indices: PyTorch's {@code nn.CrossEntropyLoss}
 * with class-index targets. For sample {@code i} the loss is
 * {@code -logSoftmax(input[i])[target[i]]}, computed through {@link Tensor#logSoftmax(int)} so
 * that large logits neither overflow nor lose precision.
 *
 * <p>Shapes: input (unnormalised logits) {@code [N, C]} and target INT64 {@code [N]} with
 * values in {@code [0, C)}; or input {@code [C]} and a 0-dimensional target for one sample.
 * The result is the mean over the samples by default, their sum, or ({@link Reduction#NONE})
 * the {@code [N]} per-sample losses. Class weights, {@code ignore_index}, label smoothing and
 * probability targets are not supported.
 */
public final class CrossEntropyLoss extends Loss {
    /** The mean cross entropy over the samples. */
    public CrossEntropyLoss() {
        this(Reduction.MEAN);
    }

    /** The cross entropy reduced as {@code reduction} says. */
    public CrossEntropyLoss(Reduction reduction) {
        super(reduction);
    }

    /**
     * The reduced cross entropy of {@code input} (logits) against {@code target} (class indices).
     *
     * @throws IllegalArgumentException if {@code input} is not floating point {@code [N, C]} (or
     *     {@code [C]}), {@code target} is not INT64 of shape {@code [N]} (or 0-dimensional), a
     *     target is outside {@code [0, C)}, or they are on different devices
     */
    @Override
    public Tensor forward(Tensor input, Tensor target) {
        String op = "CrossEntropyLoss";
        if (!input.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected floating point logits, got " + input.dtype().torchName());
        }
        if (target.dtype() != DType.INT64) {
            throw new IllegalArgumentException(op + ": expected the target to hold int64 class indices, got "
                    + target.dtype().torchName() + " (probability targets are not supported)");
        }
        if (!input.device().equals(target.device())) {
            throw new IllegalArgumentException(op + ": input is on " + input.device() + " but target is on "
                    + target.device());
        }
        if (input.dim() == 1) {
            if (target.dim() != 0) {
                throw new IllegalArgumentException(op + ": for input of shape " + Arrays.toString(input.shape())
                        + " (one sample) the target must be 0-dimensional, got shape " + Arrays.toString(target.shape()));
            }
            Tensor loss = forward(input.unsqueeze(0), target.unsqueeze(0));
            return reduction() == Reduction.NONE ? loss.squeeze(0) : loss;
        }
        if (input.dim() != 2) {
            throw new IllegalArgumentException(op + ": expected logits of shape [N, C] (or [C]), got shape "
                    + Arrays.toString(input.shape()));
        }
        long n = input.size(0);
        long classes = input.size(1);
        if (target.dim() != 1 || target.size(0) != n) {
            throw new IllegalArgumentException(op + ": for input of shape " + Arrays.toString(input.shape())
                    + " the target must have shape [" + n + "], got shape " + Arrays.toString(target.shape()));
        }
        long[] t = target.toLongArray();
        for (int i = 0; i < t.length; i++) {
            if (t[i] < 0 || t[i] >= classes) {
                throw new IllegalArgumentException(op + ": target " + t[i] + " at index " + i + " is out of bounds for "
                        + classes + " classes (expected a value in [0, " + classes + "))");
            }
        }
        Tensor picked = input.logSoftmax(1).gather(1, target.unsqueeze(1)).squeeze(1);
        return reduce(picked).neg();
    }
}
