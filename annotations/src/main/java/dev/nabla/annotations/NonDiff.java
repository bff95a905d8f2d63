package dev.nabla.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a tensor that takes no part in differentiation.
 *
 * <ul>
 *   <li>On the {@link Differentiable} method, or on a component of the record it returns: that
 *       output is not differentiable (PyTorch's {@code ctx.mark_non_differentiable}); it never
 *       requires grad and the backward takes no gradient for it.
 *   <li>On a tensor parameter of the forward: that input never gets a gradient; the gradient
 *       record of the backward has no component for it.
 * </ul>
 *
 * <p>Only tensors can be annotated; other values never take part in differentiation anyway.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
public @interface NonDiff {}
