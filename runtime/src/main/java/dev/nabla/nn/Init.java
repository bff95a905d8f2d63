package dev.nabla.nn;

import dev.nabla.Grad;
import dev.nabla.Tensor;
import java.util.Arrays;

/**
 * Initialisations of parameters in place: PyTorch's {@code torch.nn.init}, with the same names
 * in Java's spelling and the same distributions. Samples come from the generator
 * {@link dev.nabla.Nabla#manualSeed} seeds (Nabla's own sequence, not PyTorch's). Every method
 * writes without recording autograd, so it works on parameters that require grad, and returns
 * the tensor it filled.
 *
 * <p>Fans: for a tensor of shape {@code [out, in, k...]}, {@code fanIn = in * prod(k)} and
 * {@code fanOut = out * prod(k)}; the methods that need them require at least two dimensions.
 */
public final class Init {
    private Init() {}

    /** Which fan scales a Kaiming initialisation. */
    public enum FanMode {
        /** Keeps the variance of the forward activations. */
        FAN_IN,
        /** Keeps the variance of the backward gradients. */
        FAN_OUT
    }

    /** The non-linearity that follows a layer, which sets the recommended gain. */
    public enum Nonlinearity {
        /** Gain 1. */
        LINEAR,
        /** Gain 1. */
        SIGMOID,
        /** Gain 5/3. */
        TANH,
        /** Gain sqrt(2). */
        RELU,
        /** Gain sqrt(2 / (1 + slope^2)), with slope the parameter (0.01 by default). */
        LEAKY_RELU,
        /** Gain 3/4. */
        SELU
    }

    /**
     * The recommended gain for {@code nonlinearity}, as {@code torch.nn.init.calculate_gain}
     * (with the default negative slope 0.01 for {@link Nonlinearity#LEAKY_RELU}).
     */
    public static double calculateGain(Nonlinearity nonlinearity) {
        return calculateGain(nonlinearity, 0.01);
    }

    /**
     * The recommended gain for {@code nonlinearity}; {@code param} is the negative slope of
     * {@link Nonlinearity#LEAKY_RELU} and ignored otherwise.
     */
    public static double calculateGain(Nonlinearity nonlinearity, double param) {
        switch (nonlinearity) {
            case LINEAR:
            case SIGMOID:
                return 1;
            case TANH:
                return 5.0 / 3;
            case RELU:
                return Math.sqrt(2.0);
            case LEAKY_RELU:
                return Math.sqrt(2.0 / (1 + param * param));
            default:
                return 3.0 / 4;
        }
    }

    /** Fills {@code t} with samples of U(0, 1). */
    public static Tensor uniform_(Tensor t) {
        return uniform_(t, 0, 1);
    }

    /**
     * Fills {@code t} with samples of U(low, high).
     *
     * @throws IllegalArgumentException if {@code t} is not floating point or {@code low > high}
     */
    public static Tensor uniform_(Tensor t, double low, double high) {
        try (Grad.Scope off = Grad.disabled()) {
            return t.uniform_(low, high);
        }
    }

    /** Fills {@code t} with samples of N(0, 1). */
    public static Tensor normal_(Tensor t) {
        return normal_(t, 0, 1);
    }

    /**
     * Fills {@code t} with samples of N(mean, std²).
     *
     * @throws IllegalArgumentException if {@code t} is not floating point or {@code std < 0}
     */
    public static Tensor normal_(Tensor t, double mean, double std) {
        try (Grad.Scope off = Grad.disabled()) {
            return t.normal_(mean, std);
        }
    }

    /** Fills {@code t} with {@code value}. */
    public static Tensor constant_(Tensor t, double value) {
        try (Grad.Scope off = Grad.disabled()) {
            return t.fill_(value);
        }
    }

    /** Fills {@code t} with zeros. */
    public static Tensor zeros_(Tensor t) {
        return constant_(t, 0);
    }

    /** Fills {@code t} with ones. */
    public static Tensor ones_(Tensor t) {
        return constant_(t, 1);
    }

    /**
     * Kaiming (He) uniform initialisation for layers followed by a ReLU-like activation:
     * {@code kaimingUniform_(t, 0, FAN_IN, LEAKY_RELU)}.
     */
    public static Tensor kaimingUniform_(Tensor t) {
        return kaimingUniform_(t, 0, FanMode.FAN_IN, Nonlinearity.LEAKY_RELU);
    }

    /**
     * Fills {@code t} with samples of U(-bound, bound), {@code bound = gain * sqrt(3 / fan)},
     * {@code gain = calculateGain(nonlinearity, a)}, as {@code kaiming_uniform_}. A tensor with no
     * elements is left as it is.
     *
     * @param a the negative slope of the rectifier after this layer (for {@code LEAKY_RELU})
     * @throws IllegalArgumentException if {@code t} has fewer than two dimensions
     */
    public static Tensor kaimingUniform_(Tensor t, double a, FanMode mode, Nonlinearity nonlinearity) {
        if (t.numel() == 0) {
            return t;
        }
        double std = calculateGain(nonlinearity, a) / Math.sqrt(fan("kaimingUniform_", t, mode));
        double bound = Math.sqrt(3.0) * std;
        return uniform_(t, -bound, bound);
    }

    /** Kaiming (He) normal initialisation: {@code kaimingNormal_(t, 0, FAN_IN, LEAKY_RELU)}. */
    public static Tensor kaimingNormal_(Tensor t) {
        return kaimingNormal_(t, 0, FanMode.FAN_IN, Nonlinearity.LEAKY_RELU);
    }

    /**
     * Fills {@code t} with samples of N(0, std²), {@code std = gain / sqrt(fan)}, as
     * {@code kaiming_normal_}. A tensor with no elements is left as it is.
     *
     * @throws IllegalArgumentException if {@code t} has fewer than two dimensions
     */
    public static Tensor kaimingNormal_(Tensor t, double a, FanMode mode, Nonlinearity nonlinearity) {
        if (t.numel() == 0) {
            return t;
        }
        double std = calculateGain(nonlinearity, a) / Math.sqrt(fan("kaimingNormal_", t, mode));
        return normal_(t, 0, std);
    }

    /** Xavier (Glorot) uniform initialisation with gain 1. */
    public static Tensor xavierUniform_(Tensor t) {
        return xavierUniform_(t, 1);
    }

    /**
     * Fills {@code t} with samples of U(-a, a), {@code a = gain * sqrt(6 / (fanIn + fanOut))}, as
     * {@code xavier_uniform_}.
     *
     * @throws IllegalArgumentException if {@code t} has fewer than two dimensions
     */
    public static Tensor xavierUniform_(Tensor t, double gain) {
        long[] fans = fans("xavierUniform_", t);
        double std = gain * Math.sqrt(2.0 / (fans[0] + fans[1]));
        double a = Math.sqrt(3.0) * std;
        return uniform_(t, -a, a);
    }

    /** Xavier (Glorot) normal initialisation with gain 1. */
    public static Tensor xavierNormal_(Tensor t) {
        return xavierNormal_(t, 1);
    }

    /**
     * Fills {@code t} with samples of N(0, std²), {@code std = gain * sqrt(2 / (fanIn + fanOut))},
     * as {@code xavier_normal_}.
     *
     * @throws IllegalArgumentException if {@code t} has fewer than two dimensions
     */
    public static Tensor xavierNormal_(Tensor t, double gain) {
        long[] fans = fans("xavierNormal_", t);
        double std = gain * Math.sqrt(2.0 / (fans[0] + fans[1]));
        return normal_(t, 0, std);
    }

    private static long fan(String op, Tensor t, FanMode mode) {
        long[] fans = fans(op, t);
        return mode == FanMode.FAN_IN ? fans[0] : fans[1];
    }

    /** {@code {fanIn, fanOut}}. */
    private static long[] fans(String op, Tensor t) {
        long[] shape = t.shape();
        if (shape.length < 2) {
            throw new IllegalArgumentException("Init." + op + ": fan in and fan out can not be computed for a tensor with"
                    + " fewer than 2 dimensions, got shape " + Arrays.toString(shape));
        }
        long receptive = 1;
        for (int d = 2; d < shape.length; d++) {
            receptive *= shape[d];
        }
        return new long[] {shape[1] * receptive, shape[0] * receptive};
    }
}
