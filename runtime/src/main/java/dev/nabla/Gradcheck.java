package dev.nabla;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks analytical gradients against finite differences, as PyTorch's {@code gradcheck} and
 * {@code gradgradcheck}.
 *
 * <p>{@code fn} maps the inputs to one output tensor. Each floating input that requires grad
 * is perturbed by {@code ±eps}, one element at a time (or, in fast mode, along one random
 * direction), and the central difference is compared with the gradient the backward
 * computes: they agree when {@code |analytical - numerical| <= atol + rtol * |numerical|}.
 * Inputs should be FLOAT64: float32 differences are too coarse, and a warning says so.
 */
public final class Gradcheck {
    private static final System.Logger LOG = System.getLogger(Gradcheck.class.getName());

    private Gradcheck() {}

    /** A function of tensors to one tensor. */
    @FunctionalInterface
    public interface Fn {
        /** The output for these inputs. */
        Tensor apply(Tensor[] inputs);
    }

    /** Settings of a check; immutable, with {@code with...} copies. */
    public static final class Options {
        final double eps;
        final double atol;
        final double rtol;
        final boolean fast;
        final boolean raise;
        final boolean checkUndefinedGrad;
        final long seed;
        final boolean checkForwardAD;

        private Options(double eps, double atol, double rtol, boolean fast, boolean raise, boolean checkUndefinedGrad, long seed) {
            this(eps, atol, rtol, fast, raise, checkUndefinedGrad, seed, false);
        }

        private Options(double eps, double atol, double rtol, boolean fast, boolean raise, boolean checkUndefinedGrad, long seed,
                        boolean checkForwardAD) {
            this.eps = eps;
            this.atol = atol;
            this.rtol = rtol;
            this.fast = fast;
            this.raise = raise;
            this.checkUndefinedGrad = checkUndefinedGrad;
            this.seed = seed;
            this.checkForwardAD = checkForwardAD;
        }

        /** PyTorch's defaults: eps 1e-6, atol 1e-5, rtol 1e-3, full Jacobians, raising on failure. */
        public static Options defaults() {
            return new Options(1e-6, 1e-5, 1e-3, false, true, true, 0);
        }

        /** The finite-difference step. */
        public Options withEps(double eps) {
            return new Options(eps, atol, rtol, fast, raise, checkUndefinedGrad, seed, checkForwardAD);
        }

        /** The absolute tolerance. */
        public Options withAtol(double atol) {
            return new Options(eps, atol, rtol, fast, raise, checkUndefinedGrad, seed, checkForwardAD);
        }

        /** The relative tolerance. */
        public Options withRtol(double rtol) {
            return new Options(eps, atol, rtol, fast, raise, checkUndefinedGrad, seed, checkForwardAD);
        }

        /** Fast mode: compare projections {@code vᵀJu} on random vectors instead of whole Jacobians. */
        public Options withFastMode(boolean fast) {
            return new Options(eps, atol, rtol, fast, raise, checkUndefinedGrad, seed, checkForwardAD);
        }

        /** Whether a failure throws {@link GradcheckException} (true) or returns false. */
        public Options withRaiseException(boolean raise) {
            return new Options(eps, atol, rtol, fast, raise, checkUndefinedGrad, seed, checkForwardAD);
        }

        /** Whether to check that backward copes with an all-zero output gradient. */
        public Options withCheckUndefinedGrad(boolean check) {
            return new Options(eps, atol, rtol, fast, raise, check, seed, checkForwardAD);
        }

        /**
         * Whether to check forward mode too ({@code check_forward_ad}): the jvp of every input
         * direction (in fast mode, of a random one) against finite differences, and against the
         * backward ({@code <v, J u>} from the jvp equals {@code <J^T v, u>} from the backward).
         */
        public Options withCheckForwardAD(boolean check) {
            return new Options(eps, atol, rtol, fast, raise, checkUndefinedGrad, seed, check);
        }

        /** The seed of fast mode's random vectors and of gradgradcheck's output gradients. */
        public Options withSeed(long seed) {
            return new Options(eps, atol, rtol, fast, raise, checkUndefinedGrad, seed, checkForwardAD);
        }
    }

    /** Thrown by a failed check that raises. */
    public static final class GradcheckException extends AssertionError {
        private static final long serialVersionUID = 1L;

        GradcheckException(String message) {
            super(message);
        }
    }

    /** {@link #check(Fn, Options, Tensor...)} with {@link Options#defaults()}. */
    public static boolean check(Fn fn, Tensor... inputs) {
        return check(fn, Options.defaults(), inputs);
    }

    /**
     * Compares the backward of {@code fn} at {@code inputs} with finite differences.
     *
     * @return true when every entry agrees; false on disagreement if the options do not raise
     * @throws GradcheckException on disagreement, naming the input and output and printing the
     *     worst numerical and analytical Jacobian entries
     */
    public static boolean check(Fn fn, Options options, Tensor... inputs) {
        List<Integer> diff = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            if (t != null && t.requiresGrad()) {
                diff.add(i);
                if (t.dtype() != DType.FLOAT64) {
                    LOG.log(System.Logger.Level.WARNING, "gradcheck: input " + i + " is " + t.dtype().torchName()
                            + ", not float64; finite differences in low precision are likely to fail");
                }
            }
        }
        if (diff.isEmpty()) {
            return fail(options, "gradcheck expects at least one input tensor to require gradient, but none of them do");
        }
        Tensor out = fn.apply(inputs);
        String result = options.fast ? checkFast(fn, inputs, diff, out, options) : checkFull(fn, inputs, diff, out, options);
        if (result == null && options.checkUndefinedGrad) {
            result = checkZeroGradOutput(out, inputs, diff);
        }
        if (result == null && options.checkForwardAD) {
            result = checkForwardAD(fn, inputs, diff, out, options);
        }
        return result == null || fail(options, result);
    }

    private static boolean fail(Options options, String message) {
        if (options.raise) {
            throw new GradcheckException(message);
        }
        return false;
    }

    /** The output's values for the current inputs, flattened, without recording a graph. */
    private static double[] evaluate(Fn fn, Tensor[] inputs) {
        try (Grad.Scope off = Grad.disabled()) {
            return fn.apply(inputs).toDoubleArray();
        }
    }

    /**
     * Sets element {@code j} of {@code t} to {@code value} without recording or counting a
     * version: the graph built on the original values must stay usable, and restoring the exact
     * original value afterwards leaves it as it was.
     */
    private static void setElement(Tensor t, int j, double value) {
        long[] idx = unravel(j, t.shape);
        long off = t.offset;
        for (int d = 0; d < idx.length; d++) {
            off += idx[d] * t.stride[d];
        }
        Tensor element = Ops.view(t, new long[0], new long[0], off);
        Ops.backend(element).fill(element, value);
    }

    private static long[] unravel(long j, long[] shape) {
        long[] idx = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = j % shape[d];
            j /= shape[d];
        }
        return idx;
    }

    private static String checkFull(Fn fn, Tensor[] inputs, List<Integer> diff, Tensor out, Options o) {
        int outN = (int) out.numel();
        Tensor[] diffInputs = diff.stream().map(i -> inputs[i]).toArray(Tensor[]::new);
        // Analytical Jacobian, one row per output element.
        double[][][] analytical = new double[diff.size()][][];
        for (int k = 0; k < diff.size(); k++) {
            analytical[k] = new double[(int) inputs[diff.get(k)].numel()][outN];
        }
        for (int r = 0; r < outN; r++) {
            double[] onehot = new double[outN];
            onehot[r] = 1;
            Tensor go = Tensor.of(onehot).to(out.dtype()).reshape(out.shape).to(out.device());
            Tensor[] grads = out.requiresGrad()
                    ? Autograd.grad(new Tensor[] {out}, diffInputs, new Tensor[] {go}, true, false, true)
                    : new Tensor[diffInputs.length];
            for (int k = 0; k < grads.length; k++) {
                if (grads[k] != null) {
                    double[] g = grads[k].toDoubleArray();
                    for (int j = 0; j < g.length; j++) {
                        analytical[k][j][r] = g[j];
                    }
                }
            }
        }
        // Numerical Jacobian by central differences.
        for (int k = 0; k < diff.size(); k++) {
            int i = diff.get(k);
            Tensor x = inputs[i];
            int n = (int) x.numel();
            double worst = -1;
            int wj = 0;
            int wr = 0;
            double[][] numerical = new double[n][];
            double[] original = x.toDoubleArray();
            for (int j = 0; j < n; j++) {
                setElement(x, j, original[j] + o.eps);
                double[] plus = evaluate(fn, inputs);
                setElement(x, j, original[j] - o.eps);
                double[] minus = evaluate(fn, inputs);
                setElement(x, j, original[j]);
                numerical[j] = new double[outN];
                for (int r = 0; r < outN; r++) {
                    double num = (plus[r] - minus[r]) / (2 * o.eps);
                    numerical[j][r] = num;
                    double excess = Math.abs(analytical[k][j][r] - num) - (o.atol + o.rtol * Math.abs(num));
                    if (excess > worst || Double.isNaN(excess)) {
                        worst = Double.isNaN(excess) ? Double.POSITIVE_INFINITY : excess;
                        wj = j;
                        wr = r;
                    }
                }
            }
            if (worst > 0) {
                return "Jacobian mismatch for output 0 with respect to input " + i + " (shape "
                        + dev.nabla.internal.Shapes.format(x.shape) + "): at input element " + wj + ", output element " + wr
                        + " numerical " + numerical[wj][wr] + " analytical " + analytical[k][wj][wr] + " (atol "
                        + o.atol + ", rtol " + o.rtol + ")\n" + worstEntries(numerical, analytical[k]);
            }
        }
        return null;
    }

    /** The entries that disagree most, as a small table. */
    private static String worstEntries(double[][] numerical, double[][] analytical) {
        List<double[]> rows = new ArrayList<>();
        for (int j = 0; j < numerical.length; j++) {
            for (int r = 0; r < numerical[j].length; r++) {
                rows.add(new double[] {Math.abs(numerical[j][r] - analytical[j][r]), j, r, numerical[j][r], analytical[j][r]});
            }
        }
        rows.sort((a, b) -> Double.compare(b[0], a[0]));
        StringBuilder sb = new StringBuilder("  input elem  output elem       numerical      analytical\n");
        for (int i = 0; i < Math.min(8, rows.size()); i++) {
            double[] e = rows.get(i);
            sb.append(String.format("  %10d  %11d  %14.8g  %14.8g%n", (long) e[1], (long) e[2], e[3], e[4]));
        }
        return sb.toString();
    }

    private static String checkFast(Fn fn, Tensor[] inputs, List<Integer> diff, Tensor out, Options o) {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(o.seed);
        double[] v = new double[(int) out.numel()];
        for (int r = 0; r < v.length; r++) {
            v[r] = rnd.nextDouble(-1, 1);
        }
        Tensor vt = Tensor.of(v).to(out.dtype()).reshape(out.shape).to(out.device());
        Tensor[] diffInputs = diff.stream().map(i -> inputs[i]).toArray(Tensor[]::new);
        Tensor[] grads = out.requiresGrad()
                ? Autograd.grad(new Tensor[] {out}, diffInputs, new Tensor[] {vt}, true, false, true)
                : new Tensor[diffInputs.length];
        for (int k = 0; k < diff.size(); k++) {
            int i = diff.get(k);
            Tensor x = inputs[i];
            int n = (int) x.numel();
            double[] u = new double[n];
            for (int j = 0; j < n; j++) {
                u[j] = rnd.nextDouble(-1, 1);
            }
            double analytical = 0;
            if (grads[k] != null) {
                double[] g = grads[k].toDoubleArray();
                for (int j = 0; j < n; j++) {
                    analytical += g[j] * u[j];
                }
            }
            double[][] direction = new double[diff.size()][];
            direction[k] = u;
            double[] slope = directional(fn, inputs, diff, direction, o.eps);
            double numerical = 0;
            for (int r = 0; r < v.length; r++) {
                numerical += v[r] * slope[r];
            }
            if (!(Math.abs(analytical - numerical) <= o.atol + o.rtol * Math.abs(numerical))) {
                return "Jacobian mismatch (fast mode) for output 0 with respect to input " + i + ": the projection vᵀJu is "
                        + "numerical " + numerical + " but analytical " + analytical + " (atol " + o.atol + ", rtol " + o.rtol
                        + "); rerun without fast mode to see the Jacobian entries";
            }
        }
        return null;
    }

    /**
     * The output tangent of {@code fn} in forward mode, input {@code diff[k]} moving along
     * {@code u[k]} (null for none), as a flat array of the output's size.
     */
    private static double[] forwardTangent(Fn fn, Tensor[] inputs, List<Integer> diff, double[][] u, Tensor out) {
        try (dev.nabla.autograd.ForwardAD.DualLevel level = dev.nabla.autograd.ForwardAD.dualLevel()) {
            Tensor[] duals = inputs.clone();
            for (int k = 0; k < diff.size(); k++) {
                if (u[k] != null) {
                    Tensor x = inputs[diff.get(k)];
                    Tensor t = Tensor.of(u[k]).to(x.dtype()).reshape(x.shape).to(x.device());
                    duals[diff.get(k)] = dev.nabla.autograd.ForwardAD.makeDual(x, t);
                }
            }
            Tensor y;
            try (Grad.Scope off = Grad.disabled()) {
                y = fn.apply(duals);
            }
            Tensor t = dev.nabla.autograd.ForwardAD.tangent(y);
            return t == null ? new double[(int) out.numel()] : t.toDoubleArray();
        }
    }

    private static String checkForwardAD(Fn fn, Tensor[] inputs, List<Integer> diff, Tensor out, Options o) {
        int outN = (int) out.numel();
        if (o.fast) {
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(o.seed + 1);
            double[][] u = new double[diff.size()][];
            for (int k = 0; k < diff.size(); k++) {
                u[k] = new double[(int) inputs[diff.get(k)].numel()];
                for (int j = 0; j < u[k].length; j++) {
                    u[k][j] = rnd.nextDouble(-1, 1);
                }
            }
            double[] v = new double[outN];
            for (int r = 0; r < outN; r++) {
                v[r] = rnd.nextDouble(-1, 1);
            }
            double[] ju = forwardTangent(fn, inputs, diff, u, out);
            double[] numerical = directional(fn, inputs, diff, u, o.eps);
            double fromJvp = 0;
            double fromFd = 0;
            for (int r = 0; r < outN; r++) {
                fromJvp += v[r] * ju[r];
                fromFd += v[r] * numerical[r];
            }
            double fromBackward = 0;
            if (out.requiresGrad()) {
                Tensor vt = Tensor.of(v).to(out.dtype()).reshape(out.shape).to(out.device());
                Tensor[] diffInputs = diff.stream().map(i -> inputs[i]).toArray(Tensor[]::new);
                Tensor[] grads = Autograd.grad(new Tensor[] {out}, diffInputs, new Tensor[] {vt}, true, false, true);
                for (int k = 0; k < grads.length; k++) {
                    if (grads[k] != null) {
                        double[] g = grads[k].toDoubleArray();
                        for (int j = 0; j < g.length; j++) {
                            fromBackward += g[j] * u[k][j];
                        }
                    }
                }
            }
            double tol = o.atol + o.rtol * Math.abs(fromFd);
            if (!(Math.abs(fromJvp - fromFd) <= tol) || !(Math.abs(fromJvp - fromBackward) <= tol)) {
                return "forward-mode mismatch (fast mode): <v, J u> is " + fromJvp + " from the jvp, " + fromFd
                        + " from finite differences and " + fromBackward + " as <J^T v, u> from the backward (atol "
                        + o.atol + ", rtol " + o.rtol + ")";
            }
            return null;
        }
        for (int k = 0; k < diff.size(); k++) {
            int i = diff.get(k);
            int n = (int) inputs[i].numel();
            double[][] numerical = new double[n][];
            double[][] forward = new double[n][];
            double worst = -1;
            int wj = 0;
            int wr = 0;
            for (int j = 0; j < n; j++) {
                double[][] u = new double[diff.size()][];
                u[k] = new double[n];
                u[k][j] = 1;
                forward[j] = forwardTangent(fn, inputs, diff, u, out);
                numerical[j] = directional(fn, inputs, diff, u, o.eps);
                for (int r = 0; r < outN; r++) {
                    double excess = Math.abs(forward[j][r] - numerical[j][r]) - (o.atol + o.rtol * Math.abs(numerical[j][r]));
                    if (excess > worst || Double.isNaN(excess)) {
                        worst = Double.isNaN(excess) ? Double.POSITIVE_INFINITY : excess;
                        wj = j;
                        wr = r;
                    }
                }
            }
            if (worst > 0) {
                return "forward-mode Jacobian mismatch for output 0 with respect to input " + i + " (shape "
                        + dev.nabla.internal.Shapes.format(inputs[i].shape) + "): at input element " + wj + ", output element "
                        + wr + " numerical " + numerical[wj][wr] + " jvp " + forward[wj][wr] + " (atol " + o.atol + ", rtol "
                        + o.rtol + ")\n" + worstEntries(numerical, forward).replace("analytical", "       jvp");
            }
        }
        return null;
    }

    /** {@code (f(x + eps u) - f(x - eps u)) / 2 eps}, flat, for the directions {@code u[k]} of the inputs {@code diff[k]}. */
    private static double[] directional(Fn fn, Tensor[] inputs, List<Integer> diff, double[][] u, double eps) {
        double[][] original = new double[diff.size()][];
        for (int k = 0; k < diff.size(); k++) {
            if (u[k] != null) {
                Tensor x = inputs[diff.get(k)];
                original[k] = x.toDoubleArray();
                for (int j = 0; j < u[k].length; j++) {
                    setElement(x, j, original[k][j] + eps * u[k][j]);
                }
            }
        }
        double[] plus = evaluate(fn, inputs);
        for (int k = 0; k < diff.size(); k++) {
            if (u[k] != null) {
                for (int j = 0; j < u[k].length; j++) {
                    setElement(inputs[diff.get(k)], j, original[k][j] - eps * u[k][j]);
                }
            }
        }
        double[] minus = evaluate(fn, inputs);
        for (int k = 0; k < diff.size(); k++) {
            if (u[k] != null) {
                for (int j = 0; j < u[k].length; j++) {
                    setElement(inputs[diff.get(k)], j, original[k][j]);
                }
            }
        }
        double[] d = new double[plus.length];
        for (int r = 0; r < d.length; r++) {
            d[r] = (plus[r] - minus[r]) / (2 * eps);
        }
        return d;
    }

    private static String checkZeroGradOutput(Tensor out, Tensor[] inputs, List<Integer> diff) {
        if (!out.requiresGrad()) {
            return null;
        }
        Tensor[] diffInputs = diff.stream().map(i -> inputs[i]).toArray(Tensor[]::new);
        Tensor[] grads = Autograd.grad(new Tensor[] {out}, diffInputs, new Tensor[] {Tensor.zerosLike(out)}, true, false, true);
        for (int k = 0; k < grads.length; k++) {
            if (grads[k] != null) {
                for (double g : grads[k].toDoubleArray()) {
                    if (g != 0) {
                        return "backward is not zero for a zero output gradient: input " + diff.get(k) + " got " + g;
                    }
                }
            }
        }
        return null;
    }

    /** {@link #gradgradcheck(Fn, Options, Tensor...)} with {@link Options#defaults()}. */
    public static boolean gradgradcheck(Fn fn, Tensor... inputs) {
        return gradgradcheck(fn, Options.defaults(), inputs);
    }

    /**
     * Checks second derivatives: gradchecks the map from (inputs, output gradient) to the input
     * gradients that backward computes with {@code createGraph}, for a random output gradient.
     */
    public static boolean gradgradcheck(Fn fn, Options options, Tensor... inputs) {
        Tensor probe;
        try (Grad.Scope off = Grad.disabled()) {
            probe = fn.apply(inputs);
        }
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(options.seed + 1);
        double[] v = new double[(int) probe.numel()];
        for (int r = 0; r < v.length; r++) {
            v[r] = rnd.nextDouble(-1, 1);
        }
        Tensor gradOut = Tensor.of(v).to(probe.dtype()).reshape(probe.shape).to(probe.device()).requiresGrad(true);
        int n = inputs.length;
        Tensor[] all = java.util.Arrays.copyOf(inputs, n + 1);
        all[n] = gradOut;
        Fn second = xs -> {
            Tensor[] in = java.util.Arrays.copyOf(xs, n);
            List<Tensor> diffIn = new ArrayList<>();
            for (Tensor t : in) {
                if (t != null && t.requiresGrad()) {
                    diffIn.add(t);
                }
            }
            Tensor[] grads;
            try (Grad.Scope on = Grad.enabled()) {
                Tensor out = fn.apply(in);
                grads = Autograd.grad(new Tensor[] {out}, diffIn.toArray(new Tensor[0]), new Tensor[] {xs[n]}, true, true, true);
            }
            Tensor[] flat = new Tensor[grads.length];
            for (int k = 0; k < grads.length; k++) {
                flat[k] = grads[k] == null ? Tensor.zerosLike(diffIn.get(k)).reshape(-1) : grads[k].reshape(-1);
            }
            return Tensor.cat(0, flat);
        };
        return check(second, options.withCheckUndefinedGrad(false), all);
    }
}
