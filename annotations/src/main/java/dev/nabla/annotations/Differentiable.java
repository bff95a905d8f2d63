package dev.nabla.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the forward method of an op: its class becomes a differentiable op, and the processor
 * generates {@code <ClassName>Function} with a static {@code apply(...)} taking this method's
 * parameters in order and returning its result.
 *
 * <p>The forward returns a {@code Tensor}, or a {@code record} whose components are tensors
 * (one per output). Its parameters are tensors (which may be null, e.g. an optional bias) and
 * any other Java values (ints, doubles, arrays, enums), which get no gradient. It runs with
 * grad mode disabled, as PyTorch's {@code Function.forward} does. The method must not be
 * private, abstract or generic; the class must have exactly one such method and exactly one
 * {@link Backward} method, and may have one {@link Jvp} method for forward-mode AD.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Differentiable {
    /**
     * Whether output gradients that nothing flowed into reach the backward as zeros (true) or
     * as {@code null} (false), as PyTorch's {@code ctx.set_materialize_grads}. With false the
     * backward must accept null gradients, and the generated gradient check verifies that it does.
     */
    boolean materializeGrads() default true;
}
