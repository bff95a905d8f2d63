package dev.nabla.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The symbolic shape of a tensor parameter of the {@link Differentiable} method, of its
 * single output (on the method), or of an output record component.
 *
 * <p>The value lists the dimensions separated by commas: each is a symbol (a Java identifier,
 * e.g. {@code n}) or a non-negative integer; the empty string is a 0-dimensional tensor.
 * {@code @Shape("n,i")} on {@code input} and {@code @Shape("o,i")} on {@code weight} say both
 * are matrices sharing their second dimension. A symbol takes its size from the first
 * non-null tensor that has it, and every later occurrence must match.
 *
 * <p>The generated {@code apply} checks the shapes at run time, failing with a message that
 * names the op, the parameter (or output), the expected and the actual shape; a {@code null}
 * tensor is not checked. The generated gradient check uses the shapes to build valid inputs,
 * giving each symbol a small random size.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.PARAMETER, ElementType.METHOD, ElementType.RECORD_COMPONENT})
public @interface Shape {
    /** The dimensions, e.g. {@code "n,i"}; see the class documentation for the syntax. */
    String value();
}
