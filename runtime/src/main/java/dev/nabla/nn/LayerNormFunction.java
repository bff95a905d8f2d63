package dev.nabla.nn;

import dev.nabla.Tensor;
import dev.nabla.autograd.Function;
import dev.nabla.backend.Backends;
import dev.nabla.internal.FusedBackward;
import dev.nabla.internal.KeepsNoGradients;

/**
 * Layer normalisation of the rows of {@code x [rows, m]} with an optional {@code weight [m]} and
 * {@code bias [m]} (inputs 0 to 2, null where absent), PyTorch's {@code native_layer_norm}: one
 * node, {@code NativeLayerNormBackward0}, instead of the nine of its composition.
 *
 * <p>Where the backend has the fused kernels ({@link dev.nabla.backend.Backend#layerNorm}, the CPU's), forward and
 * backward are each one kernel; they measured 10x faster than the composition on {@code [1024, 128]}
 * rows. Elsewhere, and for a backward that builds a graph ({@code createGraph}), the same formulas
 * run as tensor ops. That backward recomputes the statistics from {@code x} rather than reading the
 * saved ones, so its own derivative is the true second derivative.
 */
final class LayerNormFunction extends Function implements KeepsNoGradients {
    private final double eps;
    /**
     * Each row's mean and {@code 1 / sqrt(var + eps)} (FLOAT64 {@code [rows]}) where forward ran
     * the backend's kernel, for its backward kernel; null where forward composed tensor ops.
     */
    private Tensor mean;
    private Tensor rstd;

    LayerNormFunction(double eps) {
        this.eps = eps;
    }

    @Override
    public String name() {
        return "NativeLayerNormBackward0";
    }

    @Override
    protected Tensor[] forward(Tensor[] in) {
        Tensor x = in[0];
        Tensor weight = in[1];
        Tensor bias = in[2];
        saveForBackward(x, weight);
        Tensor[] result = x.isContiguous()
                ? Backends.forDevice(x.device()).layerNorm(x, contiguous(weight), contiguous(bias), eps) : null;
        if (result != null) {
            mean = result[1];
            rstd = result[2];
            return new Tensor[] {result[0]};
        }
        Tensor[] stats = statistics(x);
        return new Tensor[] {affine(x.sub(stats[0]).mul(stats[1]), weight, bias)};
    }

    @Override
    protected Tensor[] backward(Tensor[] grad) {
        Tensor g = grad[0];
        Tensor[] saved = savedTensors();
        Tensor x = saved[0];
        Tensor weight = saved[1];
        boolean wantX = needsInputGrad(0);
        boolean wantWeight = needsInputGrad(1);
        boolean wantBias = needsInputGrad(2);
        if (mean != null && FusedBackward.allowed(g, x, weight)) {
            Tensor[] result = Backends.forDevice(x.device()).layerNormBackward(g.contiguous(), x, contiguous(weight),
                    mean, rstd, wantX, wantWeight, wantBias);
            if (result != null) {
                return result;
            }
        }
        Tensor[] stats = statistics(x);
        Tensor xhat = x.sub(stats[0]).mul(stats[1]);
        Tensor dxhat = weight == null ? g : g.mul(weight);
        return new Tensor[] {
            wantX ? dxhat.sub(dxhat.mean(-1, true)).sub(xhat.mul(dxhat.mul(xhat).mean(-1, true))).mul(stats[1]) : null,
            wantWeight ? g.mul(xhat).sum(0, false) : null,
            wantBias ? g.sum(0, false) : null,
        };
    }

    /**
     * {@code d(xhat) w + xhat dw + db}, where {@code d(xhat) = rstd (dx - mean(dx) - xhat mean(xhat dx))}
     * (the row's mean and variance move with {@code x}); each term present only where its input has a tangent.
     */
    @Override
    protected Tensor[] jvp(Tensor[] tangents) {
        Tensor[] saved = savedTensors();
        Tensor x = saved[0];
        Tensor weight = saved[1];
        Tensor[] stats = statistics(x);
        Tensor xhat = x.sub(stats[0]).mul(stats[1]);
        Tensor out = null;
        if (tangents[0] != null) {
            Tensor dx = tangents[0];
            Tensor dxhat = dx.sub(dx.mean(-1, true)).sub(xhat.mul(xhat.mul(dx).mean(-1, true))).mul(stats[1]);
            out = weight == null ? dxhat : dxhat.mul(weight);
        }
        if (tangents[1] != null) {
            Tensor term = xhat.mul(tangents[1]);
            out = out == null ? term : out.add(term);
        }
        if (tangents[2] != null) {
            // A tangent of its own, not a stride-0 view of the bias's, as the output is not a view either.
            out = out == null ? tangents[2].expand(x.shape()).contiguous() : out.add(tangents[2]);
        }
        return new Tensor[] {out};
    }

    /** Each row's mean and {@code 1 / sqrt(var + eps)} ({@code [rows, 1]}), the biased variance as PyTorch's. */
    private Tensor[] statistics(Tensor x) {
        Tensor mu = x.mean(-1, true);
        Tensor centred = x.sub(mu);
        return new Tensor[] {mu, centred.mul(centred).mean(-1, true).add(eps).rsqrt()};
    }

    private static Tensor affine(Tensor xhat, Tensor weight, Tensor bias) {
        Tensor y = weight == null ? xhat : xhat.mul(weight);
        return bias == null ? y : y.add(bias);
    }

    private static Tensor contiguous(Tensor t) {
        return t == null ? null : t.contiguous();
    }
}
