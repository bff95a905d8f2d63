package dev.nabla.nn;

import dev.nabla.Tensor;
import dev.nabla.autograd.Function;
import dev.nabla.backend.Backends;
import dev.nabla.backend.Window;
import dev.nabla.internal.FusedBackward;
import dev.nabla.internal.KeepsNoGradients;

/**
 * A 2-D convolution with one group of {@code x [N, C, H, W]} by {@code weight [O, C, kH, kW]}
 * plus an optional {@code bias [O]} (inputs 0 to 2, the bias null where absent), PyTorch's
 * {@code convolution}: one node, {@code ConvolutionBackward0}.
 *
 * <p>Where the backend has the kernels ({@link dev.nabla.backend.Backend#convolution}, the
 * CPU's), forward and backward each run one, image by image (see Note [One image at a time] in
 * the CPU's {@code ConvKernels}); they keep only {@code x} and {@code weight} for the backward
 * rather than the unfolded columns. On the digits CNN's second layer ({@code [64, 32, 8, 8]} by
 * {@code [64, 32, 3, 3]}, one thread, thread CPU time) the forward went from 3.1 to 2.7 ms and
 * forward plus backward from 9.6 to 8.6 ms, three matrix products of 4.2 ms among them; on two
 * threads each thread takes half the images. Elsewhere, and for a backward that builds a graph ({@code createGraph}), the
 * same products run as tensor ops ({@link Im2colFunction}, a matrix product, {@link Col2imFunction}),
 * whose own derivatives a double backward needs.
 */
final class ConvolutionFunction extends Function implements KeepsNoGradients {
    private final Window window;

    ConvolutionFunction(Window window) {
        this.window = window;
    }

    @Override
    public String name() {
        return "ConvolutionBackward0";
    }

    @Override
    protected Tensor[] forward(Tensor[] in) {
        saveForBackward(in[0], in[1]);
        return new Tensor[] {convolve(in[0], in[1], in[2], window)};
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
        if (FusedBackward.allowed(g, x, weight)) {
            Tensor[] fused = Backends.forDevice(x.device()).convolutionBackward(g.contiguous(), x.contiguous(),
                    weight.contiguous(), window, wantX, wantWeight, wantBias);
            if (fused != null) {
                return fused;
            }
        }
        // The output's gradient as the columns' product was laid out: [O, N * outH * outW].
        long n = x.size(0);
        long outChannels = weight.size(0);
        Tensor rows = g.reshape(n, outChannels, -1).transpose(0, 1).reshape(outChannels, -1);
        Tensor flatWeight = weight.reshape(outChannels, -1);
        Tensor gradX = wantX
                ? new Col2imFunction(window, x.shape()).apply(flatWeight.t().matmul(rows))[0] : null;
        Tensor gradWeight = wantWeight
                ? rows.matmul(new Im2colFunction(window, 0).apply(x)[0].t()).reshape(weight.shape()) : null;
        Tensor gradBias = wantBias ? rows.sum(1, false) : null;
        return new Tensor[] {gradX, gradWeight, gradBias};
    }

    /**
     * The convolution is linear in each input: the tangent is the sum of each input's tangent put
     * through it, by nodes of this op, so that a backward through the tangent works.
     */
    @Override
    protected Tensor[] jvp(Tensor[] tangents) {
        Tensor[] saved = savedTensors();
        Tensor out = null;
        if (tangents[0] != null) {
            out = new ConvolutionFunction(window).apply(tangents[0], saved[1], null)[0];
        }
        if (tangents[1] != null) {
            Tensor term = new ConvolutionFunction(window).apply(saved[0], tangents[1], null)[0];
            out = out == null ? term : out.add(term);
        }
        if (tangents[2] != null) {
            Tensor term = tangents[2].reshape(1, -1, 1, 1);
            Tensor x = saved[0];
            long[] shape = {x.size(0), saved[1].size(0), window.outH(x.size(2)), window.outW(x.size(3))};
            // A tangent of its own, not a stride-0 view of the bias's, as the output is not a view either.
            out = out == null ? term.expand(shape).contiguous() : out.add(term);
        }
        return new Tensor[] {out};
    }

    /** The forward's value, by the backend's kernel where it has one, else by unfolding the whole batch into one product. */
    static Tensor convolve(Tensor x, Tensor weight, Tensor bias, Window window) {
        Tensor fused = Backends.forDevice(x.device()).convolution(x.contiguous(), weight.contiguous(), window,
                bias == null ? null : bias.contiguous());
        return fused != null ? fused : Convolution.unfolded(x, weight, bias, window, 1);
    }
}
