package dev.nabla.nn;

import java.math.BigDecimal;

/** Values written as Python's {@code repr} writes them, for {@link Module#extraRepr()}. */
final class Repr {
    private Repr() {}

    /**
     * A double as Python's {@code repr(float)}: the shortest digits that round-trip (as Java's
     * {@link Double#toString}), positional for magnitudes in {@code [1e-4, 1e16)} with at least
     * one decimal ({@code 0.5}, {@code 1.0}), otherwise {@code 1e-05} style.
     */
    static String pythonFloat(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0.0" : "0.0";
        }
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        double a = Math.abs(v);
        if (a >= 1e-4 && a < 1e16) {
            String plain = d.toPlainString();
            return plain.indexOf('.') >= 0 ? plain : plain + ".0";
        }
        String digits = d.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - d.scale();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String exp = String.format("%02d", Math.abs(exponent));
        return (v < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
    }

    /** Sizes as Python writes a tuple of ints: {@code (16,)} for one, {@code (2, 3)} for more. */
    static String pythonTuple(long[] values) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < values.length; i++) {
            b.append(i == 0 ? "" : ", ").append(values[i]);
        }
        return b.append(values.length == 1 ? ",)" : ")").toString();
    }
}
