package dev.nabla.processor;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import java.util.ArrayList;
import java.util.List;

/**
 * A method body for JavaPoet written as Java text, with placeholders only where JavaPoet has work
 * to do: {@code $T} for a type (imports), {@code $S} for a string literal (escaping), {@code $>} and
 * {@code $<} for indentation. Names and punctuation go in as plain text, so that a body is a few
 * format parts rather than one per name: JavaPoet emits each part twice per file (once to collect
 * the imports), and splits each with a regular expression, which made the emission of
 * {@code $N.$N = null}-style statements the largest cost of the processor.
 */
final class CodeText {
    private final StringBuilder format = new StringBuilder();
    private final List<Object> args = new ArrayList<>();

    /** Appends Java text: names, operators, literals other than strings ({@code $} in a name is escaped). */
    CodeText text(String java) {
        format.append(java.replace("$", "$$"));
        return this;
    }

    /** Appends a type, which JavaPoet imports or qualifies. */
    CodeText type(TypeName type) {
        format.append("$T");
        args.add(type);
        return this;
    }

    /** Appends code JavaPoet built (a literal value, an enum constant). */
    CodeText code(CodeBlock code) {
        format.append("$L");
        args.add(code);
        return this;
    }

    /** Appends a string literal. */
    CodeText string(String value) {
        format.append("$S");
        args.add(value);
        return this;
    }

    /** Ends a statement: {@code ;} and a new line. */
    CodeText end() {
        format.append(";\n");
        return this;
    }

    /** Appends a whole statement of plain text. */
    CodeText statement(String java) {
        return text(java).end();
    }

    /** Opens a block: {@code java {} and indents. */
    CodeText open(String java) {
        format.append(java.replace("$", "$$")).append(" {\n$>");
        return this;
    }

    /** Closes the innermost block and opens the next, as in {@code } finally {}. */
    CodeText next(String java) {
        format.append("$<} ").append(java.replace("$", "$$")).append(" {\n$>");
        return this;
    }

    /** Closes the innermost block. */
    CodeText close() {
        format.append("$<}\n");
        return this;
    }

    /** Appends a line comment. */
    CodeText comment(String comment) {
        return text("// " + comment + "\n");
    }

    CodeBlock build() {
        return CodeBlock.of(format.toString(), args.toArray());
    }
}
