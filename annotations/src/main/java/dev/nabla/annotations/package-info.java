/**
 * The DSL of Nabla's custom differentiable ops.
 *
 * <p>An op is a plain class with one {@link dev.nabla.annotations.Differentiable} forward
 * method and one {@link dev.nabla.annotations.Backward} method. The annotation processor
 * ({@code nabla-processor}) checks the pair at compile time and generates
 * {@code <ClassName>Function}, whose static {@code apply(...)} runs the op under autograd, and
 * {@code <ClassName>Gradcheck}, its gradient check:
 *
 * <pre>{@code
 * public final class MyReLU {
 *     @Saved Tensor x;
 *
 *     @Differentiable
 *     Tensor forward(Tensor x) {
 *         this.x = x;
 *         return x.clampMin(0);
 *     }
 *
 *     @Backward
 *     Tensor backward(Tensor gradOut) {
 *         return gradOut.maskedFill(x.lt(0), 0);
 *     }
 * }
 *
 * Tensor y = MyReLUFunction.apply(x);
 * }</pre>
 *
 * <p>An op may add its forward-mode rule, a {@link dev.nabla.annotations.Jvp} method taking one
 * tangent per differentiable input, named like it, and returning the output's tangent:
 *
 * <pre>{@code
 *     @Jvp
 *     Tensor jvp(Tensor x) {
 *         return x.maskedFill(this.x.lt(0), 0);
 *     }
 * }</pre>
 *
 * <p>Without one, forward-mode AD through the op fails, naming the op. The generated check
 * verifies the jvp against finite differences and against the backward.
 *
 * <p>An op may add a CUDA version of its forward or backward ({@link dev.nabla.annotations.OnCuda}):
 * the generated function calls it instead when the inputs are on a CUDA device.
 *
 * <p>A new instance of the op class is created for every call: it is the context that carries
 * {@link dev.nabla.annotations.Saved} state from the forward to the backward. Every annotation
 * here has class retention: the processor reads them, the runtime never does.
 */
package dev.nabla.annotations;
