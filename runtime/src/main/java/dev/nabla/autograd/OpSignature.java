package dev.nabla.autograd;

import dev.nabla.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@link Function} declares about itself so that {@code Function} can name it in errors and
 * check its shapes: the op's name, its tensor inputs' names, its outputs' names when it has several,
 * and the symbolic shapes ({@code @Shape}) of any of them. Every op the annotation processor
 * generates passes one to {@link Function#Function(OpSignature)}; a hand-written function may too.
 *
 * <pre>{@code
 * OpSignature.of("LinearOp", "input", "weight", "bias")
 *         .shapes("n,i", "o,i", "o")
 *         .outputShapes("n,o")
 * }</pre>
 *
 * <p>A shape is a comma-separated list of dimensions, each a symbol (a Java identifier) or a fixed
 * size (decimal digits); {@code ""} is a 0-dimensional tensor. At each call, {@link Function#apply}
 * checks the inputs in order and then the outputs: a symbol takes its size from the first non-null
 * tensor that has it, and every later tensor must agree, as must a symbol repeated within one shape
 * ({@code "n,n"}). A null tensor passes. A mismatch is an {@link IllegalArgumentException} naming
 * the op, the parameter or output, its shape, and the shape expected with the sizes known so far,
 * e.g. {@code LinearOp: parameter 'weight' has shape [4, 2] but @Shape("o,i") expects [o, 3]}.
 *
 * <p>Instances are immutable: each method returns a new signature.
 */
public final class OpSignature {
    private final String op;
    private final String[] inputs;
    /** The outputs' names, or null for an op with one output, which errors call "output". */
    private final String[] outputs;
    /** One shape per input, null where it has none (or null for none at all). */
    private final Shape[] inputShapes;
    /** One shape per output, null where it has none (or null for none at all). */
    private final Shape[] outputShapes;
    /** The number of distinct symbols over all the shapes. */
    private final int symbols;
    /** The names of the tensors the op saves for its backward, in order; empty when it names none. */
    private final String[] saved;

    /**
     * A parsed shape.
     *
     * @param text the shape as declared, shown in errors
     * @param dims per dimension, a fixed size (0 or more) or {@code -1 - k} for symbol {@code k}
     */
    private record Shape(String text, long[] dims) {}

    private OpSignature(String op, String[] inputs, String[] outputs, String[] inputShapes, String[] outputShapes,
            String[] saved) {
        this.op = op;
        this.inputs = inputs;
        this.outputs = outputs;
        this.saved = saved;
        Map<String, Integer> symbolIndex = new LinkedHashMap<>();
        this.inputShapes = parse(op, inputShapes, symbolIndex);
        this.outputShapes = parse(op, outputShapes, symbolIndex);
        this.symbols = symbolIndex.size();
    }

    /**
     * A signature with no shapes and one output.
     *
     * @param op the op's name, e.g. {@code LinearOp}: errors start with it and its backward node is
     *     {@code <op>Backward}
     * @param inputs the names of the tensor inputs, in the order {@link Function#apply} takes them
     * @return the signature
     * @throws NullPointerException if {@code op} or a name is null
     */
    public static OpSignature of(String op, String... inputs) {
        for (String input : inputs) {
            requireName(op, input, "input");
        }
        return new OpSignature(requireName(op, op, "op"), inputs.clone(), null, null, null, new String[0]);
    }

    /**
     * This signature with the inputs' shapes.
     *
     * @param shapes one per input, in order; null for an input without a shape
     * @return the new signature
     * @throws IllegalArgumentException if the count differs from the inputs' or a shape is malformed
     */
    public OpSignature shapes(String... shapes) {
        requireCount(shapes, inputs.length, "input shapes for " + inputs.length + " inputs");
        return new OpSignature(op, inputs, outputs, shapes.clone(), texts(outputShapes), saved);
    }

    /**
     * This signature with the outputs named, for an op with several outputs (errors call a single
     * one "output").
     *
     * @param names the outputs' names, in order
     * @return the new signature, whose outputs have no shapes yet
     * @throws NullPointerException if a name is null
     */
    public OpSignature outputs(String... names) {
        for (String name : names) {
            requireName(op, name, "output");
        }
        return new OpSignature(op, inputs, names.clone(), texts(inputShapes), null, saved);
    }

    /**
     * This signature with the outputs' shapes.
     *
     * @param shapes one per output (one when the outputs are not {@linkplain #outputs named}); null for
     *     an output without a shape
     * @return the new signature
     * @throws IllegalArgumentException if the count differs from the outputs' or a shape is malformed
     */
    public OpSignature outputShapes(String... shapes) {
        int count = outputs == null ? 1 : outputs.length;
        requireCount(shapes, count, "output shapes for " + count + " outputs");
        return new OpSignature(op, inputs, outputs, texts(inputShapes), shapes.clone(), saved);
    }

    /**
     * This signature with the names of the tensors the op saves for its backward, in the order
     * {@link Function#saveForBackward(Tensor...)} gets them: an error about a saved tensor (one
     * modified in place before the backward, say) names it.
     *
     * @param names one per saved tensor, e.g. the op's {@code @Saved} fields
     * @return the new signature
     * @throws NullPointerException if a name is null
     */
    public OpSignature saved(String... names) {
        for (String name : names) {
            requireName(op, name, "saved tensor");
        }
        return new OpSignature(op, inputs, outputs, texts(inputShapes), texts(outputShapes), names.clone());
    }

    /** The names {@link #saved} gave the saved tensors (empty when none were given); the caller must not change it. */
    String[] savedNames() {
        return saved;
    }

    /** The op's name, e.g. {@code LinearOp}. */
    public String op() {
        return op;
    }

    /**
     * The name of input {@code i}.
     *
     * @throws IndexOutOfBoundsException if there is no such input
     */
    public String inputName(int i) {
        return inputs[i];
    }

    /**
     * Checks the inputs' shapes; the sizes they give the symbols go on to {@link #checkOutputs}.
     *
     * @return the symbols' sizes (-1 for a symbol no input had), or null when no shape was declared
     * @throws IllegalArgumentException if the count of inputs differs from the signature's, or an
     *     input does not match its shape
     */
    long[] checkInputs(Tensor[] tensors) {
        if (tensors.length != inputs.length) {
            throw new IllegalArgumentException(op + ": " + tensors.length + " inputs given but the op takes "
                    + inputs.length);
        }
        if (inputShapes == null && outputShapes == null) {
            return null;
        }
        long[] sizes = new long[symbols];
        Arrays.fill(sizes, -1);
        if (inputShapes != null) {
            for (int i = 0; i < tensors.length; i++) {
                check(inputShapes[i], tensors[i], sizes, false, i);
            }
        }
        return sizes;
    }

    /**
     * Checks the outputs' shapes, after {@link #checkInputs} gave {@code sizes}.
     *
     * @throws IllegalArgumentException if an output does not match its shape
     */
    void checkOutputs(Tensor[] tensors, long[] sizes) {
        if (outputShapes == null) {
            return;
        }
        for (int i = 0; i < Math.min(tensors.length, outputShapes.length); i++) {
            check(outputShapes[i], tensors[i], sizes, true, i);
        }
    }

    /** Checks input or output {@code i} against its shape, then gives its sizes to the symbols that had none. */
    private void check(Shape shape, Tensor t, long[] sizes, boolean output, int i) {
        if (shape == null || t == null) {
            return;
        }
        long[] dims = shape.dims();
        boolean matches = t.dim() == dims.length;
        for (int d = 0; matches && d < dims.length; d++) {
            long required = required(dims, d, sizes);
            // A symbol with no size yet, met again within this shape, must repeat its first size here.
            for (int e = 0; required == -1 && e < d && dims[d] < 0; e++) {
                if (dims[e] == dims[d]) {
                    required = t.size(e);
                }
            }
            matches = required == -1 || t.size(d) == required;
        }
        if (!matches) {
            long[] expected = new long[dims.length];
            for (int d = 0; d < dims.length; d++) {
                expected[d] = required(dims, d, sizes);
            }
            String what = !output ? "parameter '" + inputs[i] + "'"
                    : outputs == null ? "output" : "output '" + outputs[i] + "'";
            throw Function.shapeMismatch(op, what, shape.text(), expected, t);
        }
        for (int d = 0; d < dims.length; d++) {
            if (dims[d] < 0 && sizes[(int) (-1 - dims[d])] == -1) {
                sizes[(int) (-1 - dims[d])] = t.size(d);
            }
        }
    }

    /** The size dimension {@code d} requires: its fixed size, its symbol's, or -1 while the symbol has none. */
    private static long required(long[] dims, int d, long[] sizes) {
        return dims[d] >= 0 ? dims[d] : sizes[(int) (-1 - dims[d])];
    }

    private static Shape[] parse(String op, String[] texts, Map<String, Integer> symbolIndex) {
        if (texts == null) {
            return null;
        }
        Shape[] shapes = new Shape[texts.length];
        for (int i = 0; i < texts.length; i++) {
            String text = texts[i];
            if (text == null) {
                continue;
            }
            String[] parts = text.isBlank() ? new String[0] : text.split(",", -1);
            long[] dims = new long[parts.length];
            for (int d = 0; d < parts.length; d++) {
                String dim = parts[d].trim();
                if (!dim.isEmpty() && dim.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    try {
                        dims[d] = Long.parseLong(dim);
                    } catch (NumberFormatException e) {
                        throw malformed(op, text, "size " + dim + " does not fit in a long");
                    }
                } else if (isIdentifier(dim)) {
                    Integer k = symbolIndex.computeIfAbsent(dim, s -> symbolIndex.size());
                    dims[d] = -1 - k;
                } else {
                    throw malformed(op, text, "dimension " + d + " ('" + dim + "') is neither a symbol nor a size");
                }
            }
            shapes[i] = new Shape(text, dims);
        }
        return shapes;
    }

    private static boolean isIdentifier(String s) {
        if (s.isEmpty() || !Character.isJavaIdentifierStart(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            if (!Character.isJavaIdentifierPart(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The shapes' texts, for a copy with one part changed. */
    private static String[] texts(Shape[] shapes) {
        if (shapes == null) {
            return null;
        }
        String[] texts = new String[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            texts[i] = shapes[i] == null ? null : shapes[i].text();
        }
        return texts;
    }

    private static IllegalArgumentException malformed(String op, String shape, String why) {
        return new IllegalArgumentException(op + ": malformed shape \"" + shape + "\": " + why);
    }

    private void requireCount(String[] values, int count, String what) {
        if (values.length != count) {
            throw new IllegalArgumentException(op + ": " + values.length + " " + what);
        }
    }

    private static String requireName(String op, String name, String what) {
        if (name == null) {
            throw new NullPointerException((op == null ? "" : op + ": ") + "the " + what + " name is null");
        }
        return name;
    }
}
