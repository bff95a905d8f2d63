package dev.nabla.processor;

import dev.nabla.annotations.Shape;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * What the validators share: the element and type utilities, the checks that apply to every
 * method the generated code calls, the parsing of {@code @Shape}, and the wording of messages.
 */
final class ValidationSupport {
    private final Elements elements;
    private final Types types;

    ValidationSupport(Elements elements, Types types) {
        this.elements = elements;
        this.types = types;
    }

    /**
     * Reports a forward, backward, jvp or device variant that the generated code cannot call;
     * {@code role} names it in the message.
     */
    void validateMethod(ValidationReport report, ExecutableElement method, String role) {
        List<String> problems = new ArrayList<>();
        for (Modifier m : List.of(Modifier.PRIVATE, Modifier.ABSTRACT, Modifier.STATIC)) {
            if (method.getModifiers().contains(m)) {
                problems.add(m.toString());
            }
        }
        if (!method.getTypeParameters().isEmpty()) {
            problems.add("generic");
        }
        for (TypeMirror thrown : checkedExceptions(method)) {
            problems.add("throwing checked " + thrown);
        }
        if (!problems.isEmpty()) {
            report.error(method, Message.METHOD_MODIFIERS, role, method.getSimpleName() + "()",
                    String.join(", ", problems));
        }
    }

    /** The checked exceptions {@code executable} declares: the generated code, which calls it, declares none. */
    List<TypeMirror> checkedExceptions(ExecutableElement executable) {
        if (executable.getThrownTypes().isEmpty()) {
            // Most methods throw nothing; a lookup by name outside the compiled code searches every module.
            return List.of();
        }
        TypeMirror runtime = elements.getTypeElement("java.lang.RuntimeException").asType();
        TypeMirror error = elements.getTypeElement("java.lang.Error").asType();
        List<TypeMirror> checked = new ArrayList<>();
        for (TypeMirror thrown : executable.getThrownTypes()) {
            if (!types.isAssignable(thrown, runtime) && !types.isAssignable(thrown, error)) {
                checked.add(thrown);
            }
        }
        return checked;
    }

    /** Reports {@code annotation} on {@code e}, whose type is not a tensor. */
    void notATensor(ValidationReport report, Element e, Class<? extends Annotation> annotation, String what,
            TypeMirror type) {
        AnnotationMirror mirror = mirror(e, annotation);
        if (mirror != null) {
            report.error(e, mirror, Message.NOT_A_TENSOR, annotation.getSimpleName(), what, type);
        }
    }

    /** The parsed {@code @Shape} of {@code e}, or null when it has none or a malformed one (reported). */
    ShapeSpec shape(ValidationReport report, Element e) {
        Shape shape = e.getAnnotation(Shape.class);
        if (shape == null) {
            return null;
        }
        try {
            return ShapeSpec.parse(shape.value());
        } catch (IllegalArgumentException bad) {
            report.error(e, mirror(e, Shape.class), Message.SHAPE_SYNTAX, shape.value(), bad.getMessage());
            return null;
        }
    }

    /** The record type {@code t} names, or null when it names none. */
    TypeElement asRecord(TypeMirror t) {
        if (t.getKind() != TypeKind.DECLARED) {
            return null;
        }
        TypeElement e = (TypeElement) ((DeclaredType) t).asElement();
        return e.getKind() == ElementKind.RECORD ? e : null;
    }

    /** A type as its source would usually write it: a declared type by its simple name. */
    static String simple(TypeMirror t) {
        return t.getKind() == TypeKind.DECLARED ? ((DeclaredType) t).asElement().getSimpleName().toString()
                : t.toString();
    }

    /** The mirror of {@code annotation} on {@code e}, or null. */
    static AnnotationMirror mirror(Element e, Class<? extends Annotation> annotation) {
        for (AnnotationMirror m : e.getAnnotationMirrors()) {
            if (((TypeElement) m.getAnnotationType().asElement()).getQualifiedName()
                    .contentEquals(annotation.getCanonicalName())) {
                return m;
            }
        }
        return null;
    }

    /** The backward's gradient parameters for these outputs, as source to paste. */
    static String gradientParams(List<String> diffOutputs) {
        StringJoiner params = new StringJoiner(", ");
        for (String o : diffOutputs) {
            params.add("Tensor grad" + Character.toUpperCase(o.charAt(0)) + o.substring(1));
        }
        return params.toString();
    }

    /** A record of one tensor per name, as source to paste. */
    static String recordTemplate(String name, List<String> components) {
        StringJoiner c = new StringJoiner(", ", "record " + name + "(", ") {}");
        for (String n : components) {
            c.add("Tensor " + n);
        }
        return c.toString();
    }

    static String plural(int n) {
        return n == 1 ? "" : "s";
    }

    static String article(String noun) {
        return ("aeiou".indexOf(Character.toLowerCase(noun.charAt(0))) >= 0 ? "an " : "a ") + noun;
    }
}
