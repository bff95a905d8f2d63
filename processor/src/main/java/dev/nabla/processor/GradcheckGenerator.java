package dev.nabla.processor;

import com.squareup.javapoet.AnnotationSpec;
import com.squareup.javapoet.ArrayTypeName;
import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.CodeBlock;
import com.squareup.javapoet.FieldSpec;
import com.squareup.javapoet.MethodSpec;
import com.squareup.javapoet.NameAllocator;
import com.squareup.javapoet.TypeName;
import com.squareup.javapoet.TypeSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Generates {@code <Op>Gradcheck}, the op's subclass of {@code dev.nabla.autograd.OpGradcheck}:
 * readable code a user may copy, which names the op's inputs and outputs, states its settings,
 * builds seeded float64 inputs from the {@code @Shape}s and calls the op. Everything else (gradcheck,
 * the check of the {@code @Jvp} method where there is one, gradgradcheck unless the backward is
 * {@code @OnceDifferentiable}, and the checks around them)
 * is {@code OpGradcheck}'s, so that javac compiles it once rather than once per op.
 *
 * <p>Inputs: each {@code @Shape} symbol gets a size drawn from 2 to 4 by the seeded generator
 * {@code OpGradcheck} passes, the same for every tensor that mentions it; a tensor without
 * {@code @Shape} is a vector of {@value #DEFAULT_LENGTH} elements, and a shape error on it says
 * so. Non-tensor parameters get 0 (integral types), 0.5 (floating types), false, {@code 'a'}, the
 * empty string, or an enum's first constant; any other type has no default, and the check is then
 * disabled with a reason saying so.
 *
 * <p>Passes: the checks run once with those values, then once more for each other value of a
 * non-tensor parameter (1; -1.5; true; {@code 'z'}; {@code "a"}; each other enum constant) and
 * for each tensor the op accepts as null ({@link OpModel.Param#nullable}) set to null, one
 * change per pass, so that a failure names the value that broke it.
 *
 * <p>Devices: for an op with {@code @OnCuda} versions, the inputs are built on the CPU (the
 * portable path) and, where CUDA is available, the same checks run again on CUDA inputs (the CUDA
 * versions), then one call on each device compares the outputs and the input gradients.
 */
final class GradcheckGenerator {
    /** The length of a tensor input that has no {@code @Shape}. */
    static final int DEFAULT_LENGTH = 5;

    private static final ClassName DTYPE = ClassName.get("dev.nabla", "DType");
    private static final ClassName DEVICE = ClassName.get("dev.nabla", "Device");
    private static final ClassName NABLA = ClassName.get("dev.nabla", "Nabla");
    private static final ClassName CUDA = ClassName.get("dev.nabla.backend.cuda", "Cuda");
    private static final ClassName ARRAYS = ClassName.get("java.util", "Arrays");
    /** The field that says on which device the inputs are built, for an op with {@code @OnCuda} versions. */
    private static final String DEVICE_FIELD = "device";
    private static final ClassName GRADCHECK = ClassName.get("dev.nabla", "Gradcheck");
    private static final ClassName OPTIONS = GRADCHECK.nestedClass("Options");
    private static final ClassName OP_GRADCHECK = ClassName.get("dev.nabla.autograd", "OpGradcheck");
    private static final ClassName RANDOM = ClassName.get("java.util", "SplittableRandom");
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
    /** The tensor inputs the check builds without {@code @Shape}, as vectors. */
    private final List<String> unshaped = new ArrayList<>();

    GradcheckGenerator(OpModel op) {
        this.op = op;
        for (OpModel.Param p : op.params()) {
            for (int v = 1; v < p.gradcheckValues().size(); v++) {
                variants.add(new Variant(p, v));
            }
            if (p.isTensor() && p.nullable()) {
                variants.add(new Variant(p, -1));
            }
            if (p.isTensor() && p.shape() == null) {
                unshaped.add(p.name());
            }
        }
    }

    /** The generated class. */
    TypeSpec generate() {
        TypeSpec.Builder type = TypeSpec.classBuilder(op.gradcheckType())
                .addOriginatingElement(op.element())
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .superclass(OP_GRADCHECK)
                .addJavadoc("The gradient check of {@link $T}: the seeded float64 inputs and the call of\n"
                        + "{@link $T#apply} on which {@link $T} runs gradcheck$L\nand the checks around them."
                        + " {@code nabla-junit} runs it as a test named after the op.\n", op.opType(),
                        op.functionType(), OP_GRADCHECK, op.onceDifferentiable() ? "" : ", gradgradcheck")
                .addJavadoc(op.jvpName() == null ? CodeBlock.of("")
                        : CodeBlock.of("The op's {@code $L} is checked too, against finite differences and against its"
                                + "\nbackward.\n", op.jvpName()))
                .addJavadoc("\n<p>Generated by Nabla's annotation processor from {@link $T}. To customize it,\ncopy it"
                        + " under another name and edit the copy.\n", op.opType());
        if (op.generatedAnnotation() != null) {
            type.addAnnotation(AnnotationSpec.builder(op.generatedAnnotation())
                    .addMember("value", "$S", NablaProcessor.class.getName()).build());
        }
        if (op.hasCudaVariant()) {
            type.addField(FieldSpec.builder(DEVICE, DEVICE_FIELD, Modifier.PRIVATE)
                    .addJavadoc("The device of the inputs: the CPU, which runs the portable path, or CUDA.\n")
                    .initializer("$T.CPU", DEVICE).build());
        }
        type.addMethod(constructor());
        if (op.hasCudaVariant()) {
            type.addMethod(runOnBothDevices());
            type.addMethod(compareDevices());
            type.addMethod(outputsAndGradients());
            type.addMethod(compare());
        }
        type.addMethod(inputs());
        type.addMethod(outputs());
        return type.build();
    }

    /**
     * For an op with {@code @OnCuda} versions: the checks on CPU inputs (the portable path), then,
     * where CUDA is available, on CUDA inputs (the CUDA versions), then the comparison of the two.
     */
    private MethodSpec runOnBothDevices() {
        return MethodSpec.methodBuilder("run")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .addStatement("$N = $T.CPU", DEVICE_FIELD, DEVICE)
                .addStatement("super.run()")
                .beginControlFlow("if (!$T.isAvailable())", CUDA)
                .addComment("Without a GPU only the portable path can run.")
                .addStatement("return")
                .endControlFlow()
                .addStatement("$N = $T.CUDA", DEVICE_FIELD, DEVICE)
                .beginControlFlow("try")
                .addStatement("super.run()")
                .nextControlFlow("catch ($T e)", AssertionError.class)
                .addStatement("throw new $T($S + e.getMessage(), e)", AssertionError.class,
                        op.opName() + " on CUDA inputs (its @OnCuda versions): ")
                .nextControlFlow("finally")
                .addStatement("$N = $T.CPU", DEVICE_FIELD, DEVICE)
                .endControlFlow()
                .addStatement("compareDevices()")
                .build();
    }

    /** Compares the outputs and input gradients of the two paths, one by one, named. */
    private MethodSpec compareDevices() {
        List<String> names = new ArrayList<>();
        for (OpModel.Output o : op.outputs()) {
            names.add(op.outputRecord() == null ? "output" : "output '" + o.name() + "'");
        }
        for (OpModel.Param p : op.tensorParams()) {
            names.add("gradient of '" + p.name() + "'");
        }
        return MethodSpec.methodBuilder("compareDevices")
                .addModifiers(Modifier.PRIVATE)
                .addJavadoc("Runs the op on the same seeded inputs on the CPU and on CUDA, and compares what they give.\n")
                .addStatement("$T[] names = {$L}", String.class, strings(names))
                .addStatement("$T cpu = outputsAndGradients($T.CPU)", TENSORS, DEVICE)
                .addStatement("$T cuda = outputsAndGradients($T.CUDA)", TENSORS, DEVICE)
                .beginControlFlow("for (int k = 0; k < names.length; k++)")
                .addStatement("compare(names[k], cpu[k], cuda[k])")
                .endControlFlow()
                .build();
    }

    /**
     * The outputs on the first pass's values, then the inputs' gradients from one backward that
     * takes each differentiable output's own values as its gradient.
     */
    private MethodSpec outputsAndGradients() {
        MethodSpec.Builder m = MethodSpec.methodBuilder("outputsAndGradients")
                .addModifiers(Modifier.PRIVATE)
                .returns(TENSORS)
                .addParameter(DEVICE, "on")
                .addJavadoc("The outputs, then the inputs' gradients, of one call on seeded inputs on {@code on}.\n")
                .addStatement("$N = on", DEVICE_FIELD);
        // Outside run() the pass is the first one, which passes every argument's first value.
        return m.beginControlFlow("try")
                .addStatement("$T.manualSeed(DEFAULT_SEED)", NABLA)
                .addStatement("$T in = inputs(new $T(DEFAULT_SEED))", TENSORS, RANDOM)
                .addStatement("$T out = outputs(in)", TENSORS)
                .beginControlFlow("for ($T o : out)", FunctionGenerator.TENSOR)
                .beginControlFlow("if (o.requiresGrad())")
                .addStatement("o.backward(o.detach(), true, false)")
                .endControlFlow()
                .endControlFlow()
                .addStatement("$T all = $T.copyOf(out, out.length + in.length)", TENSORS, ARRAYS)
                .beginControlFlow("for (int k = 0; k < in.length; k++)")
                .addStatement("all[out.length + k] = in[k] == null ? null : in[k].grad()")
                .endControlFlow()
                .addStatement("return all")
                .nextControlFlow("finally")
                .addStatement("$N = $T.CPU", DEVICE_FIELD, DEVICE)
                .endControlFlow()
                .build();
    }

    /** Fails unless {@code cpu} and {@code cuda} agree in shape and, elementwise, within rtol 1e-7 and atol 1e-9. */
    private MethodSpec compare() {
        String prefix = op.opName() + ": the CPU and CUDA paths disagree on the ";
        return MethodSpec.methodBuilder("compare")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(String.class, "what")
                .addParameter(FunctionGenerator.TENSOR, "cpu")
                .addParameter(FunctionGenerator.TENSOR, "cuda")
                .addJavadoc("Fails unless the two agree in shape and, elementwise, within rtol 1e-7 and atol 1e-9 (float64"
                        + " kernels may\nround differently from the CPU, e.g. in sums), NaN matching NaN.\n")
                .beginControlFlow("if (cpu == null || cuda == null)")
                .beginControlFlow("if (cpu != cuda)")
                .addStatement("throw new $T($S + what + (cpu == null ? $S : $S))", AssertionError.class, prefix,
                        ": null on the CPU only", ": null on CUDA only")
                .endControlFlow()
                .addStatement("return")
                .endControlFlow()
                .beginControlFlow("if (!$T.equals(cpu.shape(), cuda.shape()))", ARRAYS)
                .addStatement("throw new $T($S + what + $S + $T.toString(cpu.shape()) + $S"
                        + " + $T.toString(cuda.shape()) + $S)", AssertionError.class, prefix, ": shape ", ARRAYS,
                        " on the CPU, ", ARRAYS, " on CUDA")
                .endControlFlow()
                .addStatement("double[] a = cpu.toDoubleArray()")
                .addStatement("double[] b = cuda.toDoubleArray()")
                .beginControlFlow("for (int i = 0; i < a.length; i++)")
                .beginControlFlow("if (!(Math.abs(a[i] - b[i]) <= 1e-9 + 1e-7 * Math.abs(a[i]))"
                        + " && !(Double.isNaN(a[i]) && Double.isNaN(b[i])))")
                .addStatement("throw new $T($S + what + $S + i + $S + a[i] + $S + b[i] + $S)", AssertionError.class,
                        prefix, " at flat index ", ": ", " on the CPU, ", " on CUDA")
                .endControlFlow()
                .endControlFlow()
                .build();
    }

    /** The number of the pass that uses {@code param} at {@code value} (-1 for null). */
    private int pass(OpModel.Param param, int value) {
        return variants.indexOf(new Variant(param, value)) + 1;
    }

    /** Calls {@code super} with the op and its input names, then states every setting that is not the default. */
    private MethodSpec constructor() {
        CodeBlock.Builder inputNames = CodeBlock.builder();
        for (OpModel.Param p : op.tensorParams()) {
            inputNames.add(", $S", p.name());
        }
        MethodSpec.Builder c = MethodSpec.constructorBuilder()
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc("Creates the check; {@link #run} does the work.\n")
                .addStatement("super($S$L)", op.opType().canonicalName(), inputNames.build());
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
        for (Variant v : variants) {
            c.addStatement(v.param().isTensor() ? "addPass($S)" : "addValuePass($S)", v.description());
        }
        if (!unshaped.isEmpty()) {
            c.addStatement("setUnshapedInputs($L, $L)", DEFAULT_LENGTH, strings(unshaped));
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

    /** One seeded tensor per tensor parameter, shaped by its {@code @Shape}, requiring grad unless {@code @NonDiff}. */
    private MethodSpec inputs() {
        NameAllocator names = new NameAllocator();
        for (OpModel.Param p : op.tensorParams()) {
            names.newName(p.name(), p);
        }
        Set<String> symbols = new LinkedHashSet<>();
        for (OpModel.Param p : op.tensorParams()) {
            if (p.shape() != null) {
                for (int d = 0; d < p.shape().dims().size(); d++) {
                    if (p.shape().isSymbol(d)) {
                        symbols.add(p.shape().dims().get(d));
                    }
                }
            }
        }
        for (String s : symbols) {
            names.newName(s, "symbol:" + s);
        }
        String sizes = names.newName("sizes", "sizes");
        MethodSpec.Builder m = MethodSpec.methodBuilder("inputs")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PROTECTED)
                .returns(TENSORS)
                .addParameter(RANDOM, sizes);
        if (!symbols.isEmpty()) {
            m.addComment("Each @Shape symbol: a small size, the same wherever the symbol appears.");
        }
        for (String s : symbols) {
            m.addStatement("long $N = 2 + $N.nextInt(3)", names.get("symbol:" + s), sizes);
        }
        CodeBlock.Builder all = CodeBlock.builder();
        for (OpModel.Param p : op.tensorParams()) {
            CodeBlock.Builder dims = CodeBlock.builder();
            if (p.shape() == null) {
                dims.add(", $L", DEFAULT_LENGTH);
            } else {
                for (int k = 0; k < p.shape().dims().size(); k++) {
                    String dim = p.shape().dims().get(k);
                    dims.add(p.shape().isSymbol(k) ? CodeBlock.of(", $N", names.get("symbol:" + dim))
                            : CodeBlock.of(", $L", p.shape().sizeLiteral(k)));
                }
            }
            CodeBlock absent = p.nullable() ? CodeBlock.of("pass() == $L ? null : ", pass(p, -1))
                    : CodeBlock.of("");
            CodeBlock device = op.hasCudaVariant() ? CodeBlock.of(".to(this.$N)", DEVICE_FIELD) : CodeBlock.of("");
            m.addStatement("$T $N = $L$T.randn($T.FLOAT64$L)$L$L", FunctionGenerator.TENSOR, names.get(p), absent,
                    FunctionGenerator.TENSOR, DTYPE, dims.build(), device,
                    p.isDifferentiable() ? ".requiresGrad(true)" : "");
            all.add(all.isEmpty() ? "$N" : ", $N", names.get(p));
        }
        m.addStatement("return new $T[] {$L}", FunctionGenerator.TENSOR, all.build());
        return m.build();
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
