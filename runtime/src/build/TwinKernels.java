import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes the FLOAT64 twins of the CPU's float kernels at build time, so that no kernel is kept
 * twice by hand. runtime/pom.xml runs it at generate-sources with Java's source launcher:
 *
 * <pre>java runtime/src/build/TwinKernels.java OUTPUT_ROOT FloatKernels.java TEMPLATE_ROOT</pre>
 *
 * <ul>
 *   <li>{@code FloatKernels.java} (hand-written, compiled as it is) is rewritten whole into
 *       {@code DoubleKernels.java}.</li>
 *   <li>Each {@code .java} file under {@code TEMPLATE_ROOT} (src/main/java-templates) is a class
 *       whose float methods stand between a {@code // @twin} and a {@code // @twin-end} line;
 *       the class is written with each such region followed by its double rewrite, so float and
 *       double stay overloads of one class.</li>
 * </ul>
 * Each output goes to {@code OUTPUT_ROOT}, under its package's folder, and is rewritten only when
 * its text changes, so an unchanged build recompiles nothing.
 *
 * <p>The rewrite is a text substitution, deterministic and applied in the order of {@link #RULES}:
 * the class and method names, element type, wrapper class and bit conversions become their
 * FLOAT64 ones; a float literal ({@code 0f}) becomes a double one ({@code 0.0}); the
 * {@code (float)} casts are dropped, because the float kernels compute in double and round
 * once at the end, which in double is no rounding at all. Each rule must match somewhere, and
 * no {@code float} may be left in what is rewritten, so a change to the float source that the
 * rules no longer cover stops the build instead of generating a silently different twin.
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
            new Rule("sgemm\\b", "dgemm", "BLAS's name of the matrix product (cblas_sgemm too)"),
            new Rule("\\bFloatPointer\\b", "DoublePointer", "JavaCPP's off-heap array"),
            new Rule("\\bfloats(?= =|\\[|\\()", "doubles", "Blas's staging buffers (code only: a comment's floats were measured)"),
            new Rule("\\bfloat32\\b", "float64", "the dtype named in comments"),
            new Rule("\\bFloat\\b", "Double", "the wrapper class (isNaN)"),
            new Rule("\\bfloat\\b", "double", "the element type"),
            new Rule("(?<![\\w.])(\\d+)f\\b", "$1.0", "whole float literals (a fractional one is left over, below)"));

    /** What must not survive the rules: a float type, wrapper or literal. */
    private static final Pattern LEFT_OVER = Pattern.compile("\\bfloat\\b|\\bFloat\\w*|\\d[fF]\\b");

    /** The generated class's own Javadoc, in place of FloatKernels's. */
    private static final String HEADER = "/**\n"
            + " * Row kernels for FLOAT64 arrays, generated at build time from {@link FloatKernels} by\n"
            + " * runtime/src/build/TwinKernels.java: edit FloatKernels, never this file.\n"
            + " */\n";

    /** The lines around each float region of a template, indented as the code they mark. */
    private static final Pattern BEGIN = Pattern.compile("(?m)^[ \\t]*// @twin\n");
    private static final Pattern END = Pattern.compile("(?m)^[ \\t]*// @twin-end\n");

    /**
     * Writes DoubleKernels and every template's class under {@code OUTPUT_ROOT}.
     *
     * @param args the output root, the path of FloatKernels.java and the template root
     * @throws IOException if a source cannot be read or an output written
     * @throws IllegalStateException if a rule matches nothing, a float type is left over or a
     *     template's regions are not closed
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: java TwinKernels.java OUTPUT_ROOT FloatKernels.java TEMPLATE_ROOT, got "
                    + args.length + " arguments");
        }
        Path outRoot = Path.of(args[0]);
        Map<Rule, Integer> used = new HashMap<>();
        Path floatKernels = Path.of(args[1]);
        write(outRoot, "DoubleKernels.java", wholeClass(read(floatKernels), used));
        Path templates = Path.of(args[2]);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(templates)) {
            files = walk.filter(f -> f.toString().endsWith(".java")).sorted().collect(Collectors.toList());
        }
        for (Path template : files) {
            String name = templates.relativize(template).toString().replace('\\', '/');
            write(outRoot, template.getFileName().toString(), regions(read(template), name, used));
        }
        for (Rule rule : RULES) {
            if (!used.containsKey(rule)) {
                throw new IllegalStateException("TwinKernels: rule " + rule.pattern() + " (" + rule.why()
                        + ") matches nothing in the float sources; update the rules with the kernels");
            }
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    /** Writes {@code text} as {@code file} in its package's folder under {@code root}, unless it is there already. */
    private static void write(Path root, String file, String text) throws IOException {
        Matcher pkg = Pattern.compile("(?m)^package ([\\w.]+);").matcher(text);
        if (!pkg.find()) {
            throw new IllegalStateException("TwinKernels: " + file + " has no package line");
        }
        Path dir = root.resolve(pkg.group(1).replace('.', '/'));
        Files.createDirectories(dir);
        Path out = dir.resolve(file);
        if (!Files.exists(out) || !Files.readString(out, StandardCharsets.UTF_8).equals(text)) {
            Files.writeString(out, text, StandardCharsets.UTF_8);
        }
    }

    /** DoubleKernels: FloatKernels rewritten, under a Javadoc of its own. */
    private static String wholeClass(String source, Map<Rule, Integer> used) {
        String classDoc = "/**\n * Row kernels for FLOAT32 arrays.";
        int docStart = source.indexOf(classDoc);
        if (docStart < 0) {
            throw new IllegalStateException("TwinKernels: FloatKernels's class Javadoc, which starts with \""
                    + classDoc.replace("\n", "\\n") + "\", was not found");
        }
        int docEnd = source.indexOf(" */\n", docStart) + " */\n".length();
        String text = rewrite(source.substring(0, docStart) + source.substring(docEnd), "FloatKernels.java", used);
        int classStart = text.indexOf("final class DoubleKernels");
        return text.substring(0, classStart) + HEADER + text.substring(classStart);
    }

    /** A template with each float region followed by its double rewrite, and a line saying where it came from. */
    private static String regions(String source, String name, Map<Rule, Integer> used) {
        StringBuilder out = new StringBuilder("// Generated by runtime/src/build/TwinKernels.java from src/main/java-templates/")
                .append(name).append(": edit that file, never this one.\n");
        int at = 0;
        Matcher begin = BEGIN.matcher(source);
        Matcher end = END.matcher(source);
        while (begin.find(at)) {
            if (!end.find(begin.end())) {
                throw new IllegalStateException("TwinKernels: " + name + " opens a region at offset " + begin.start()
                        + " that no \"// @twin-end\" line closes");
            }
            String region = source.substring(begin.end(), end.start());
            out.append(source, at, begin.start()).append(region).append('\n').append(rewrite(region, name, used));
            at = end.end();
        }
        if (at == 0) {
            throw new IllegalStateException("TwinKernels: " + name + " has no \"// @twin\" region");
        }
        return out.append(source.substring(at)).toString();
    }

    /** {@code text} with the rules applied, counting in {@code used} the rules that matched. */
    private static String rewrite(String text, String name, Map<Rule, Integer> used) {
        for (Rule rule : RULES) {
            Matcher m = Pattern.compile(rule.pattern()).matcher(text);
            if (m.find()) {
                used.merge(rule, 1, Integer::sum);
                text = m.replaceAll(rule.replacement());
            }
        }
        Matcher left = LEFT_OVER.matcher(text);
        if (left.find()) {
            int line = text.substring(0, left.start()).split("\n", -1).length;
            throw new IllegalStateException("TwinKernels: \"" + left.group() + "\" is left at line " + line
                    + " of the double rewrite of " + name + "; no rule covers it");
        }
        return text;
    }
}
