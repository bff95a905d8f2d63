package dev.nabla.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link Backward} method that cannot itself be differentiated (PyTorch's
 * {@code @once_differentiable}): it always runs with grad mode disabled, and differentiating
 * its result (a double backward) fails with an error naming the op. The generated gradient
 * check then skips gradgradcheck.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface OnceDifferentiable {}
