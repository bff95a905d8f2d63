package dev.nabla.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the forward-mode rule of an op (PyTorch's {@code Function.jvp}): given one tangent per
 * differentiable input, it returns the tangent of the output, the Jacobian of the
 * {@link Differentiable} method applied to the input tangents. Forward-mode AD
 * ({@code dev.nabla.autograd.ForwardAD}, {@code Autograd.jvp}) calls it right after the forward,
 * whenever an input of the op carries a tangent; an op without it fails there, naming the op.
 *
 * <pre>{@code
 * @Jvp
 * Tensor jvp(Tensor x) {                  // x: the tangent of the forward's input x
 *     return x.maskedFill(this.x.lt(0), 0);   // this.x: the @Saved input
 * }
 * }</pre>
 *
 * <p>Parameters: one {@code Tensor} per differentiable tensor parameter of the forward (a
 * {@link NonDiff} one gets none), named exactly like it and in the same order. A parameter is
 * {@code null} for an input that carries no tangent (its tangent is zero). Since the names are
 * the forward's, a {@link Saved} field of the same name is read as {@code this.name}.
 *
 * <p>Result: the forward's own result type. For a forward returning a {@code Tensor}, the
 * output's tangent, of the output's shape; for one returning a record, a record of that type
 * holding each output's tangent. A tangent (or a component) may be {@code null}: that output's
 * tangent is zero. A {@link NonDiff} output's component is ignored.
 *
 * <p>It runs after the forward has set the op's {@link Saved} fields, and with forward mode
 * suspended: the tensor ops it calls compute values only. The generated gradient check verifies
 * it against finite differences and against the {@link Backward} method.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Jvp {}
