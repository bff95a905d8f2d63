package dev.nabla.processor;

import dev.nabla.annotations.Saved;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Types;

/**
 * Validates an op's {@code @Saved} fields: fields the generated code can write, holding tensors;
 * and warns about a saved intermediate, whose double backward is wrong.
 */
final class SavedFieldsValidator {
    private final Types types;
    private final SavedAssignments savedAssignments;

    SavedFieldsValidator(Types types, SavedAssignments savedAssignments) {
        this.types = types;
        this.savedAssignments = savedAssignments;
    }

    /**
     * Fields found.
     *
     * @param fields the names of the fields, in declaration order
     */
    record Result(List<String> fields, ValidationReport report) {}

    /** The {@code @Saved} tensor fields of {@code type}; reports those the generated code cannot write. */
    Result validate(TypeElement type, TypeMirror tensor) {
        ValidationReport report = new ValidationReport();
        List<String> saved = savedFields(report, type, tensor);
        return new Result(saved, report);
    }

    /**
     * The saved fields that {@code forward} assigns an intermediate (neither a parameter nor the
     * returned value), each with a warning on the field.
     */
    Result intermediates(TypeElement type, ExecutableElement forward, List<String> saved) {
        ValidationReport report = new ValidationReport();
        List<String> intermediates = new ArrayList<>();
        Map<String, String> found = savedAssignments.intermediates(forward, new LinkedHashSet<>(saved));
        for (Map.Entry<String, String> e : found.entrySet()) {
            report.warning(field(type, e.getKey()), Message.SAVED_INTERMEDIATE, e.getKey(), e.getValue());
            intermediates.add(e.getKey());
        }
        return new Result(intermediates, report);
    }

    private List<String> savedFields(ValidationReport report, TypeElement type, TypeMirror tensor) {
        List<String> saved = new ArrayList<>();
        for (VariableElement f : ElementFilter.fieldsIn(type.getEnclosedElements())) {
            if (f.getAnnotation(Saved.class) == null) {
                continue;
            }
            List<String> problems = new ArrayList<>();
            for (Modifier m : List.of(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)) {
                if (f.getModifiers().contains(m)) {
                    problems.add(m.toString());
                }
            }
            if (!problems.isEmpty()) {
                report.error(f, Message.SAVED_FIELD, f.getSimpleName(), String.join(" and ", problems));
            } else if (types.isSameType(f.asType(), tensor)) {
                saved.add(f.getSimpleName().toString());
            }
        }
        return saved;
    }

    private static VariableElement field(TypeElement type, String name) {
        for (VariableElement f : ElementFilter.fieldsIn(type.getEnclosedElements())) {
            if (f.getSimpleName().contentEquals(name)) {
                return f;
            }
        }
        throw new IllegalStateException("no field " + name + " in " + type);
    }
}
