package dev.nabla.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the backward method of an op: given the gradients of the forward's outputs, it returns
 * the gradients of the forward's inputs.
 *
 * <p>Parameters: one {@code Tensor} per differentiable output of the {@link Differentiable}
 * method, in order (a {@link NonDiff} output gets none), plus any number of {@code boolean}
 * parameters annotated {@link NeedsGrad}.
 *
 * <p>Result: a {@code Tensor} when the forward has exactly one differentiable tensor
 * parameter; otherwise a {@code record} whose components are named exactly like the forward's
 * differentiable tensor parameters, in the same order, each a {@code Tensor}. A component (or
 * the single result) may be {@code null}: that input gets no gradient. Each gradient is checked
 * at run time against its input's shape, dtype and device, and summed over broadcast
 * dimensions where the shapes are broadcast-compatible.
 *
 * <p>Unless the method is also {@link OnceDifferentiable}, it runs under autograd when a
 * double backward ({@code createGraph}) is requested, so it must be written with
 * differentiable tensor ops.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Backward {}
