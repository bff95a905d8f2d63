package dev.nabla.nn;

/**
 * {@link MultiheadAttention}'s output projection: a plain {@link Linear} under the class name
 * PyTorch gives it, so that a model prints as PyTorch's does.
 */
final class NonDynamicallyQuantizableLinear extends Linear {
    NonDynamicallyQuantizableLinear(long inFeatures, long outFeatures) {
        super(inFeatures, outFeatures);
    }
}
