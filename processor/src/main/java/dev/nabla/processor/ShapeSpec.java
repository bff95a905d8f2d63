package dev.nabla.processor;

import java.util.ArrayList;
import java.util.List;
import javax.lang.model.SourceVersion;

/**
 * A parsed {@code @Shape} value: dimensions that are each a symbol or a fixed size.
 *
 * @param text the annotation's value as written
 * @param dims one entry per dimension: a Java identifier (a symbol) or a non-negative decimal integer
 */
record ShapeSpec(String text, List<String> dims) {
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
                if (!d.chars().allMatch(Character::isDigit) || d.length() > 18) {
                    throw new IllegalArgumentException("'" + d + "' is neither a symbol nor a size");
                }
            } else if (!SourceVersion.isIdentifier(d) || SourceVersion.isKeyword(d)) {
                throw new IllegalArgumentException("'" + d + "' is neither a symbol nor a size");
            }
            dims.add(d);
        }
        return new ShapeSpec(text, dims);
    }

    /** Whether dimension {@code d} is a symbol rather than a fixed size. */
    boolean isSymbol(int d) {
        return !Character.isDigit(dims.get(d).charAt(0));
    }
}
