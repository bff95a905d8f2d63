package dev.nabla.processor;

import static dev.nabla.processor.ValidationSupport.mirror;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import dev.nabla.annotations.Dirty;
import dev.nabla.annotations.Gradcheck;
import dev.nabla.annotations.NonDiff;
import dev.nabla.annotations.Shape;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Types;

/**
 * Validates an op's {@code @Differentiable} forward: its parameters and their annotations, its
 * result (a tensor or a record of tensors), and its {@code @Gradcheck} settings; describes what
 * the generated code and check need of it.
 */
final class ForwardValidator {
    private final Types types;
    private final ValidationSupport support;
    private final ForwardSource forwardSource;

    ForwardValidator(Types types, ValidationSupport support, ForwardSource forwardSource) {
        this.types = types;
        this.support = support;
        this.forwardSource = forwardSource;
    }

    /**
     * What the forward says about the op.
     *
     * @param outputRecord the record type of the result, or null for a single tensor (or an invalid result)
     * @param diffInputs the names of the differentiable tensor parameters
     * @param diffOutputs the names of the differentiable outputs
     */
    record Result(List<OpModel.Param> params, List<OpModel.Output> outputs, TypeName outputRecord,
            List<String> diffInputs, List<String> diffOutputs, OpModel.GradcheckSettings gradcheck,
            ValidationReport report) {}

    /** Validates {@code forward}, the op's first {@code @Differentiable} method. */
    Result validate(ExecutableElement forward, TypeMirror tensor) {
        ValidationReport report = new ValidationReport();
        support.validateMethod(report, forward, "forward");
        List<OpModel.Param> params = forwardParams(report, forward, tensor);
        List<OpModel.Output> outputs = new ArrayList<>();
        TypeName outputRecord = forwardOutputs(report, forward, tensor, outputs);
        List<String> diffInputs = new ArrayList<>();
        for (OpModel.Param p : params) {
            if (p.isDifferentiable()) {
                diffInputs.add(p.name());
            }
        }
        List<String> diffOutputs = new ArrayList<>();
        for (OpModel.Output o : outputs) {
            if (!o.nonDiff()) {
                diffOutputs.add(o.name());
            }
        }
        OpModel.GradcheckSettings gradcheck = gradcheckSettings(report, forward, params, diffInputs, diffOutputs);
        return new Result(params, outputs, outputRecord, diffInputs, diffOutputs, gradcheck, report);
    }

    private List<OpModel.Param> forwardParams(ValidationReport report, ExecutableElement forward, TypeMirror tensor) {
        List<OpModel.Param> params = new ArrayList<>();
        int tensorIndex = 0;
        Set<String> comparedWithNull = forwardSource.parametersComparedWithNull(forward);
        List<? extends VariableElement> declared = forward.getParameters();
        for (VariableElement p : declared) {
            TypeMirror t = p.asType();
            String name = p.getSimpleName().toString();
            boolean isTensor = types.isSameType(t, tensor);
            if (!isTensor) {
                support.notATensor(report, p, NonDiff.class, "parameter '" + name + "'", t);
                support.notATensor(report, p, Dirty.class, "parameter '" + name + "'", t);
                support.notATensor(report, p, Shape.class, "parameter '" + name + "'", t);
            }
            if (declared.size() == 1 && t.getKind() == TypeKind.ARRAY
                    && types.isSameType(((javax.lang.model.type.ArrayType) t).getComponentType(), tensor)) {
                report.error(p, Message.FORWARD_PARAMETER, name, "Tensor[]",
                        "the generated static apply(Tensor[]) would clash with Function.apply(Tensor...); take the"
                                + " tensors as separate Tensor parameters");
            }
            ShapeSpec shape = isTensor ? support.shape(report, p) : null;
            boolean nullable = isTensor && (hasNullableAnnotation(p) || comparedWithNull.contains(name));
            params.add(new OpModel.Param(name, TypeName.get(t), isTensor ? tensorIndex++ : -1,
                    isTensor && p.getAnnotation(NonDiff.class) != null, isTensor && p.getAnnotation(Dirty.class) != null,
                    shape, nullable, isTensor ? List.of() : gradcheckValues(t)));
        }
        return params;
    }

    /** Fills {@code outputs} and returns the record type of the result, or null for a single tensor. */
    private TypeName forwardOutputs(ValidationReport report, ExecutableElement forward, TypeMirror tensor,
            List<OpModel.Output> outputs) {
        TypeMirror result = forward.getReturnType();
        if (types.isSameType(result, tensor)) {
            outputs.add(new OpModel.Output("output", forward.getAnnotation(NonDiff.class) != null,
                    support.shape(report, forward)));
            return null;
        }
        TypeElement record = support.asRecord(result);
        if (record == null || record.getRecordComponents().isEmpty()
                || record.getModifiers().contains(Modifier.PRIVATE)) {
            String what = record == null ? result.toString()
                    : record.getRecordComponents().isEmpty() ? "record " + record.getSimpleName() + " with no components"
                    : "private record " + record.getSimpleName();
            report.error(forward, Message.FORWARD_RETURN, what);
            return null;
        }
        misplacedOnRecordForward(report, forward, NonDiff.class, record);
        misplacedOnRecordForward(report, forward, Shape.class, record);
        for (RecordComponentElement c : record.getRecordComponents()) {
            String name = c.getSimpleName().toString();
            if (!types.isSameType(c.asType(), tensor)) {
                report.error(c, Message.FORWARD_RETURN_COMPONENT, name, record.getSimpleName(), c.asType(), name);
                continue;
            }
            outputs.add(new OpModel.Output(name, c.getAnnotation(NonDiff.class) != null, support.shape(report, c)));
        }
        return TypeName.get(result);
    }

    private void misplacedOnRecordForward(ValidationReport report, ExecutableElement forward,
            Class<? extends Annotation> annotation, TypeElement record) {
        AnnotationMirror mirror = mirror(forward, annotation);
        if (mirror != null) {
            report.error(forward, mirror, Message.MISPLACED, annotation.getSimpleName(),
                    "forward " + forward.getSimpleName() + "(), which returns record " + record.getSimpleName(),
                    "put it on the record's components instead");
        }
    }

    private OpModel.GradcheckSettings gradcheckSettings(ValidationReport report, ExecutableElement forward,
            List<OpModel.Param> params, List<String> diffInputs, List<String> diffOutputs) {
        Gradcheck g = forward.getAnnotation(Gradcheck.class);
        if (g == null) {
            return OpModel.GradcheckSettings.DEFAULTS.disabledFor(automaticDisable(params, diffInputs, diffOutputs));
        }
        AnnotationMirror mirror = mirror(forward, Gradcheck.class);
        String where = forward.getSimpleName() + "()";
        if (!(g.eps() > 0) || Double.isInfinite(g.eps())) {
            report.error(forward, mirror, Message.GRADCHECK_SETTINGS, where, "eps", g.eps(),
                    "the finite-difference step must be a positive number, e.g. 1e-6");
        }
        if (!(g.atol() >= 0)) {
            report.error(forward, mirror, Message.GRADCHECK_SETTINGS, where, "atol", g.atol(),
                    "a tolerance must not be negative, e.g. 1e-5");
        }
        if (!(g.rtol() >= 0)) {
            report.error(forward, mirror, Message.GRADCHECK_SETTINGS, where, "rtol", g.rtol(),
                    "a tolerance must not be negative, e.g. 1e-3");
        }
        String reason = null;
        if (!g.enabled()) {
            if (g.reason().isBlank()) {
                report.error(forward, mirror, Message.GRADCHECK_REASON, where);
            }
            reason = g.reason();
        }
        if (reason == null) {
            reason = automaticDisable(params, diffInputs, diffOutputs);
        }
        return new OpModel.GradcheckSettings(g.eps(), g.atol(), g.rtol(), g.fast(), reason);
    }

    /** Why a generated check cannot run without the user's help, or null. */
    private static String automaticDisable(List<OpModel.Param> params, List<String> diffInputs,
            List<String> diffOutputs) {
        for (OpModel.Param p : params) {
            if (!p.isTensor() && p.gradcheckValues().isEmpty()) {
                return "parameter '" + p.name() + "' of type " + p.type() + " has no default value for the generated"
                        + " check; copy the generated check and choose one";
            }
            for (int d = 0; p.shape() != null && d < p.shape().dims().size(); d++) {
                if (!p.shape().isSymbol(d) && p.shape().size(d) > Integer.MAX_VALUE) {
                    return "parameter '" + p.name() + "' has the fixed size " + p.shape().size(d) + " in @Shape(\""
                            + p.shape().text() + "\"), more elements than the generated check can create; copy the"
                            + " generated check and build smaller inputs";
                }
            }
        }
        if (diffInputs.isEmpty()) {
            return "the op has no differentiable tensor input";
        }
        if (diffOutputs.isEmpty()) {
            return "the op has no differentiable output";
        }
        return null;
    }

    /**
     * Whether {@code p} carries an annotation named {@code Nullable}, from whichever library
     * (JSpecify, JSR 305, Jakarta, AndroidX, the Checker Framework), on the declaration or its type,
     * as Dagger recognizes them.
     */
    private static boolean hasNullableAnnotation(VariableElement p) {
        List<AnnotationMirror> all = new ArrayList<>(p.getAnnotationMirrors());
        all.addAll(p.asType().getAnnotationMirrors());
        for (AnnotationMirror m : all) {
            if (m.getAnnotationType().asElement().getSimpleName().contentEquals("Nullable")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The literals the generated check passes for a non-tensor parameter, first the one every pass
     * uses, then the others, one pass each: a sign change for numbers, both booleans, every enum
     * constant; empty when there is no sensible value.
     */
    private List<CodeBlock> gradcheckValues(TypeMirror t) {
        TypeMirror primitive = t;
        if (t.getKind() == TypeKind.DECLARED) {
            try {
                primitive = types.unboxedType(t);
            } catch (IllegalArgumentException notBoxed) {
                primitive = t;
            }
        }
        switch (primitive.getKind()) {
            case INT:
                return List.of(CodeBlock.of("0"), CodeBlock.of("1"));
            case LONG:
                return List.of(CodeBlock.of("0L"), CodeBlock.of("1L"));
            case SHORT:
                return List.of(CodeBlock.of("(short) 0"), CodeBlock.of("(short) 1"));
            case BYTE:
                return List.of(CodeBlock.of("(byte) 0"), CodeBlock.of("(byte) 1"));
            case DOUBLE:
                return List.of(CodeBlock.of("0.5"), CodeBlock.of("-1.5"));
            case FLOAT:
                return List.of(CodeBlock.of("0.5f"), CodeBlock.of("-1.5f"));
            case BOOLEAN:
                return List.of(CodeBlock.of("false"), CodeBlock.of("true"));
            case CHAR:
                return List.of(CodeBlock.of("'a'"), CodeBlock.of("'z'"));
            default:
                break;
        }
        if (t.getKind() == TypeKind.DECLARED) {
            TypeElement e = (TypeElement) ((DeclaredType) t).asElement();
            if (e.getQualifiedName().contentEquals("java.lang.String")) {
                return List.of(CodeBlock.of("$S", ""), CodeBlock.of("$S", "a"));
            }
            if (e.getKind() == ElementKind.ENUM) {
                List<CodeBlock> constants = new ArrayList<>();
                for (Element c : e.getEnclosedElements()) {
                    if (c.getKind() == ElementKind.ENUM_CONSTANT) {
                        constants.add(CodeBlock.of("$T.$L", ClassName.get(e), c.getSimpleName()));
                    }
                }
                return constants;
            }
        }
        return List.of();
    }
}
