package dev.nabla.processor;

import java.util.ArrayList;
import java.util.List;
import javax.lang.model.SourceVersion;

/**
 * A parsed {@code @Shape} value: dimensions that are each a symbol or a fixed size.
 *
 * @param text the annotation's value as written
 * @param dims one entry per dimension: a Java identifier (a symbol) or a non-negative decimal
 *     integer of ASCII digits without leading zeros (a size; {@code "007"} is parsed as {@code 7})
 */
record ShapeSpec(String text, List<String> dims) {
    /** The most digits a size may have: every 18-digit number fits in a {@code long}. */
    private static final int MAX_DIGITS = 18;

    ShapeSpec {
        dims = List.copyOf(dims);
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException saying what is malformed
     */
    static ShapeSpec parse(String text) {
        if (text.isBlank()) {
            return new ShapeSpec(text, List.of());
        }
        List<String> dims = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String d = part.trim();
            if (d.isEmpty()) {
                throw new IllegalArgumentException("dimension " + dims.size() + " is empty");
            }
            if (Character.isDigit(d.charAt(0))) {
                // Character.isDigit also accepts other scripts' digits, which no Java literal may hold.
                if (!d.chars().allMatch(ShapeSpec::isAsciiDigit)) {
                    throw new IllegalArgumentException("'" + d + "' is neither a symbol nor a size written with the"
                            + " digits 0 to 9");
                }
                if (d.length() > MAX_DIGITS) {
                    throw new IllegalArgumentException("size " + d + " has more than " + MAX_DIGITS + " digits");
                }
                dims.add(Long.toString(Long.parseLong(d)));
            } else if (!SourceVersion.isIdentifier(d) || SourceVersion.isKeyword(d)) {
                throw new IllegalArgumentException("'" + d + "' is neither a symbol nor a size");
            } else {
                dims.add(d);
            }
        }
        return new ShapeSpec(text, dims);
    }

    /** Whether dimension {@code d} is a symbol rather than a fixed size. */
    boolean isSymbol(int d) {
        return !isAsciiDigit(dims.get(d).charAt(0));
    }

    /** The fixed size of dimension {@code d}, which is not a symbol. */
    long size(int d) {
        return Long.parseLong(dims.get(d));
    }

    /** Fixed size {@code d} as a Java literal: {@code long} where an {@code int} literal cannot hold it. */
    String sizeLiteral(int d) {
        return size(d) > Integer.MAX_VALUE ? dims.get(d) + "L" : dims.get(d);
    }

    private static boolean isAsciiDigit(int c) {
        return c >= '0' && c <= '9';
    }
}
