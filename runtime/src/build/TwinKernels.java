import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generates {@code DoubleKernels.java}, the FLOAT64 row kernels, from {@code FloatKernels.java},
 * the hand-written FLOAT32 ones, so the two are never kept by hand. runtime/pom.xml runs it at
 * generate-sources with Java's source launcher:
 *
 * <pre>java runtime/src/build/TwinKernels.java FloatKernels.java OUTPUT_DIR</pre>
 *
 * <p>The output is a text substitution, deterministic and applied in this order (see
 * {@link #RULES}): the class name, element type, wrapper class and bit conversions become their
 * FLOAT64 ones; a float literal ({@code 0f}) becomes a double one ({@code 0.0}); the
 * {@code (float)} casts are dropped, because the float kernels compute in double and round
 * once at the end, which in the double kernels is no rounding at all. Each rule must match at
 * least once, and no {@code float} may be left, so a change to FloatKernels that a rule no
 * longer covers stops the build instead of generating a silently different class. The output
 * file is rewritten only when its text changes, so an unchanged build recompiles nothing.
 */
public final class TwinKernels {
    private TwinKernels() {}

    /** A regular expression and its replacement ({@link Matcher#replaceAll} syntax). */
    private record Rule(String pattern, String replacement, String why) {}

    private static final List<Rule> RULES = List.of(
            new Rule("\\(float\\) ", "", "a float kernel's rounding of a double result: none in double"),
            new Rule("\\bint (\\w+) = Float\\.floatToRawIntBits\\(", "long $1 = Double.doubleToRawLongBits(",
                    "the where kernels' bit patterns: 64 bits wide"),
            new Rule("\\bint k = (.+) \\? -1 : 0;", "long k = $1 ? -1L : 0;",
                    "the where kernels' select mask: as wide as the bit patterns it masks"),
            new Rule("\\bFloat\\.floatToRawIntBits\\b", "Double.doubleToRawLongBits", "bits of an element"),
            new Rule("\\bFloat\\.intBitsToFloat\\b", "Double.longBitsToDouble", "element of its bits"),
            new Rule("\\bFloatKernels\\b", "DoubleKernels", "the class name"),
            new Rule("\\bFloat\\b", "Double", "the wrapper class (isNaN)"),
            new Rule("\\bfloat\\b", "double", "the element type"),
            new Rule("\\b(\\d+)f\\b", "$1.0", "float literals"));

    /** What must not survive the rules: a float type, wrapper or literal. */
    private static final Pattern LEFT_OVER = Pattern.compile("\\bfloat\\b|\\bFloat\\w*|\\b\\d+(\\.\\d*)?[fF]\\b");

    /** The generated class's own Javadoc, in place of FloatKernels's. */
    private static final String HEADER = "/**\n"
            + " * Row kernels for FLOAT64 arrays, generated at build time from {@link FloatKernels} by\n"
            + " * runtime/src/build/TwinKernels.java: edit FloatKernels, never this file.\n"
            + " */\n";

    /**
     * Writes {@code OUTPUT_DIR/DoubleKernels.java} from the FloatKernels source.
     *
     * @param args the path of FloatKernels.java and the output directory (created if missing)
     * @throws IOException if the source cannot be read or the output written
     * @throws IllegalStateException if a rule matches nothing or a float type is left over
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: java TwinKernels.java FloatKernels.java OUTPUT_DIR, got "
                    + args.length + " arguments");
        }
        String source = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        String generated = generate(source);
        Path dir = Path.of(args[1]);
        Files.createDirectories(dir);
        Path out = dir.resolve("DoubleKernels.java");
        if (!Files.exists(out) || !Files.readString(out, StandardCharsets.UTF_8).equals(generated)) {
            Files.writeString(out, generated, StandardCharsets.UTF_8);
        }
    }

    private static String generate(String source) {
        String classDoc = "/**\n * Row kernels for FLOAT32 arrays.";
        int docStart = source.indexOf(classDoc);
        if (docStart < 0) {
            throw new IllegalStateException("TwinKernels: FloatKernels's class Javadoc, which starts with \""
                    + classDoc.replace("\n", "\\n") + "\", was not found");
        }
        int docEnd = source.indexOf(" */\n", docStart) + " */\n".length();
        String text = source.substring(0, docStart) + source.substring(docEnd);
        for (Rule rule : RULES) {
            Matcher m = Pattern.compile(rule.pattern()).matcher(text);
            if (!m.find()) {
                throw new IllegalStateException("TwinKernels: rule " + rule.pattern() + " (" + rule.why()
                        + ") matches nothing in FloatKernels; update the rules with the kernels");
            }
            text = m.replaceAll(rule.replacement());
        }
        Matcher left = LEFT_OVER.matcher(text);
        if (left.find()) {
            int line = text.substring(0, left.start()).split("\n", -1).length;
            throw new IllegalStateException("TwinKernels: \"" + left.group() + "\" is left at line " + line
                    + " of the generated DoubleKernels; no rule covers it");
        }
        int classStart = text.indexOf("final class DoubleKernels");
        return text.substring(0, classStart) + HEADER + text.substring(classStart);
    }
}
