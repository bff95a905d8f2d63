package dev.nabla.processor;

import static dev.nabla.processor.ValidationSupport.mirror;
import static dev.nabla.processor.ValidationSupport.plural;
import static dev.nabla.processor.ValidationSupport.simple;

import dev.nabla.annotations.OnCuda;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Types;

/**
 * Validates an op's device variants ({@code @OnCuda} methods): each names the forward or the
 * backward, is one of a kind, and has exactly the signature of the portable method it stands in for.
 */
final class DeviceVariantValidator {
    private final Types types;
    private final ValidationSupport support;

    DeviceVariantValidator(Types types, ValidationSupport support) {
        this.types = types;
        this.support = support;
    }

    /**
     * The CUDA version of one portable method, if any.
     *
     * @param name the variant's name, or null when the portable method has none
     */
    record Result(String name, ValidationReport report) {}

    /** Reports every variant that names neither the (first) forward nor the (first) backward. */
    ValidationReport validateTargets(TypeElement type, List<ExecutableElement> variants,
            List<ExecutableElement> forwards, List<ExecutableElement> backwards) {
        ValidationReport report = new ValidationReport();
        checkVariantTargets(report, type, variants, forwards, backwards);
        return report;
    }

    /** Finds and validates the CUDA version of {@code portable}, the op's {@code role} ("forward", "backward"). */
    Result validate(List<ExecutableElement> variants, ExecutableElement portable, String role) {
        ValidationReport report = new ValidationReport();
        String name = cudaVariant(report, variants, portable, role);
        return new Result(name, report);
    }

    /** Reports every {@code @OnCuda} method that names neither the (first) forward nor the (first) backward. */
    private void checkVariantTargets(ValidationReport report, TypeElement type, List<ExecutableElement> variants,
            List<ExecutableElement> forwards, List<ExecutableElement> backwards) {
        List<String> portable = new ArrayList<>();
        if (!forwards.isEmpty()) {
            portable.add(forwards.get(0).getSimpleName().toString());
        }
        if (!backwards.isEmpty()) {
            portable.add(backwards.get(0).getSimpleName().toString());
        }
        for (ExecutableElement v : variants) {
            String target = v.getAnnotation(OnCuda.class).value();
            if (!portable.contains(target)) {
                report.error(v, mirror(v, OnCuda.class), Message.DEVICE_VARIANT_TARGET, target,
                        v.getSimpleName() + "()", type.getSimpleName(),
                        portable.isEmpty() ? "(none: the op has neither)" : String.join(", ", portable));
            }
        }
    }

    /**
     * The name of the {@code @OnCuda} version of {@code portable}, or null when there is none;
     * reports a variant whose signature differs from the portable method's, and a second variant.
     */
    private String cudaVariant(ValidationReport report, List<ExecutableElement> variants, ExecutableElement portable,
            String role) {
        ExecutableElement first = null;
        String where = role + " " + portable.getSimpleName() + "()";
        for (ExecutableElement v : variants) {
            if (!v.getAnnotation(OnCuda.class).value().contentEquals(portable.getSimpleName())) {
                continue;
            }
            if (first != null) {
                report.error(v, Message.DEVICE_VARIANT_DUPLICATE, v.getSimpleName() + "()", where,
                        first.getSimpleName() + "()");
                continue;
            }
            first = v;
            support.validateMethod(report, v, "CUDA " + role);
            String difference = signatureDifference(v, portable);
            if (difference != null) {
                report.error(v, Message.DEVICE_VARIANT_SIGNATURE, v.getSimpleName() + "()", where, difference,
                        signature(portable, v.getSimpleName().toString()));
            }
        }
        return first == null ? null : first.getSimpleName().toString();
    }

    /** How {@code variant}'s parameters or return type differ from {@code portable}'s, or null when they do not. */
    private String signatureDifference(ExecutableElement variant, ExecutableElement portable) {
        List<? extends VariableElement> vs = variant.getParameters();
        List<? extends VariableElement> ps = portable.getParameters();
        if (vs.size() != ps.size()) {
            return "it takes " + vs.size() + " parameter" + plural(vs.size()) + ", the portable one " + ps.size();
        }
        for (int i = 0; i < vs.size(); i++) {
            VariableElement v = vs.get(i);
            VariableElement p = ps.get(i);
            if (!types.isSameType(v.asType(), p.asType())) {
                return "parameter " + (i + 1) + " '" + v.getSimpleName() + "' is " + simple(v.asType()) + ", not "
                        + simple(p.asType());
            }
            if (!v.getSimpleName().equals(p.getSimpleName())) {
                return "parameter " + (i + 1) + " is named '" + v.getSimpleName() + "', not '" + p.getSimpleName() + "'";
            }
        }
        if (!types.isSameType(variant.getReturnType(), portable.getReturnType())) {
            return "it returns " + simple(variant.getReturnType()) + ", not " + simple(portable.getReturnType());
        }
        return null;
    }

    /** {@code portable}'s signature under the name {@code name}, as source to paste. */
    private static String signature(ExecutableElement portable, String name) {
        StringJoiner params = new StringJoiner(", ", simple(portable.getReturnType()) + " " + name + "(", ")");
        for (VariableElement p : portable.getParameters()) {
            params.add(simple(p.asType()) + " " + p.getSimpleName());
        }
        return params.toString();
    }
}
