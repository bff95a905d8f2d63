package dev.nabla.processor;

/** Valid ops, as source text, shared by the behavioural, golden and lint tests. */
final class TestOps {
    private TestOps() {}

    static final String MY_RELU = """
            package test;

            import dev.nabla.Tensor;
            import dev.nabla.annotations.Backward;
            import dev.nabla.annotations.Differentiable;
            import dev.nabla.annotations.Saved;

            public final class MyReLU {
                @Saved Tensor x;

                @Differentiable
                Tensor forward(Tensor x) {
                    this.x = x;
                    return x.clampMin(0);
                }

                @Backward
                Tensor backward(Tensor gradOut) {
                    return gradOut.maskedFill(x.lt(0), 0);
                }
            }
            """;

    /**
     * Seed 001's linear function: optional bias, gradients computed only where needed, shapes
     * declared, and a jvp that gets null for each input without a tangent.
     */
    static final String LINEAR_OP = """
            package test;

            import dev.nabla.Tensor;
            import dev.nabla.annotations.Backward;
            import dev.nabla.annotations.Differentiable;
            import dev.nabla.annotations.Jvp;
            import dev.nabla.annotations.NeedsGrad;
            import dev.nabla.annotations.Saved;
            import dev.nabla.annotations.Shape;

            public final class LinearOp {
                @Saved Tensor input;
                @Saved Tensor weight;
                @Saved Tensor bias;

                record Grads(Tensor input, Tensor weight, Tensor bias) {}

                @Differentiable
                @Shape("n,o")
                Tensor forward(@Shape("n,i") Tensor input, @Shape("o,i") Tensor weight, @Shape("o") Tensor bias) {
                    this.input = input;
                    this.weight = weight;
                    this.bias = bias;
                    Tensor output = input.mm(weight.t());
                    return bias == null ? output : output.add(bias.unsqueeze(0).expandAs(output));
                }

                @Backward
                Grads backward(Tensor gradOutput, @NeedsGrad("input") boolean needsInput,
                        @NeedsGrad("weight") boolean needsWeight, @NeedsGrad("bias") boolean needsBias) {
                    return new Grads(needsInput ? gradOutput.mm(weight) : null,
                            needsWeight ? gradOutput.t().mm(input) : null,
                            bias != null && needsBias ? gradOutput.sum(0, false) : null);
                }

                @Jvp
                Tensor jvp(Tensor input, Tensor weight, Tensor bias) {
                    Tensor tangent = input == null ? null : input.mm(this.weight.t());
                    if (weight != null) {
                        Tensor t = this.input.mm(weight.t());
                        tangent = tangent == null ? t : tangent.add(t);
                    }
                    if (bias != null) {
                        Tensor t = bias.unsqueeze(0).expand(this.input.size(0), this.weight.size(0));
                        tangent = tangent == null ? t : tangent.add(t);
                    }
                    return tangent;
                }
            }
            """;

    /**
     * Two outputs, one of them {@code @NonDiff}, a non-tensor parameter, a {@code @NonDiff}
     * tensor input, a saved output, and a jvp returning the forward's record.
     */
    static final String SCALED_SIGN = """
            package test;

            import dev.nabla.Tensor;
            import dev.nabla.annotations.Backward;
            import dev.nabla.annotations.Differentiable;
            import dev.nabla.annotations.Jvp;
            import dev.nabla.annotations.NonDiff;
            import dev.nabla.annotations.Saved;
            import dev.nabla.annotations.Shape;

            public final class ScaledSign {
                @Saved Tensor scaled;
                @Saved Tensor mask;
                @Saved double factor;

                record Out(@Shape("n") Tensor scaled, @NonDiff Tensor sign) {}

                @Differentiable
                Out forward(@Shape("n") Tensor x, @NonDiff @Shape("n") Tensor mask, double factor) {
                    this.factor = factor;
                    this.mask = mask;
                    Tensor scaled = x.mul(mask).mul(factor).exp();
                    this.scaled = scaled;
                    return new Out(scaled, x.gt(0).to(x.dtype()));
                }

                @Backward
                Tensor backward(Tensor gradScaled) {
                    return gradScaled.mul(scaled).mul(mask).mul(factor);
                }

                @Jvp
                Out jvp(Tensor x) {
                    return new Out(x.mul(mask).mul(factor).mul(scaled), null);
                }
            }
            """;

    /**
     * A product with {@code @OnCuda} versions of its forward and backward that fail when called:
     * on CPU tensors the generated function must never reach them.
     */
    static final String CUDA_MUL = """
            package test;

            import dev.nabla.Tensor;
            import dev.nabla.annotations.Backward;
            import dev.nabla.annotations.Differentiable;
            import dev.nabla.annotations.OnCuda;
            import dev.nabla.annotations.Saved;

            public final class CudaMul {
                @Saved Tensor a;
                @Saved Tensor b;

                record Grads(Tensor a, Tensor b) {}

                @Differentiable
                Tensor forward(Tensor a, Tensor b) {
                    this.a = a;
                    this.b = b;
                    return a.mul(b);
                }

                @Backward
                Grads backward(Tensor gradOut) {
                    return new Grads(gradOut.mul(b), gradOut.mul(a));
                }

                @OnCuda("forward")
                Tensor forwardCuda(Tensor a, Tensor b) {
                    throw new IllegalStateException("CUDA forward called");
                }

                @OnCuda("backward")
                Grads backwardCuda(Tensor gradOut) {
                    throw new IllegalStateException("CUDA backward called");
                }
            }
            """;
}
