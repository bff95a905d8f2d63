package dev.nabla.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Generates the op's gradient check, the static method {@code gradcheck()} of its function: it
 * declares on a {@code dev.nabla.autograd.OpGradcheck} the arguments of the function's {@code apply},
 * in order (the tensor inputs from their {@code @Shape}s, the other arguments' values), and states the
 * op's settings. Readable code a user may copy and edit; everything else (calling {@code apply},
 * building seeded float64 inputs, gradcheck, the check of the {@code @Jvp} method where there is one,
 * gradgradcheck unless the backward is {@code @OnceDifferentiable}, the checks around them, and the
 * comparison of the CPU and CUDA paths of an op with {@code @OnCuda} versions) is
 * {@code OpGradcheck}'s, so that javac compiles it once rather than once per op.
 *
 * <p>A method rather than a class of its own, and declarations rather than a method that calls the op:
 * a class per op cost javac about a tenth of a build of ops, a lambda per op most of that again, and
 * each generated method a share of the rest ({@code benchmarks/compile_bench.sh}).
 *
 * <p>Inputs: {@code OpGradcheck} gives each {@code @Shape} symbol a size from 2 to 4, the same for
 * every tensor that mentions it; a tensor without {@code @Shape} is a vector, and a shape error on
 * it says so. Non-tensor parameters get 0 (integral types), 0.5 (floating types), false,
 * {@code 'a'}, the empty string, or an enum's first constant; any other type has no default, and
 * the check is then disabled with a reason saying so.
 *
 * <p>Passes: the checks run once with those values, then once more for each other value of a
 * non-tensor parameter (1; -1.5; true; {@code 'z'}; {@code "a"}; each other enum constant) and
 * for each tensor the op accepts as null ({@link OpModel.Param#nullable}) set to null, one
 * change per pass, in the order of the parameters, so that a failure names the value that broke it.
 */
final class GradcheckGenerator {
    private static final ClassName GRADCHECK = ClassName.get("dev.nabla", "Gradcheck");
    private static final ClassName OPTIONS = GRADCHECK.nestedClass("Options");
    private static final ClassName OP_GRADCHECK = ClassName.get("dev.nabla.autograd", "OpGradcheck");
    /** The method that declares the check, which {@code nabla-junit} looks for. */
    static final String FACTORY = "gradcheck";

    private final OpModel op;

    GradcheckGenerator(OpModel op) {
        this.op = op;
    }

    /** The generated method of {@code <Op>Function}: {@code gradcheck()}. */
    MethodSpec generate() {
        // Names and shapes are identifiers, digits and commas (the validator saw to it): literals without escapes.
        String check = "check";
        CodeText body = new CodeText().type(OP_GRADCHECK).text(" " + check + " = ").type(OP_GRADCHECK)
                .text(".of(" + quoted(op.opType().canonicalName()) + ", ").type(op.functionType()).text(".class)").end();
        String on = check + ".";
        for (OpModel.Param p : op.params()) {
            if (!p.isTensor()) {
                List<CodeBlock> values = p.gradcheckValues();
                if (values.isEmpty()) {
                    body.comment("No default for " + p.type() + ": this check is disabled; a copy of it must choose a"
                            + " value.");
                    values = List.of(CodeBlock.of("$L", defaultFor(p.type())));
                }
                body.text(on + "value(" + quoted(p.name()));
                for (CodeBlock value : values) {
                    body.text(", ").code(value);
                }
                body.text(")").end();
                continue;
            }
            String declare = p.isDifferentiable() ? "input" : "nonDiffInput";
            body.statement(on + declare + "(" + quoted(p.name())
                    + (p.shape() == null ? "" : ", " + quoted(String.join(",", p.shape().dims()))) + ")");
            if (p.dirty()) {
                body.statement(on + "markDirty(" + quoted(p.name()) + ")");
            }
            if (p.nullable()) {
                body.statement(on + "addNullPass(" + quoted(p.name()) + ")");
            }
        }
        if (op.outputRecord() != null) {
            List<String> names = new ArrayList<>();
            for (OpModel.Output o : op.outputs()) {
                names.add(o.name());
            }
            body.statement(on + "setOutputNames(" + quoted(names) + ")");
        }
        List<String> nonDiff = new ArrayList<>();
        for (OpModel.Output o : op.outputs()) {
            if (o.nonDiff()) {
                nonDiff.add(o.name());
            }
        }
        if (!nonDiff.isEmpty()) {
            body.statement(on + "markNonDifferentiable(" + quoted(nonDiff) + ")");
        }
        String options = options();
        if (!options.isEmpty()) {
            body.text(on + "setOptions(").type(OPTIONS).text(".defaults()" + options + ")").end();
        }
        if (op.jvpName() != null) {
            body.statement(on + "setCheckJvp(true)");
        }
        if (op.onceDifferentiable()) {
            body.statement(on + "setOnceDifferentiable(true)");
        }
        if (!op.materializeGrads()) {
            body.statement(on + "setMaterializeGrads(false)");
        }
        if (!op.onceDifferentiable() && !op.savedIntermediates().isEmpty()) {
            body.statement(on + "setSavedIntermediates(" + quoted(op.savedIntermediates()) + ")");
        }
        if (op.hasCudaVariant()) {
            body.statement(on + "setCompareDevices(true)");
        }
        if (op.gradcheck().disabledReason() != null) {
            body.text(on + "disable(").string(op.gradcheck().disabledReason()).text(")").end();
        }
        body.statement("return " + check);
        return MethodSpec.methodBuilder(FACTORY)
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(OP_GRADCHECK)
                .addJavadoc("The gradient check of {@link $T}: the arguments of {@link #apply} (its tensor inputs, as\n"
                        + "their {@code @Shape}s declare them, and the values of the others) and its settings, for\n"
                        + "{@link $T} to run gradcheck$L and the checks around them.\n", op.opType(), OP_GRADCHECK,
                        op.onceDifferentiable() ? "" : ", gradgradcheck")
                .addJavadoc(op.jvpName() == null ? CodeBlock.of("")
                        : CodeBlock.of("The op's {@code $L} is checked too, against finite differences and against its"
                                + " backward.\n", op.jvpName()))
                .addJavadoc(op.hasCudaVariant() ? CodeBlock.of("Where CUDA is available, its {@code @OnCuda} versions"
                        + " are checked too, and compared with the portable path.\n") : CodeBlock.of(""))
                .addJavadoc("{@code nabla-junit} finds this method and runs the check as a test named after the op.\n"
                        + "\n<p>To customize it, copy this method into a class of your own and edit the copy.\n"
                        + "\n@return the check, ready to run\n")
                .addCode(body.build())
                .build();
    }

    /** The {@code .withX(...)} calls for the {@code @Gradcheck} settings that differ from the defaults. */
    private String options() {
        OpModel.GradcheckSettings s = op.gradcheck();
        StringBuilder b = new StringBuilder();
        if (s.eps() != OpModel.GradcheckSettings.DEFAULTS.eps()) {
            b.append(".withEps(").append(s.eps()).append(')');
        }
        if (s.atol() != OpModel.GradcheckSettings.DEFAULTS.atol()) {
            b.append(".withAtol(").append(s.atol()).append(')');
        }
        if (s.rtol() != OpModel.GradcheckSettings.DEFAULTS.rtol()) {
            b.append(".withRtol(").append(s.rtol()).append(')');
        }
        if (s.fast() != OpModel.GradcheckSettings.DEFAULTS.fast()) {
            b.append(".withFastMode(").append(s.fast()).append(')');
        }
        return b.toString();
    }

    /** A string literal of text that needs no escapes (identifiers, digits, commas). */
    private static String quoted(String text) {
        return '"' + text + '"';
    }

    /** String literals of texts that need no escapes, separated by commas. */
    private static String quoted(List<String> texts) {
        StringBuilder b = new StringBuilder();
        for (String t : texts) {
            b.append(b.length() == 0 ? "" : ", ").append(quoted(t));
        }
        return b.toString();
    }

    /** A placeholder value for a parameter without a default, in a check that is disabled and says why. */
    private static String defaultFor(TypeName type) {
        return type.isPrimitive() ? (type.equals(TypeName.BOOLEAN) ? "false" : "0") : "null";
    }
}
