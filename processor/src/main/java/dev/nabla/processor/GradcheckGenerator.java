package dev.nabla.processor;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.TypeName;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Generates the op's gradient check, two static methods of its function: {@code gradcheck()}, which
 * declares on a {@code dev.nabla.autograd.OpGradcheck} the op's inputs from its {@code @Shape}s and
 * states its settings, and {@code gradcheckOutputs}, which calls the op. Readable code a user may
 * copy; everything else (building seeded float64 inputs, gradcheck, the check of the {@code @Jvp}
 * method where there is one, gradgradcheck unless the backward is {@code @OnceDifferentiable}, the
 * checks around them, and the comparison of the CPU and CUDA paths of an op with {@code @OnCuda}
 * versions) is {@code OpGradcheck}'s, so that javac compiles it once rather than once per op.
 *
 * <p>Methods rather than a class of their own, and a method handle to the op's call rather than a
 * lambda: a class per op cost javac about a tenth of a build of ops, and a lambda per op most of that
 * again ({@code benchmarks/compile_bench.sh}).
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
 * change per pass, so that a failure names the value that broke it.
 */
final class GradcheckGenerator {
    private static final ClassName GRADCHECK = ClassName.get("dev.nabla", "Gradcheck");
    private static final ClassName OPTIONS = GRADCHECK.nestedClass("Options");
    private static final ClassName OP_GRADCHECK = ClassName.get("dev.nabla.autograd", "OpGradcheck");
    private static final ClassName METHOD_HANDLES = ClassName.get("java.lang.invoke", "MethodHandles");
    private static final TypeName TENSORS = ArrayTypeName.of(FunctionGenerator.TENSOR);
    /** The method that declares the check, which {@code nabla-junit} looks for. */
    static final String FACTORY = "gradcheck";
    /** The method that calls the op for the check. */
    static final String OUTPUTS = "gradcheckOutputs";

    /**
     * A pass of the check beyond the first, which passes every argument's first value: one
     * argument at another value.
     *
     * @param param the argument
     * @param value the index of its value among {@link OpModel.Param#gradcheckValues}, or -1 for null
     */
    private record Variant(OpModel.Param param, int value) {
        String description() {
            return param.name() + " = " + (value < 0 ? "null" : param.gradcheckValues().get(value).toString());
        }
    }

    private final OpModel op;
    /** The passes beyond the first; pass {@code k} (from 1) is {@code variants.get(k - 1)}. */
    private final List<Variant> variants = new ArrayList<>();

    GradcheckGenerator(OpModel op) {
        this.op = op;
        for (OpModel.Param p : op.params()) {
            for (int v = 1; v < p.gradcheckValues().size(); v++) {
                variants.add(new Variant(p, v));
            }
            if (p.isTensor() && p.nullable()) {
                variants.add(new Variant(p, -1));
            }
        }
    }

    /** The generated methods of {@code <Op>Function}: {@code gradcheck()} and {@code gradcheckOutputs}. */
    List<MethodSpec> generate() {
        return List.of(factory(), outputs());
    }

    /** The number of the pass that uses {@code param} at {@code value} (-1 for null). */
    private int pass(OpModel.Param param, int value) {
        return variants.indexOf(new Variant(param, value)) + 1;
    }

    /** Creates the check, declares the op's inputs, then states every setting that is not the default. */
    private MethodSpec factory() {
        // Names and shapes are identifiers, digits and commas (the validator saw to it): literals without escapes.
        String check = "check";
        CodeText body = new CodeText().type(OP_GRADCHECK).text(" " + check + " = ").type(OP_GRADCHECK)
                .text(".of(" + quoted(op.opType().canonicalName()) + ", ").type(METHOD_HANDLES)
                .text(".lookup(), " + quoted(OUTPUTS) + ")").end();
        String on = check + ".";
        for (OpModel.Param p : op.tensorParams()) {
            String declare = p.isDifferentiable() ? "input" : "nonDiffInput";
            body.statement(on + declare + "(" + quoted(p.name())
                    + (p.shape() == null ? "" : ", " + quoted(String.join(",", p.shape().dims()))) + ")");
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
        for (Variant v : variants) {
            if (v.value() < 0) {
                body.statement(on + "addNullPass(" + quoted(v.param().name()) + ")");
            } else {
                body.text(on + "addValuePass(").string(v.description()).text(")").end();
            }
        }
        if (op.gradcheck().disabledReason() != null) {
            body.text(on + "disable(").string(op.gradcheck().disabledReason()).text(")").end();
        }
        body.statement("return " + check);
        return MethodSpec.methodBuilder(FACTORY)
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(OP_GRADCHECK)
                .addJavadoc("The gradient check of {@link $T}: its inputs, as its {@code @Shape}s declare them, and its"
                        + " settings,\nfor {@link $T} to run gradcheck$L and the checks around them on the calls of"
                        + " {@link #apply}\nthat {@code $L} makes.\n", op.opType(), OP_GRADCHECK,
                        op.onceDifferentiable() ? "" : ", gradgradcheck", OUTPUTS)
                .addJavadoc(op.jvpName() == null ? CodeBlock.of("")
                        : CodeBlock.of("The op's {@code $L} is checked too, against finite differences and against its"
                                + " backward.\n", op.jvpName()))
                .addJavadoc(op.hasCudaVariant() ? CodeBlock.of("Where CUDA is available, its {@code @OnCuda} versions"
                        + " are checked too, and compared with the portable path.\n") : CodeBlock.of(""))
                .addJavadoc("{@code nabla-junit} finds this method and runs the check as a test named after the op.\n"
                        + "\n<p>To customize it, copy this method and {@code $L} into a class of your own and edit the"
                        + " copies.\n\n@return the check, ready to run\n", OUTPUTS)
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

    /** {@code <Op>Function.apply(...)} on the inputs and the non-tensor parameters' values in a pass, its outputs in an array. */
    private MethodSpec outputs() {
        NameAllocator names = new NameAllocator();
        for (OpModel.Param p : op.params()) {
            if (!p.isTensor()) {
                names.newName(p.name(), p);
            }
        }
        String in = names.newName("in", "in");
        String pass = names.newName("pass", "pass");
        CodeText body = new CodeText();
        StringBuilder args = new StringBuilder();
        for (OpModel.Param p : op.params()) {
            if (args.length() > 0) {
                args.append(", ");
            }
            if (!p.isTensor()) {
                List<CodeBlock> values = p.gradcheckValues();
                if (values.isEmpty()) {
                    body.comment("No default for " + p.type() + ": this check is disabled; a copy of it must choose a"
                            + " value.");
                }
                CodeBlock value = values.isEmpty() ? CodeBlock.of("$L", defaultFor(p.type())) : values.get(0);
                for (int v = values.size() - 1; v >= 1; v--) {
                    value = CodeBlock.of("$L == $L ? $L : $L", pass, pass(p, v), values.get(v), value);
                }
                body.type(p.type()).text(" " + names.get(p) + " = ").code(value).end();
                args.append(names.get(p));
            } else if (p.dirty()) {
                body.comment("The op writes into " + p.name() + ": each call gets a copy, so that every evaluation"
                        + " starts from the same values.");
                args.append(in).append('[').append(p.tensorIndex()).append("].clone()");
            } else {
                args.append(in).append('[').append(p.tensorIndex()).append(']');
            }
        }
        if (op.outputRecord() == null) {
            body.text("return new ").type(FunctionGenerator.TENSOR).text("[] {").type(op.functionType())
                    .text(".apply(" + args + ")}").end();
        } else {
            String out = names.newName("out", "out");
            StringBuilder components = new StringBuilder();
            for (OpModel.Output o : op.outputs()) {
                components.append(components.length() == 0 ? "" : ", ").append(out).append('.').append(o.name())
                        .append("()");
            }
            body.type(op.outputRecord()).text(" " + out + " = ").type(op.functionType())
                    .text(".apply(" + args + ")").end()
                    .text("return new ").type(FunctionGenerator.TENSOR).text("[] {" + components + "}").end();
        }
        return MethodSpec.methodBuilder(OUTPUTS)
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(TENSORS)
                .addParameter(TENSORS, in)
                .addParameter(int.class, pass)
                .addJavadoc("{@link #apply} on the check's inputs and on the other arguments' values in pass {@code $L}"
                        + " (0 for the first).\n", pass)
                .addCode(body.build())
                .build();
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
