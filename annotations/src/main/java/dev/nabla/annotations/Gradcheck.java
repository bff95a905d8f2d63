package dev.nabla.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Settings of the gradient check generated for an op ({@code <ClassName>Gradcheck}), placed on
 * its {@link Differentiable} method. Without this annotation the check runs with PyTorch's
 * defaults ({@code eps = 1e-6}, {@code atol = 1e-5}, {@code rtol = 1e-3}, full Jacobians).
 *
 * <p>The generated check builds float64 inputs seeded with a fixed seed: each {@link Shape}
 * symbol gets a size from 2 to 4, the same in every tensor that mentions it; a tensor without
 * {@code @Shape} is a vector of 5 elements. Non-tensor parameters get 0 (integral types), 0.5
 * (floating types), {@code false}, {@code 'a'}, the empty string, or an enum's first constant;
 * for any other type (an array, say) the check is disabled with a reason naming the parameter,
 * and a copy of the generated class must choose a value. The checks then run again once for
 * each other value of a non-tensor parameter (1, -1.5, {@code true}, {@code 'z'}, {@code "a"},
 * each other enum constant), and once with each tensor parameter the op accepts as absent set to
 * null: one annotated {@code @Nullable} (any annotation of that name) or one its forward compares
 * with null.
 *
 * <p>A check whose gradient is deliberately not the true one (a straight-through estimator)
 * is turned off with {@code enabled = false} and a {@code reason}, which the test report shows.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Gradcheck {
    /** The finite-difference step; must be positive. */
    double eps() default 1e-6;

    /** The absolute tolerance; must not be negative. */
    double atol() default 1e-5;

    /** The relative tolerance; must not be negative. */
    double rtol() default 1e-3;

    /** Fast mode: compare random projections of the Jacobian instead of the whole Jacobian. */
    boolean fast() default false;

    /** Whether the check runs; false requires a {@link #reason()}. */
    boolean enabled() default true;

    /** Why the check is disabled; required (non-blank) when {@link #enabled()} is false. */
    String reason() default "";
}
