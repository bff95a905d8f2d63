package dev.nabla.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code boolean} parameter of the {@link Backward} method that receives whether the
 * named forward input needs a gradient (PyTorch's {@code ctx.needs_input_grad}), so the
 * backward can skip computing gradients nobody asked for:
 *
 * <pre>{@code
 * @Backward
 * Grads backward(Tensor gradOut, @NeedsGrad("weight") boolean needsWeight) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.PARAMETER)
public @interface NeedsGrad {
    /** The name of a differentiable tensor parameter of the forward. */
    String value();
}
