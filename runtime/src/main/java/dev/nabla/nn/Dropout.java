package dev.nabla.nn;

import dev.nabla.Tensor;

/**
 * Randomly zeroes elements while training: PyTorch's {@code nn.Dropout}. In training mode each
 * element is kept with probability {@code 1 - p} and then scaled by {@code 1 / (1 - p)}, so the
 * expected output equals the input; in evaluation mode ({@link Module#eval()}) the input is
 * returned as it is. The mask is drawn from the generator {@link dev.nabla.Nabla#manualSeed}
 * seeds. Never in place.
 */
public final class Dropout extends UnaryModule {
    private final double p;

    /** Dropout with {@code p = 0.5}. */
    public Dropout() {
        this(0.5);
    }

    /**
     * Dropout that zeroes each element with probability {@code p}.
     *
     * @throws IllegalArgumentException if {@code p} is not in {@code [0, 1]}
     */
    public Dropout(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("Dropout: probability has to be between 0 and 1, but got " + p);
        }
        this.p = p;
    }

    /** The probability of zeroing an element. */
    public double p() {
        return p;
    }

    /**
     * The input with elements dropped and the rest scaled (training), or the input itself
     * (evaluation, or {@code p = 0}).
     *
     * @throws IllegalArgumentException if {@code input} is not floating point
     */
    @Override
    public Tensor forward(Tensor input) {
        if (!input.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("Dropout: expected a floating point input, got " + input.dtype().torchName());
        }
        return ElementwiseFunctions.dropout(input, p, isTraining());
    }

    /** {@code p=0.5, inplace=False}, as PyTorch prints it. */
    @Override
    public String extraRepr() {
        return "p=" + Repr.pythonFloat(p) + ", inplace=False";
    }
}
