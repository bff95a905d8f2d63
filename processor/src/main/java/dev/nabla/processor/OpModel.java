package dev.nabla.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import dev.nabla.annotations.Gradcheck;
import java.util.List;
import javax.lang.model.element.TypeElement;

/**
 * An immutable description of one valid op, built by {@link OpValidator} and read by the
 * generators; nothing here refers to anything the generators would have to check again.
 *
 * @param element the op class, the originating element of every generated file
 * @param opType the op class
 * @param opName the op's simple name, used in messages (e.g. {@code LinearOp})
 * @param functionType the generated {@code Function} subclass
 * @param forwardName the forward method's name
 * @param backwardName the backward method's name
 * @param cudaForwardName the forward's {@code @OnCuda} version, or null
 * @param cudaBackwardName the backward's {@code @OnCuda} version, or null
 * @param jvpName the {@code @Jvp} method's name, or null when the op has none
 * @param params the forward's parameters, in order
 * @param outputs the outputs: one for a {@code Tensor} result, else one per record component
 * @param outputRecord the forward's record result, or null when it returns a {@code Tensor}
 * @param gradientRecord the backward's record result, or null when it returns a {@code Tensor}
 * @param backwardArgs the backward's parameters, in order
 * @param saved the {@code @Saved} tensor fields
 * @param materializeGrads {@code @Differentiable(materializeGrads)}
 * @param onceDifferentiable whether the backward is {@code @OnceDifferentiable}
 * @param gradcheck the settings of the generated check
 * @param savedIntermediates names of {@code @Saved} tensor fields assigned an intermediate
 * @param generatedAnnotation {@code javax.annotation.processing.Generated}, or null where unavailable
 */
record OpModel(
        TypeElement element,
        ClassName opType,
        String opName,
        ClassName functionType,
        String forwardName,
        String backwardName,
        String cudaForwardName,
        String cudaBackwardName,
        String jvpName,
        List<Param> params,
        List<Output> outputs,
        TypeName outputRecord,
        TypeName gradientRecord,
        List<BackwardArg> backwardArgs,
        List<String> saved,
        boolean materializeGrads,
        boolean onceDifferentiable,
        GradcheckSettings gradcheck,
        List<String> savedIntermediates,
        ClassName generatedAnnotation) {

    OpModel {
        params = List.copyOf(params);
        outputs = List.copyOf(outputs);
        backwardArgs = List.copyOf(backwardArgs);
        saved = List.copyOf(saved);
        savedIntermediates = List.copyOf(savedIntermediates);
    }

    /**
     * A builder for the op class {@code element}, with its names and generated types already set;
     * the other parts start empty, false or null, and each setter names the part it sets.
     */
    static Builder builder(TypeElement element, ClassName functionType) {
        return new Builder(element, functionType);
    }

    /** Collects an op's parts as the validator finds them; {@link #build} makes the immutable model. */
    static final class Builder {
        private final TypeElement element;
        private final ClassName functionType;
        private String forwardName;
        private String backwardName;
        private String cudaForwardName;
        private String cudaBackwardName;
        private String jvpName;
        private List<Param> params = List.of();
        private List<Output> outputs = List.of();
        private TypeName outputRecord;
        private TypeName gradientRecord;
        private List<BackwardArg> backwardArgs = List.of();
        private List<String> saved = List.of();
        private boolean materializeGrads;
        private boolean onceDifferentiable;
        private GradcheckSettings gradcheck = GradcheckSettings.DEFAULTS;
        private List<String> savedIntermediates = List.of();
        private ClassName generatedAnnotation;

        private Builder(TypeElement element, ClassName functionType) {
            this.element = element;
            this.functionType = functionType;
        }

        /** Sets the forward's and the backward's method names. */
        Builder methods(String forwardName, String backwardName) {
            this.forwardName = forwardName;
            this.backwardName = backwardName;
            return this;
        }

        /** Sets the names of the forward's and the backward's {@code @OnCuda} versions, each null where there is none. */
        Builder cuda(String cudaForwardName, String cudaBackwardName) {
            this.cudaForwardName = cudaForwardName;
            this.cudaBackwardName = cudaBackwardName;
            return this;
        }

        /** Sets the name of the {@code @Jvp} method, null where there is none. */
        Builder jvp(String jvpName) {
            this.jvpName = jvpName;
            return this;
        }

        /** Sets the forward's parameters and its outputs, with the record it returns (null for a {@code Tensor}). */
        Builder forward(List<Param> params, List<Output> outputs, TypeName outputRecord) {
            this.params = params;
            this.outputs = outputs;
            this.outputRecord = outputRecord;
            return this;
        }

        /** Sets the backward's parameters and the record it returns (null for a {@code Tensor}). */
        Builder backward(List<BackwardArg> backwardArgs, TypeName gradientRecord) {
            this.backwardArgs = backwardArgs;
            this.gradientRecord = gradientRecord;
            return this;
        }

        /** Sets the {@code @Saved} tensor fields and those of them assigned an intermediate. */
        Builder saved(List<String> saved, List<String> savedIntermediates) {
            this.saved = saved;
            this.savedIntermediates = savedIntermediates;
            return this;
        }

        /** Sets {@code @Differentiable(materializeGrads)} and whether the backward is {@code @OnceDifferentiable}. */
        Builder flags(boolean materializeGrads, boolean onceDifferentiable) {
            this.materializeGrads = materializeGrads;
            this.onceDifferentiable = onceDifferentiable;
            return this;
        }

        /** Sets the generated check's settings. */
        Builder gradcheck(GradcheckSettings gradcheck) {
            this.gradcheck = gradcheck;
            return this;
        }

        /** Sets the {@code @Generated} annotation to put on generated types, or null where there is none. */
        Builder generatedAnnotation(ClassName generatedAnnotation) {
            this.generatedAnnotation = generatedAnnotation;
            return this;
        }

        /** The model. */
        OpModel build() {
            return new OpModel(element, ClassName.get(element), element.getSimpleName().toString(), functionType,
                    forwardName, backwardName, cudaForwardName, cudaBackwardName, jvpName, params,
                    outputs, outputRecord, gradientRecord, backwardArgs, saved, materializeGrads, onceDifferentiable,
                    gradcheck, savedIntermediates, generatedAnnotation);
        }
    }

    /**
     * A parameter of the forward.
     *
     * @param name its name
     * @param type its type
     * @param tensorIndex its index among the tensor parameters (the inputs of the autograd
     *     function), or -1 for a non-tensor value
     * @param nonDiff {@code @NonDiff}
     * @param dirty {@code @Dirty}
     * @param shape its {@code @Shape}, or null
     * @param nullable for a tensor, whether the op accepts null for it: the parameter is annotated
     *     {@code @Nullable} (any annotation of that name) or the forward compares it with null
     * @param gradcheckValues the values the generated check passes for a non-tensor, the first in
     *     every pass and each other one in a pass of its own; empty when none can be chosen (the
     *     check is then disabled, saying so) and for a tensor
     */
    record Param(String name, TypeName type, int tensorIndex, boolean nonDiff, boolean dirty, ShapeSpec shape,
            boolean nullable, List<CodeBlock> gradcheckValues) {
        Param {
            gradcheckValues = List.copyOf(gradcheckValues);
        }

        boolean isTensor() {
            return tensorIndex >= 0;
        }

        boolean isDifferentiable() {
            return isTensor() && !nonDiff;
        }
    }

    /**
     * An output of the forward.
     *
     * @param name the record component's name, or {@code output} for a single tensor
     * @param nonDiff {@code @NonDiff}
     * @param shape its {@code @Shape}, or null
     */
    record Output(String name, boolean nonDiff, ShapeSpec shape) {}

    /**
     * A parameter of the backward: the gradient of an output, or whether an input needs a gradient.
     *
     * @param outputIndex the output whose gradient this is, or -1
     * @param needsGradOf the tensor index of the input named by {@code @NeedsGrad}, or -1
     */
    record BackwardArg(int outputIndex, int needsGradOf) {}

    /**
     * The generated check's settings, from {@code @Gradcheck} or its defaults.
     *
     * @param disabledReason the reason the check is off, or null when it runs
     */
    record GradcheckSettings(double eps, double atol, double rtol, boolean fast, String disabledReason) {
        /**
         * The settings of an op without {@code @Gradcheck}: the annotation's own defaults, read
         * from it so that they are written in one place (which the generated check states only
         * where an op differs from them, since they are also {@code Gradcheck.Options.defaults()}).
         */
        static final GradcheckSettings DEFAULTS = new GradcheckSettings((double) defaultOf("eps"),
                (double) defaultOf("atol"), (double) defaultOf("rtol"), (boolean) defaultOf("fast"), null);

        /** These settings with {@code reason} as the reason the check is off; null for a check that runs. */
        GradcheckSettings disabledFor(String reason) {
            return new GradcheckSettings(eps, atol, rtol, fast, reason);
        }

        private static Object defaultOf(String element) {
            try {
                return Gradcheck.class.getMethod(element).getDefaultValue();
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("@Gradcheck has no element " + element, e);
            }
        }
    }

    /** Whether the op has a CUDA version of its forward or its backward. */
    boolean hasCudaVariant() {
        return cudaForwardName != null || cudaBackwardName != null;
    }

    /** The tensor parameters, which are the inputs of the autograd function, in order. */
    List<Param> tensorParams() {
        return params.stream().filter(Param::isTensor).toList();
    }

    /** The tensor parameters that get a gradient, in order: the components of the gradient record. */
    List<Param> differentiableParams() {
        return params.stream().filter(Param::isDifferentiable).toList();
    }
}
