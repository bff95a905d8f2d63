package dev.nabla.processor;

import static dev.nabla.processor.ValidationSupport.article;
import static dev.nabla.processor.ValidationSupport.plural;
import static dev.nabla.processor.ValidationSupport.simple;

import com.palantir.javapoet.TypeName;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Types;

/**
 * Validates an op's {@code @Jvp} method against its forward: one tangent per differentiable
 * input, named and typed like it, and the forward's result type.
 */
final class JvpValidator {
    private final Types types;
    private final ValidationSupport support;

    JvpValidator(Types types, ValidationSupport support) {
        this.types = types;
        this.support = support;
    }

    /** Validates {@code jvp} against {@code forward}, whose validation gave {@code forwardResult}. */
    ValidationReport validate(ExecutableElement jvp, ExecutableElement forward, TypeMirror tensor,
            ForwardValidator.Result forwardResult) {
        ValidationReport report = new ValidationReport();
        support.validateMethod(report, jvp, "jvp");
        validateJvp(report, jvp, forward, tensor, forwardResult.params(), forwardResult.outputRecord());
        return report;
    }

    /**
     * Checks that {@code jvp} takes one {@code Tensor} per differentiable input of the forward, named
     * like it and in its order, and returns the forward's result type. One pass over each list: the
     * processor's time matters more than finding a second mistake in a parameter that has one.
     *
     * @param outputRecord the forward's record result, or null when it returns a {@code Tensor} (or
     *     something invalid, already reported)
     */
    private void validateJvp(ValidationReport report, ExecutableElement jvp, ExecutableElement forward, TypeMirror tensor,
            List<OpModel.Param> params, TypeName outputRecord) {
        List<String> diffInputs = new ArrayList<>();
        for (OpModel.Param p : params) {
            if (p.isDifferentiable()) {
                diffInputs.add(p.name());
            }
        }
        TypeMirror result = forward.getReturnType();
        String resultName = simple(result);
        String template = jvpTemplate(resultName, jvp.getSimpleName().toString(), diffInputs);
        List<? extends VariableElement> tangents = jvp.getParameters();
        if (tangents.size() != diffInputs.size()) {
            report.error(jvp, Message.JVP_ARITY, tangents.size(), plural(tangents.size()), diffInputs.size(),
                    plural(diffInputs.size()), diffInputs.isEmpty() ? "" : " (" + String.join(", ", diffInputs) + ")",
                    template);
        } else {
            for (int i = 0; i < tangents.size(); i++) {
                VariableElement p = tangents.get(i);
                String input = diffInputs.get(i);
                String problem = !types.isSameType(p.asType(), tensor) ? "is " + simple(p.asType()) + ", not a Tensor"
                        : !p.getSimpleName().contentEquals(input) ? "is not named like the forward's differentiable"
                                + " input " + (i + 1) + ", '" + input + "'"
                        : null;
                if (problem != null) {
                    report.error(p, Message.JVP_PARAMETER, i + 1, p.getSimpleName(), problem, input, template);
                }
            }
        }
        boolean forwardValid = types.isSameType(result, tensor) || outputRecord != null;
        if (forwardValid && !types.isSameType(jvp.getReturnType(), result)) {
            report.error(jvp, Message.JVP_RETURN, simple(jvp.getReturnType()), resultName,
                    outputRecord == null ? "the output's tangent as a Tensor (null when it is zero)"
                            : article(resultName) + " holding each output's tangent (null for one that is zero)");
        }
    }

    /** The jvp a forward returning {@code result} needs, as source to paste. */
    private static String jvpTemplate(String result, String name, List<String> diffInputs) {
        StringJoiner params = new StringJoiner(", ", "@Jvp " + result + " " + name + "(", ")");
        for (String input : diffInputs) {
            params.add("Tensor " + input);
        }
        return params.toString();
    }
}
