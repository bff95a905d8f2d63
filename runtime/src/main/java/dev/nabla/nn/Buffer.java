package dev.nabla.nn;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link dev.nabla.Tensor} field of a {@link Module} as a buffer: state that is not
 * learned but belongs to the module (a running mean, a fixed mask), as PyTorch's
 * {@code register_buffer}. Buffers are moved by {@link Module#to(dev.nabla.Device)}, listed by
 * {@link Module#buffers()} and, when persistent, saved in {@link Module#stateDict()}.
 *
 * <pre>{@code
 * @Buffer Tensor runningMean = Tensor.zeros(features);
 * }</pre>
 *
 * <p>A plain {@code Tensor} field without this annotation is ordinary state that the module
 * does not manage (unless it holds a {@link Parameter}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Buffer {
    /** Whether the buffer is part of the state dict; a non-persistent one is moved but never saved. */
    boolean persistent() default true;
}
