package dev.nabla.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field of an op as state that the forward keeps for the backward (PyTorch's
 * {@code ctx.save_for_backward} and attributes set on {@code ctx}).
 *
 * <p>A {@code Tensor} field is version-checked: if the tensor is modified in place between the
 * forward and the backward, the backward fails with an error naming the op and the field; if
 * the backward itself modifies it, that is an error too. Saved tensors are released after the
 * backward unless the graph is retained. Fields of other types are plain state of the
 * per-call op instance.
 *
 * <p>The field must not be {@code private} (the generated code reads and writes it),
 * {@code static} (every call has its own context) or {@code final} (the forward assigns it).
 * For a correct double backward, save forward parameters or the returned value: an
 * intermediate computed inside the forward has no graph, so the processor warns about it
 * unless the backward is {@link OnceDifferentiable}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Saved {}
