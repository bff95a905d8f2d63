package dev.nabla;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Prints tensors character for character as PyTorch 1.13 does ({@code torch/_tensor_str.py}
 * with the default print options).
 *
 * <p>The output is {@code tensor(<contents>, <suffixes>)}. The contents are nested brackets,
 * one level per dimension, with rows wrapped at 80 columns; a tensor of more than 1000
 * elements is summarized, each dimension longer than 6 showing its first and last 3 entries
 * around {@code ...}. Every element is padded to one width, chosen (like the style of floating
 * elements) from the elements actually shown, so hidden ones never widen the columns.
 * Floating tensors print in one of three styles, picked from their non-zero finite elements:
 * integral ({@code 1.}) when all are integers, fixed ({@code 0.2376}) otherwise, and
 * scientific ({@code 1.0000e+05}) when the largest magnitude exceeds 1e8 or 1000 times the
 * smallest, or a non-integer one is below 1e-4. Suffixes name what the contents do not
 * show: a device other than the CPU, a dtype other than the defaults, the size of an empty
 * tensor that is not 1-D.
 */
final class TensorFormatter {
    private static final String PREFIX = "tensor(";
    /** Where continuation lines start: under the first character after {@link #PREFIX}. */
    private static final int INDENT = PREFIX.length();
    private static final int PRECISION = 4;
    private static final int THRESHOLD = 1000;
    private static final int EDGE_ITEMS = 3;
    private static final int LINE_WIDTH = 80;
    /** Marks the summarized-away middle of a dimension in a list of indices. */
    private static final long GAP = -1;

    private TensorFormatter() {}

    /** The tensor as PyTorch prints it, e.g. {@code tensor([[0.2376, 1.0000]])}. */
    static String format(Tensor t) {
        return format(t, t.device());
    }

    /**
     * The elements of {@code t} printed as those of a tensor on {@code device}.
     *
     * <p>Separate from {@link #format(Tensor)} so that the device suffix can be tested on
     * machines without the device's backend.
     */
    static String format(Tensor t, Device device) {
        List<String> suffixes = new ArrayList<>();
        if (!device.isCpu()) {
            suffixes.add("device='" + device + "'");
        }
        String contents;
        if (t.numel() == 0) {
            if (t.dim() != 1) {
                suffixes.add("size=" + sizeTuple(t.shape()));
            }
            // With no elements to show, nothing tells an int64 or bool tensor from a float32 one.
            if (t.dtype() != DType.FLOAT32) {
                suffixes.add("dtype=" + t.dtype());
            }
            contents = "[]";
        } else {
            // Integer and bool elements print unlike floats, so only the second float type needs naming.
            if (t.dtype() == DType.FLOAT64) {
                suffixes.add("dtype=" + t.dtype());
            }
            contents = new Contents(t).render();
        }
        if (t.gradFn() != null) {
            suffixes.add("grad_fn=<" + t.gradFn().name() + ">");
        } else if (t.requiresGrad()) {
            suffixes.add("requires_grad=True");
        }
        return withSuffixes(PREFIX + contents, suffixes);
    }

    /** A Python tuple of sizes, e.g. {@code (0, 3)}; only called for shapes of two or more dimensions. */
    private static String sizeTuple(long[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return s.append(')').toString();
    }

    /**
     * Appends the suffixes, moving one to a new line when it would pass the line width, and
     * closes the parenthesis.
     */
    private static String withSuffixes(String body, List<String> suffixes) {
        StringBuilder out = new StringBuilder(body);
        // PyTorch's measure of the last line, two more than its length until a suffix wraps;
        // kept so that lines break exactly where PyTorch breaks them.
        int lastLineLength = body.length() - body.lastIndexOf('\n') + 1;
        for (String suffix : suffixes) {
            if (lastLineLength + suffix.length() + 2 > LINE_WIDTH) {
                out.append(",\n").append(" ".repeat(INDENT)).append(suffix);
                lastLineLength = INDENT + suffix.length();
            } else {
                out.append(", ").append(suffix);
                lastLineLength += suffix.length() + 2;
            }
        }
        return out.append(')').toString();
    }

    /** The bracketed elements of one non-empty tensor. */
    private static final class Contents {
        private final long[] shape;
        /** Row-major strides of {@link #shape}, to index the flat element arrays. */
        private final long[] strides;
        private final boolean summarize;
        private final Elements elements;

        Contents(Tensor t) {
            shape = t.shape();
            strides = new long[shape.length];
            long stride = 1;
            for (int d = shape.length - 1; d >= 0; d--) {
                strides[d] = stride;
                stride *= shape[d];
            }
            summarize = t.numel() > THRESHOLD;
            List<Integer> shown = new ArrayList<>();
            collectShown(0, 0, shown);
            elements = Elements.of(t, shown);
        }

        String render() {
            return render(0, 0, INDENT);
        }

        /** The indices along a dimension of {@code size} that are printed, {@link #GAP} for the elided middle. */
        private long[] shownIndices(long size) {
            if (summarize && size > 2 * EDGE_ITEMS) {
                long[] indices = new long[2 * EDGE_ITEMS + 1];
                for (int i = 0; i < EDGE_ITEMS; i++) {
                    indices[i] = i;
                    indices[EDGE_ITEMS + 1 + i] = size - EDGE_ITEMS + i;
                }
                indices[EDGE_ITEMS] = GAP;
                return indices;
            }
            long[] indices = new long[(int) size];
            for (int i = 0; i < size; i++) {
                indices[i] = i;
            }
            return indices;
        }

        private void collectShown(int axis, long base, List<Integer> out) {
            if (axis == shape.length) {
                out.add((int) base);
                return;
            }
            for (long i : shownIndices(shape[axis])) {
                if (i != GAP) {
                    collectShown(axis + 1, base + i * strides[axis], out);
                }
            }
        }

        /** The sub-tensor at flat offset {@code base} from dimension {@code axis} on, its rows starting at column {@code indent}. */
        private String render(int axis, long base, int indent) {
            int rank = shape.length;
            if (rank == 0) {
                return elements.format((int) base);
            }
            if (axis == rank - 1) {
                return renderRow(base, indent);
            }
            List<String> slices = new ArrayList<>();
            for (long i : shownIndices(shape[axis])) {
                slices.add(i == GAP ? "..." : render(axis + 1, base + i * strides[axis], indent + 1));
            }
            // A blank line between slices for each dimension below the next one, as NumPy does.
            String separator = "," + "\n".repeat(rank - axis - 1) + " ".repeat(indent + 1);
            return "[" + String.join(separator, slices) + "]";
        }

        private String renderRow(long base, int indent) {
            int elementLength = elements.width() + 2;
            int perLine = Math.max(1, Math.floorDiv(LINE_WIDTH - indent, elementLength));
            long stride = strides[shape.length - 1];
            List<String> lines = new ArrayList<>();
            List<String> line = new ArrayList<>();
            for (long i : shownIndices(shape[shape.length - 1])) {
                // The gap takes an element's place in the line count, whatever its width.
                line.add(i == GAP ? " ..." : elements.format((int) (base + i * stride)));
                if (line.size() == perLine) {
                    lines.add(String.join(", ", line));
                    line.clear();
                }
            }
            if (!line.isEmpty()) {
                lines.add(String.join(", ", line));
            }
            return "[" + String.join(",\n" + " ".repeat(indent + 1), lines) + "]";
        }
    }

    /** Texts of the elements of one tensor, right-aligned to a common width ({@code _Formatter}). */
    private static final class Elements {
        private final IntFunction<String> text;
        private final int width;

        private Elements(IntFunction<String> text, int width) {
            this.text = text;
            this.width = width;
        }

        /** The formatter for {@code t}, its style and width chosen from the elements at the flat indices {@code shown}. */
        static Elements of(Tensor t, List<Integer> shown) {
            return switch (t.dtype()) {
                case BOOL -> {
                    boolean[] values = t.toBooleanArray();
                    yield measured(i -> values[i] ? "True" : "False", shown);
                }
                case INT64 -> {
                    long[] values = t.toLongArray();
                    yield measured(i -> Long.toString(values[i]), shown);
                }
                case FLOAT32, FLOAT64 -> floating(t.toDoubleArray(), shown);
            };
        }

        private static Elements measured(IntFunction<String> text, List<Integer> shown) {
            int width = 1;
            for (int i : shown) {
                width = Math.max(width, text.apply(i).length());
            }
            return new Elements(text, width);
        }

        /**
         * Picks the style from the non-zero finite elements shown. FLOAT32 values arrive
         * widened exactly to double, which is how PyTorch formats them too.
         */
        private static Elements floating(double[] values, List<Integer> shown) {
            boolean allIntegers = true;
            boolean any = false;
            double min = Double.POSITIVE_INFINITY;
            double max = 0;
            for (int i : shown) {
                double v = values[i];
                if (v == 0 || !Double.isFinite(v)) {
                    continue;
                }
                any = true;
                min = Math.min(min, Math.abs(v));
                max = Math.max(max, Math.abs(v));
                allIntegers &= v == Math.ceil(v);
            }
            if (!any) {
                return new Elements(i -> formatIntegral(values[i]), 1);
            }
            IntFunction<String> text;
            if (max / min > 1000 || max > 1e8 || (!allIntegers && min < 1e-4)) {
                text = i -> formatScientific(values[i]);
            } else if (allIntegers) {
                text = i -> formatIntegral(values[i]);
            } else {
                text = i -> formatFixed(values[i], PRECISION);
            }
            // Non-finite elements and zeros do not count towards the width.
            int width = 1;
            for (int i : shown) {
                double v = values[i];
                if (v != 0 && Double.isFinite(v)) {
                    width = Math.max(width, text.apply(i).length());
                }
            }
            return new Elements(text, width);
        }

        int width() {
            return width;
        }

        String format(int index) {
            String s = text.apply(index);
            return " ".repeat(Math.max(0, width - s.length())) + s;
        }
    }

    // Python's float formatting, which rounds the exact binary value half to even and keeps
    // the sign of negative zero; Java's Formatter rounds the shortest decimal half up instead.

    /** {@code "{:.0f}"} plus a point for finite values, e.g. {@code 3.}, {@code -0.}, {@code nan}. */
    private static String formatIntegral(double v) {
        return Double.isFinite(v) ? formatFixed(v, 0) + "." : nonFinite(v);
    }

    /** {@code "{:.Nf}"}, e.g. {@code 0.2376} for N = 4. */
    private static String formatFixed(double v, int decimals) {
        if (!Double.isFinite(v)) {
            return nonFinite(v);
        }
        return sign(v) + new BigDecimal(Math.abs(v)).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** {@code "{:.4e}"}, e.g. {@code 1.0000e+05}, {@code -2.5000e-300}. */
    private static String formatScientific(double v) {
        if (!Double.isFinite(v)) {
            return nonFinite(v);
        }
        BigDecimal rounded = new BigDecimal(Math.abs(v)).round(new MathContext(PRECISION + 1, RoundingMode.HALF_EVEN));
        String digits = rounded.unscaledValue().toString();
        int exponent = rounded.signum() == 0 ? 0 : digits.length() - 1 - rounded.scale();
        digits += "0".repeat(PRECISION + 1 - digits.length());
        int magnitude = Math.abs(exponent);
        return sign(v) + digits.charAt(0) + "." + digits.substring(1)
                + (exponent < 0 ? "e-" : "e+") + (magnitude < 10 ? "0" : "") + magnitude;
    }

    private static String sign(double v) {
        return v < 0 || Double.doubleToRawLongBits(v) == Double.doubleToRawLongBits(-0.0) ? "-" : "";
    }

    private static String nonFinite(double v) {
        return Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
    }
}
