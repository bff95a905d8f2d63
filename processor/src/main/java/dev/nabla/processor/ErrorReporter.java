package dev.nabla.processor;

import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.ElementFilter;
import javax.tools.Diagnostic;

/**
 * The processor's one way to report diagnostics (as AutoValue's {@code ErrorReporter}): the
 * element first, then a {@link Message} and its arguments. It counts errors, so that a phase can
 * stop before generating code for an op that has any.
 */
final class ErrorReporter {
    private final Messager messager;
    private int errors;

    ErrorReporter(Messager messager) {
        this.messager = messager;
    }

    /** Reports an error on {@code element}. */
    void error(Element element, Message message, Object... args) {
        errors++;
        messager.printMessage(Diagnostic.Kind.ERROR, message.format(args), locatable(element));
    }

    /** Reports an error on one annotation of {@code element}, which points javac at the annotation itself. */
    void error(Element element, AnnotationMirror annotation, Message message, Object... args) {
        errors++;
        messager.printMessage(Diagnostic.Kind.ERROR, message.format(args), locatable(element), annotation);
    }

    /** Reports a warning on {@code element}. */
    void warning(Element element, Message message, Object... args) {
        messager.printMessage(Diagnostic.Kind.WARNING, message.format(args), locatable(element));
    }

    /**
     * The element javac can point at for {@code element}: javac (17) has no source position for a
     * record component itself, but has one for the component's field, declared by the same text.
     */
    private static Element locatable(Element element) {
        if (element.getKind() == ElementKind.RECORD_COMPONENT) {
            for (VariableElement field : ElementFilter.fieldsIn(element.getEnclosingElement().getEnclosedElements())) {
                if (field.getSimpleName().equals(element.getSimpleName())) {
                    return field;
                }
            }
        }
        return element;
    }

    /** The number of errors reported so far; compare before and after validating an op. */
    int errorCount() {
        return errors;
    }
}
