package dev.nabla.processor;

import static dev.nabla.processor.ValidationSupport.gradientParams;
import static dev.nabla.processor.ValidationSupport.mirror;
import static dev.nabla.processor.ValidationSupport.plural;
import static dev.nabla.processor.ValidationSupport.recordTemplate;

import com.palantir.javapoet.TypeName;
import dev.nabla.annotations.NeedsGrad;
import dev.nabla.annotations.OnceDifferentiable;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Types;

/**
 * Validates an op's {@code @Backward} method against its forward: one gradient parameter per
 * differentiable output, {@code @NeedsGrad} flags naming differentiable inputs, and a result with
 * one gradient per differentiable input.
 */
final class BackwardValidator {
    private final Types types;
    private final ValidationSupport support;

    BackwardValidator(Types types, ValidationSupport support) {
        this.types = types;
        this.support = support;
    }

    /**
     * What the backward says about the op.
     *
     * @param gradientRecord the record type of the result, or null for a single tensor (or an invalid result)
     * @param once whether it is {@code @OnceDifferentiable}
     */
    record Result(List<OpModel.BackwardArg> args, TypeName gradientRecord, boolean once, ValidationReport report) {}

    /** Validates {@code backward}, the op's first {@code @Backward} method, against what the forward's gave. */
    Result validate(ExecutableElement backward, TypeMirror tensor, ForwardValidator.Result forward) {
        ValidationReport report = new ValidationReport();
        support.validateMethod(report, backward, "backward");
        List<OpModel.BackwardArg> args = backwardArgs(report, backward, tensor, forward.params(), forward.outputs(),
                forward.diffInputs(), forward.diffOutputs());
        TypeName gradientRecord = backwardResult(report, backward, tensor, forward.diffInputs());
        return new Result(args, gradientRecord, backward.getAnnotation(OnceDifferentiable.class) != null, report);
    }

    /** Reports an op class whose forward has outputs but which has no backward, with the backward to add. */
    ValidationReport validateMissing(TypeElement type, ForwardValidator.Result forward) {
        ValidationReport report = new ValidationReport();
        if (!forward.outputs().isEmpty()) {
            report.error(type, Message.MISSING_BACKWARD, type.getSimpleName(), type.getSimpleName(),
                    backwardTemplate(forward.diffInputs(), forward.diffOutputs()));
        }
        return report;
    }

    private List<OpModel.BackwardArg> backwardArgs(ValidationReport report, ExecutableElement backward,
            TypeMirror tensor, List<OpModel.Param> params, List<OpModel.Output> outputs, List<String> diffInputs,
            List<String> diffOutputs) {
        List<OpModel.BackwardArg> args = new ArrayList<>();
        List<Integer> diffOutputIndex = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            if (!outputs.get(i).nonDiff()) {
                diffOutputIndex.add(i);
            }
        }
        int gradients = 0;
        for (VariableElement p : backward.getParameters()) {
            String name = p.getSimpleName().toString();
            NeedsGrad needs = p.getAnnotation(NeedsGrad.class);
            if (needs != null) {
                AnnotationMirror mirror = mirror(p, NeedsGrad.class);
                if (p.asType().getKind() != TypeKind.BOOLEAN) {
                    report.error(p, mirror, Message.NEEDS_GRAD_TYPE, name, p.asType());
                }
                int input = -1;
                for (OpModel.Param fp : params) {
                    if (fp.isDifferentiable() && fp.name().equals(needs.value())) {
                        input = fp.tensorIndex();
                    }
                }
                if (input < 0) {
                    report.error(p, mirror, Message.NEEDS_GRAD_NAME, needs.value(),
                            diffInputs.isEmpty() ? "(the forward has none)" : String.join(", ", diffInputs));
                }
                args.add(new OpModel.BackwardArg(-1, input));
                continue;
            }
            if (!types.isSameType(p.asType(), tensor)) {
                report.error(p, Message.GRADIENT_TYPE, name, p.asType(), name);
            }
            args.add(new OpModel.BackwardArg(gradients < diffOutputIndex.size() ? diffOutputIndex.get(gradients) : -1,
                    -1));
            gradients++;
        }
        if (gradients != diffOutputs.size()) {
            String outputsNamed = diffOutputs.size() > 1 || !diffOutputs.equals(List.of("output"))
                    ? " (" + String.join(", ", diffOutputs) + ")" : "";
            report.error(backward, Message.BACKWARD_ARITY, gradients, plural(gradients), diffOutputs.size(),
                    plural(diffOutputs.size()), outputsNamed, diffOutputs.size(), plural(diffOutputs.size()),
                    diffOutputs.isEmpty() ? "" : ": " + backward.getSimpleName() + "(" + gradientParams(diffOutputs) + ")");
        }
        return args;
    }

    /** Validates the backward's result and returns its record type, or null for a single tensor. */
    private TypeName backwardResult(ValidationReport report, ExecutableElement backward, TypeMirror tensor,
            List<String> diffInputs) {
        TypeMirror result = backward.getReturnType();
        if (types.isSameType(result, tensor)) {
            if (diffInputs.size() != 1) {
                report.error(backward, Message.BACKWARD_RETURNS_TENSOR, diffInputs.size(),
                        diffInputs.isEmpty() ? "" : " (" + String.join(", ", diffInputs) + ")",
                        recordTemplate("Grads", diffInputs));
            }
            return null;
        }
        TypeElement record = support.asRecord(result);
        if (record == null) {
            report.error(backward, Message.BACKWARD_RETURN_TYPE, result,
                    diffInputs.size() == 1 ? "the gradient of '" + diffInputs.get(0) + "' as a Tensor"
                            : "a record of the input gradients, " + recordTemplate("Grads", diffInputs));
            return null;
        }
        String name = record.getSimpleName().toString();
        String template = recordTemplate(name, diffInputs);
        List<? extends RecordComponentElement> components = record.getRecordComponents();
        List<String> names = new ArrayList<>();
        boolean namesMatch = true;
        for (RecordComponentElement c : components) {
            String n = c.getSimpleName().toString();
            names.add(n);
            if (!types.isSameType(c.asType(), tensor)) {
                report.error(c, Message.GRADIENT_RECORD_TYPE, n, name, c.asType(), n);
            }
            if (!diffInputs.contains(n)) {
                namesMatch = false;
                report.error(c, Message.GRADIENT_RECORD_EXTRA, n, name, String.join(", ", diffInputs), template);
            }
        }
        for (String input : diffInputs) {
            if (!names.contains(input)) {
                namesMatch = false;
                report.error(record, Message.GRADIENT_RECORD_MISSING, name, input, template);
            }
        }
        if (namesMatch) {
            for (int i = 0; i < names.size(); i++) {
                if (!names.get(i).equals(diffInputs.get(i))) {
                    report.error(components.get(i), Message.GRADIENT_RECORD_ORDER, names.get(i), name,
                            String.join(", ", diffInputs), template);
                    break;
                }
            }
        }
        if (record.getModifiers().contains(Modifier.PRIVATE)) {
            report.error(backward, Message.BACKWARD_RETURN_TYPE, "private record " + name,
                    "a record the generated code can read: remove private from " + name);
        }
        return TypeName.get(result);
    }

    /** The backward a class with this forward needs, as source to paste. */
    private static String backwardTemplate(List<String> diffInputs, List<String> diffOutputs) {
        String result = diffInputs.size() == 1 ? "Tensor" : "Grads";
        StringBuilder sb = new StringBuilder();
        sb.append("    @Backward\n    ").append(result).append(" backward(").append(gradientParams(diffOutputs))
                .append(") {\n        ...\n    }");
        if (diffInputs.size() != 1) {
            sb.append("\n\n    ").append(recordTemplate("Grads", diffInputs));
        }
        return sb.toString();
    }
}
