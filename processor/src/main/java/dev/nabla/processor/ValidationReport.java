package dev.nabla.processor;

import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;

/**
 * What one validator found (as Dagger's {@code ValidationReport}): errors and warnings, each
 * attached to the most specific element (and annotation) it concerns, in the order found. The
 * validators only collect; {@link OpValidator} combines their reports and hands them to the
 * {@link ErrorReporter}, and generates nothing for an op whose reports hold an error.
 */
final class ValidationReport {
    /**
     * One located diagnostic.
     *
     * @param annotation the annotation on {@code element} javac should point at, or null
     */
    private record Item(boolean error, Element element, AnnotationMirror annotation, Message message, Object[] args) {}

    private final List<Item> items = new ArrayList<>();
    private boolean clean = true;

    /** Records an error on {@code element}. */
    void error(Element element, Message message, Object... args) {
        items.add(new Item(true, element, null, message, args));
        clean = false;
    }

    /** Records an error on one annotation of {@code element}. */
    void error(Element element, AnnotationMirror annotation, Message message, Object... args) {
        items.add(new Item(true, element, annotation, message, args));
        clean = false;
    }

    /** Records a warning on {@code element}. */
    void warning(Element element, Message message, Object... args) {
        items.add(new Item(false, element, null, message, args));
    }

    /** Whether no error was recorded (warnings allowed). */
    boolean isClean() {
        return clean;
    }

    /** Reports every item, in order, through {@code reporter}. */
    void printTo(ErrorReporter reporter) {
        for (Item i : items) {
            if (!i.error()) {
                reporter.warning(i.element(), i.message(), i.args());
            } else if (i.annotation() == null) {
                reporter.error(i.element(), i.message(), i.args());
            } else {
                reporter.error(i.element(), i.annotation(), i.message(), i.args());
            }
        }
    }
}
