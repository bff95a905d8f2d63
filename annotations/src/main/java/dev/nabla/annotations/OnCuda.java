package dev.nabla.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the CUDA version of an op's portable {@link Differentiable} forward or {@link Backward}
 * method, named by {@link #value}: the generated {@code Function} calls it instead of the
 * portable method when every tensor input is on a CUDA device, so that the op itself never
 * tests {@code x.device().isCuda()}.
 *
 * <pre>{@code
 * @Differentiable
 * Tensor forward(Tensor x) { ... }          // tensor ops: any device
 *
 * @OnCuda("forward")
 * Tensor forwardCuda(Tensor x) { ... }      // launches the op's own kernel
 * }</pre>
 *
 * <p>The variant has exactly the portable method's parameters (count, types and names, in
 * order) and return type, and neither {@link Differentiable} nor {@link Backward} itself; the
 * portable method's annotations ({@link Shape}, {@link NonDiff}, {@link NeedsGrad}, ...) hold for
 * it and are not repeated on it. An op has at most one CUDA version of each method. Anything else
 * is a compile error.
 *
 * <p>Dispatch: the forward variant runs when every non-null tensor input is on a CUDA device
 * (and one is). The backward variant runs when the forward got such inputs, every non-null
 * output gradient is on a CUDA device too, and the backward does not itself record a graph: under
 * {@code createGraph} the portable backward runs, since a raw kernel records nothing to
 * differentiate (unless the backward is {@link OnceDifferentiable}, which needs no graph).
 *
 * <p>The generated check runs the portable path on CPU inputs and, where CUDA is available, the
 * same checks on CUDA inputs, then compares the two paths' outputs and input gradients.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface OnCuda {
    /** The name of the portable method this one replaces on CUDA: the op's forward or its backward. */
    String value();
}
