package dev.nabla.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a tensor parameter of the {@link Differentiable} method that the forward modifies in
 * place and returns (PyTorch's {@code ctx.mark_dirty}). The returned tensor keeps its identity
 * and gets this op as its history; modifying a leaf that requires grad this way is an error at
 * run time.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.PARAMETER)
public @interface Dirty {}
