package dev.nabla.processor;

import com.squareup.javapoet.ArrayTypeName;
import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.CodeBlock;
import com.squareup.javapoet.MethodSpec;
import com.squareup.javapoet.NameAllocator;
import com.squareup.javapoet.TypeName;
import com.squareup.javapoet.TypeSpec;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Generates {@code <Op>Function.Gradcheck}, the op's subclass of {@code dev.nabla.autograd.OpGradcheck},
 * nested in its function: readable code a user may copy, which declares the op's inputs from its
 * {@code @Shape}s, states its settings and calls the op. Everything else (building seeded float64
 * inputs, gradcheck, the check of the {@code @Jvp} method where there is one, gradgradcheck unless
 * the backward is {@code @OnceDifferentiable}, the checks around them, and the comparison of the
 * CPU and CUDA paths of an op with {@code @OnCuda} versions) is {@code OpGradcheck}'s, so that javac
 * compiles it once rather than once per op.
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
    private static final TypeName TENSORS = ArrayTypeName.of(FunctionGenerator.TENSOR);

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

    /** The generated class, nested in {@code <Op>Function}. */
    TypeSpec generate() {
        return TypeSpec.classBuilder(op.gradcheckType())
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .superclass(OP_GRADCHECK)
                .addJavadoc("The gradient check of {@link $T}: its inputs, as its {@code @Shape}s declare them, and"
                        + " the call of\n{@link #apply} on which {@link $T} runs gradcheck$L and the checks around"
                        + " them.\n{@code nabla-junit} runs it as a test named after the op.\n", op.opType(),
                        OP_GRADCHECK, op.onceDifferentiable() ? "" : ", gradgradcheck")
                .addJavadoc(op.jvpName() == null ? CodeBlock.of("")
                        : CodeBlock.of("The op's {@code $L} is checked too, against finite differences and against its"
                                + " backward.\n", op.jvpName()))
                .addJavadoc(op.hasCudaVariant() ? CodeBlock.of("Where CUDA is available, its {@code @OnCuda} versions"
                        + " are checked too, and compared with the portable path.\n") : CodeBlock.of(""))
                .addJavadoc("\n<p>To customize it, copy it into a class of your own and edit the copy.\n")
                .addMethod(constructor())
                .addMethod(outputs())
                .build();
    }

    /** The number of the pass that uses {@code param} at {@code value} (-1 for null). */
    private int pass(OpModel.Param param, int value) {
        return variants.indexOf(new Variant(param, value)) + 1;
    }

    /** Calls {@code super} with the op, declares its inputs, then states every setting that is not the default. */
    private MethodSpec constructor() {
        MethodSpec.Builder c = MethodSpec.constructorBuilder()
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc("Declares the op's inputs and settings; {@link #run} does the work.\n")
                .addStatement("super($S)", op.opType().canonicalName());
        for (OpModel.Param p : op.tensorParams()) {
            String declare = p.isDifferentiable() ? "input" : "nonDiffInput";
            if (p.shape() == null) {
                c.addStatement("$L($S)", declare, p.name());
            } else {
                c.addStatement("$L($S, $S)", declare, p.name(), String.join(",", p.shape().dims()));
            }
        }
        if (op.outputRecord() != null) {
            c.addStatement("setOutputNames($L)", strings(op.outputs().stream().map(OpModel.Output::name).toList()));
        }
        CodeBlock.Builder nonDiff = CodeBlock.builder();
        for (OpModel.Output o : op.outputs()) {
            if (o.nonDiff()) {
                nonDiff.add(nonDiff.isEmpty() ? "$S" : ", $S", o.name());
            }
        }
        if (!nonDiff.isEmpty()) {
            c.addStatement("markNonDifferentiable($L)", nonDiff.build());
        }
        CodeBlock options = options();
        if (!options.isEmpty()) {
            c.addStatement("setOptions($T.defaults()$L)", OPTIONS, options);
        }
        if (op.jvpName() != null) {
            c.addStatement("setCheckJvp(true)");
        }
        if (op.onceDifferentiable()) {
            c.addStatement("setOnceDifferentiable(true)");
        }
        if (!op.materializeGrads()) {
            c.addStatement("setMaterializeGrads(false)");
        }
        if (!op.onceDifferentiable() && !op.savedIntermediates().isEmpty()) {
            c.addStatement("setSavedIntermediates($L)", strings(op.savedIntermediates()));
        }
        if (op.hasCudaVariant()) {
            c.addStatement("setCompareDevices(true)");
        }
        for (Variant v : variants) {
            if (v.value() < 0) {
                c.addStatement("addNullPass($S)", v.param().name());
            } else {
                c.addStatement("addValuePass($S)", v.description());
            }
        }
        if (op.gradcheck().disabledReason() != null) {
            c.addStatement("disable($S)", op.gradcheck().disabledReason());
        }
        return c.build();
    }

    /** The {@code .withX(...)} calls for the {@code @Gradcheck} settings that differ from the defaults. */
    private CodeBlock options() {
        OpModel.GradcheckSettings s = op.gradcheck();
        CodeBlock.Builder b = CodeBlock.builder();
        if (s.eps() != OpModel.GradcheckSettings.DEFAULTS.eps()) {
            b.add(".withEps($L)", s.eps());
        }
        if (s.atol() != OpModel.GradcheckSettings.DEFAULTS.atol()) {
            b.add(".withAtol($L)", s.atol());
        }
        if (s.rtol() != OpModel.GradcheckSettings.DEFAULTS.rtol()) {
            b.add(".withRtol($L)", s.rtol());
        }
        if (s.fast() != OpModel.GradcheckSettings.DEFAULTS.fast()) {
            b.add(".withFastMode($L)", s.fast());
        }
        return b.build();
    }

    /** {@code <Op>Function.apply(...)} on the inputs and the non-tensor parameters' values, its outputs in an array. */
    private MethodSpec outputs() {
        NameAllocator names = new NameAllocator();
        for (OpModel.Param p : op.params()) {
            if (!p.isTensor()) {
                names.newName(p.name(), p);
            }
        }
        String in = names.newName("in", "in");
        MethodSpec.Builder m = MethodSpec.methodBuilder("outputs")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PROTECTED)
                .returns(TENSORS)
                .addParameter(TENSORS, in);
        CodeBlock.Builder args = CodeBlock.builder();
        for (OpModel.Param p : op.params()) {
            if (!args.isEmpty()) {
                args.add(", ");
            }
            if (!p.isTensor()) {
                List<CodeBlock> values = p.gradcheckValues();
                if (values.isEmpty()) {
                    m.addComment("No default for $L: this check is disabled; a copy of it must choose a value.",
                            p.type());
                }
                CodeBlock value = values.isEmpty() ? CodeBlock.of("$L", defaultFor(p.type())) : values.get(0);
                for (int v = values.size() - 1; v >= 1; v--) {
                    value = CodeBlock.of("pass() == $L ? $L : $L", pass(p, v), values.get(v), value);
                }
                m.addStatement("$T $N = $L", p.type(), names.get(p), value);
                args.add("$N", names.get(p));
            } else if (p.dirty()) {
                m.addComment("The op writes into $N: each call gets a copy, so that every evaluation starts from the"
                        + " same values.", p.name());
                args.add("$N[$L].clone()", in, p.tensorIndex());
            } else {
                args.add("$N[$L]", in, p.tensorIndex());
            }
        }
        CodeBlock call = CodeBlock.of("$T.apply($L)", op.functionType(), args.build());
        if (op.outputRecord() == null) {
            m.addStatement("return new $T[] {$L}", FunctionGenerator.TENSOR, call);
            return m.build();
        }
        String out = names.newName("out", "out");
        m.addStatement("$T $N = $L", op.outputRecord(), out, call);
        CodeBlock.Builder components = CodeBlock.builder();
        for (OpModel.Output o : op.outputs()) {
            components.add(components.isEmpty() ? "$N.$N()" : ", $N.$N()", out, o.name());
        }
        m.addStatement("return new $T[] {$L}", FunctionGenerator.TENSOR, components.build());
        return m.build();
    }

    private static CodeBlock strings(Iterable<String> values) {
        CodeBlock.Builder b = CodeBlock.builder();
        for (String v : values) {
            b.add(b.isEmpty() ? "$S" : ", $S", v);
        }
        return b.build();
    }

    /** A placeholder value for a parameter without a default, in a check that is disabled and says why. */
    private static String defaultFor(TypeName type) {
        return type.isPrimitive() ? (type.equals(TypeName.BOOLEAN) ? "false" : "0") : "null";
    }
}
