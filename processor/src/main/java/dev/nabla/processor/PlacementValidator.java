package dev.nabla.processor;

import dev.nabla.annotations.Backward;
import dev.nabla.annotations.Differentiable;
import dev.nabla.annotations.Dirty;
import dev.nabla.annotations.Gradcheck;
import dev.nabla.annotations.Jvp;
import dev.nabla.annotations.NeedsGrad;
import dev.nabla.annotations.NonDiff;
import dev.nabla.annotations.OnCuda;
import dev.nabla.annotations.OnceDifferentiable;
import dev.nabla.annotations.Saved;
import dev.nabla.annotations.Shape;
import java.lang.annotation.Annotation;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Checks that each DSL annotation sits where it means something: {@code @Saved} in an op class,
 * {@code @Dirty} on a forward parameter, {@code @NeedsGrad} on a backward parameter,
 * {@code @OnceDifferentiable} on a backward, {@code @Gradcheck} on a forward, and
 * {@code @NonDiff} and {@code @Shape} on the forward, its parameters, or tensor record components,
 * {@code @OnCuda} on a method of its own, beside the forward or backward it replaces, and {@code @Jvp}
 * on a method of its own.
 * {@link OpValidator} checks everything else, inside each op.
 */
final class PlacementValidator {
    private final Elements elements;
    private final Types types;
    private final ErrorReporter reporter;

    PlacementValidator(ProcessingEnvironment env, ErrorReporter reporter) {
        this.elements = env.getElementUtils();
        this.types = env.getTypeUtils();
        this.reporter = reporter;
    }

    /** Checks one element carrying {@code annotation}, whose use on it is {@code mirror}. */
    void check(Element e, Class<? extends Annotation> annotation, AnnotationMirror mirror) {
        String name = annotation.getSimpleName();
        if (annotation == Saved.class) {
            TypeElement owner = (TypeElement) e.getEnclosingElement();
            if (!hasMethod(owner, Differentiable.class)) {
                reporter.error(e, mirror, Message.MISPLACED, name, "field '" + e.getSimpleName() + "' of "
                        + owner.getSimpleName() + ", which has no @Differentiable method",
                        "@Saved keeps state of an op from its forward to its backward; declare them in "
                                + owner.getSimpleName() + ", or remove @Saved");
            }
        } else if (annotation == OnceDifferentiable.class) {
            if (e.getAnnotation(Backward.class) == null) {
                reporter.error(e, mirror, Message.ONCE_DIFFERENTIABLE_PLACEMENT, describe(e));
            }
        } else if (annotation == Gradcheck.class) {
            requireOn(e, mirror, name, Differentiable.class, "put it on the op's @Differentiable forward method");
        } else if (annotation == Dirty.class) {
            requireParameterOf(e, mirror, name, Differentiable.class, "put it on a parameter of the forward");
        } else if (annotation == NeedsGrad.class) {
            requireParameterOf(e, mirror, name, Backward.class, "put it on a boolean parameter of the backward");
        } else if (annotation == OnCuda.class) {
            if (e.getAnnotation(Differentiable.class) != null || e.getAnnotation(Backward.class) != null) {
                reporter.error(e, mirror, Message.MISPLACED, name, describe(e), "declare the CUDA version as a"
                        + " method of its own, with the same parameters and return type, beside the portable one");
            }
        } else if (annotation == Jvp.class) {
            if (e.getAnnotation(Differentiable.class) != null || e.getAnnotation(Backward.class) != null
                    || e.getAnnotation(OnCuda.class) != null) {
                reporter.error(e, mirror, Message.MISPLACED, name, describe(e), "declare the jvp as a method of its"
                        + " own, beside the forward and the backward");
            }
        } else if (annotation == NonDiff.class || annotation == Shape.class) {
            checkOutputOrInputAnnotation(e, mirror, name);
        }
    }

    private void checkOutputOrInputAnnotation(Element e, AnnotationMirror mirror, String name) {
        String remedy = "put it on the forward, one of its tensor parameters, or a Tensor component of the record it"
                + " returns";
        switch (e.getKind()) {
            case RECORD_COMPONENT:
                TypeElement tensor = elements.getTypeElement(OpValidator.TENSOR);
                if (tensor != null && !types.isSameType(e.asType(), tensor.asType())) {
                    reporter.error(e, mirror, Message.NOT_A_TENSOR, name,
                            "record component '" + e.getSimpleName() + "'", e.asType());
                }
                break;
            case METHOD:
                // A record component's annotation is copied onto its accessor, which is fine.
                if (e.getEnclosingElement().getKind() != ElementKind.RECORD) {
                    requireOn(e, mirror, name, Differentiable.class, remedy);
                }
                break;
            case PARAMETER:
                Element method = e.getEnclosingElement();
                // ... and onto the canonical constructor's parameter.
                if (!(method.getKind() == ElementKind.CONSTRUCTOR
                        && method.getEnclosingElement().getKind() == ElementKind.RECORD)) {
                    requireParameterOf(e, mirror, name, Differentiable.class, remedy);
                }
                break;
            default:
                break;
        }
    }

    private void requireOn(Element e, AnnotationMirror mirror, String name, Class<? extends Annotation> required,
            String remedy) {
        if (e.getAnnotation(required) == null) {
            reporter.error(e, mirror, Message.MISPLACED, name, describe(e), onVariant(e, remedy));
        }
    }

    private void requireParameterOf(Element e, AnnotationMirror mirror, String name,
            Class<? extends Annotation> required, String remedy) {
        Element method = e.getEnclosingElement();
        if (method.getAnnotation(required) == null) {
            reporter.error(e, mirror, Message.MISPLACED, name,
                    "parameter '" + e.getSimpleName() + "' of " + describe(method), onVariant(method, remedy));
        }
    }

    /** The remedy for an annotation on {@code method}: on an {@code @OnCuda} version, to leave it to the portable method. */
    private static String onVariant(Element method, String remedy) {
        return method.getAnnotation(OnCuda.class) == null ? remedy
                : "a CUDA version takes its parameters' and result's annotations from the portable method it"
                        + " replaces, so remove it here";
    }

    private static String describe(Element e) {
        if (e instanceof ExecutableElement m) {
            String kind = m.getAnnotation(Differentiable.class) != null ? "forward "
                    : m.getAnnotation(Backward.class) != null ? "backward "
                    : m.getAnnotation(OnCuda.class) != null ? "CUDA version "
                    : m.getAnnotation(Jvp.class) != null ? "jvp " : "method ";
            return kind + m.getEnclosingElement().getSimpleName() + "." + m.getSimpleName() + "()";
        }
        return e.getKind().toString().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " '" + e.getSimpleName()
                + "'";
    }

    private static boolean hasMethod(TypeElement type, Class<? extends Annotation> annotation) {
        for (ExecutableElement m : ElementFilter.methodsIn(type.getEnclosedElements())) {
            if (m.getAnnotation(annotation) != null) {
                return true;
            }
        }
        return false;
    }
}
