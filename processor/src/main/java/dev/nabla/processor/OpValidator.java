package dev.nabla.processor;

import com.palantir.javapoet.ClassName;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Checks one op class against the DSL's rules and describes a valid op as an {@link OpModel}, as
 * Dagger does: one validator per element kind ({@link OpClassValidator}, {@link ForwardValidator},
 * {@link BackwardValidator}, {@link SavedFieldsValidator}, {@link JvpValidator},
 * {@link DeviceVariantValidator}), each returning a {@link ValidationReport} of errors on the most
 * specific element; this class combines the reports, hands them to the {@link ErrorReporter}, and
 * builds the model only when none holds an error. It never generates anything.
 */
final class OpValidator {
    static final String TENSOR = "dev.nabla.Tensor";
    static final String FUNCTION = "dev.nabla.autograd.Function";

    /** The outcome for one op class. */
    record Result(OpModel model, boolean deferred) {
        static final Result INVALID = new Result(null, false);
        static final Result DEFERRED = new Result(null, true);
    }

    private final Elements elements;
    private final ErrorReporter reporter;
    private final ValidationSupport support;
    private final OpClassValidator opClass;
    private final ForwardValidator forwardValidator;
    private final BackwardValidator backwardValidator;
    private final SavedFieldsValidator savedFields;
    private final JvpValidator jvpValidator;
    private final DeviceVariantValidator deviceVariants;
    /** {@link #generatedAnnotation()}, once found. */
    private Optional<ClassName> generatedAnnotation;

    OpValidator(ProcessingEnvironment env, ErrorReporter reporter, SavedAssignments savedAssignments,
            ForwardSource forwardSource) {
        this.elements = env.getElementUtils();
        Types types = env.getTypeUtils();
        this.reporter = reporter;
        this.support = new ValidationSupport(elements, types);
        this.opClass = new OpClassValidator(elements, types, support, savedAssignments);
        this.forwardValidator = new ForwardValidator(types, support, forwardSource);
        this.backwardValidator = new BackwardValidator(types, support);
        this.savedFields = new SavedFieldsValidator(types, savedAssignments);
        this.jvpValidator = new JvpValidator(types, support);
        this.deviceVariants = new DeviceVariantValidator(types, support);
    }

    /**
     * Validates {@code type}, an op class or a class holding any DSL annotation.
     *
     * @param finalRound whether types that do not resolve yet will never resolve
     * @return the model when the op is valid; deferred when it refers to types a later round may generate
     */
    Result validate(TypeElement type, boolean finalRound) {
        List<ExecutableElement> forwards = annotatedMethods(type, Differentiable.class);
        List<ExecutableElement> backwards = annotatedMethods(type, Backward.class);
        List<ExecutableElement> variants = annotatedMethods(type, OnCuda.class);
        List<ExecutableElement> jvps = annotatedMethods(type, Jvp.class);
        List<ValidationReport> reports = new ArrayList<>();
        if (forwards.isEmpty()) {
            reports.add(opClass.validateWithoutForward(type, backwards, jvps));
            reports.add(deviceVariants.validateTargets(type, variants, List.of(), List.of()));
            report(reports);
            return Result.INVALID;
        }
        TypeElement tensorElement = elements.getTypeElement(TENSOR);
        if (tensorElement == null) {
            reporter.error(type, Message.RUNTIME_MISSING, TENSOR, type.getSimpleName());
            return Result.INVALID;
        }
        TypeMirror tensor = tensorElement.asType();
        List<ExecutableElement> declared = new ArrayList<>(forwards);
        declared.addAll(backwards);
        declared.addAll(variants);
        declared.addAll(jvps);
        if (refersToUnresolvedTypes(type, declared)) {
            // A later round may generate the missing types. After the last one, javac reports each type
            // that never resolved where it is used; an op described with them would only add wrong
            // errors (javac takes an unresolved type as the same as any other, Tensor included).
            return finalRound ? Result.INVALID : Result.DEFERRED;
        }
        reports.add(opClass.validate(type, forwards, backwards, jvps));
        reports.add(deviceVariants.validateTargets(type, variants, forwards, backwards));
        ExecutableElement forward = forwards.get(0);
        ForwardValidator.Result f = forwardValidator.validate(forward, tensor);
        reports.add(f.report());
        DeviceVariantValidator.Result cudaForward = deviceVariants.validate(variants, forward, "forward");
        reports.add(cudaForward.report());
        String jvp = null;
        if (!jvps.isEmpty()) {
            jvp = jvps.get(0).getSimpleName().toString();
            reports.add(jvpValidator.validate(jvps.get(0), forward, tensor, f));
        }
        SavedFieldsValidator.Result saved = savedFields.validate(type, tensor);
        reports.add(saved.report());
        ClassName opType = ClassName.get(type);
        ClassName functionType = generatedName(opType, "Function");
        reports.add(opClass.validateName(type, functionType));

        if (backwards.isEmpty()) {
            reports.add(backwardValidator.validateMissing(type, f));
            report(reports);
            return Result.INVALID;
        }
        ExecutableElement backward = backwards.get(0);
        BackwardValidator.Result b = backwardValidator.validate(backward, tensor, f);
        reports.add(b.report());
        DeviceVariantValidator.Result cudaBackward = deviceVariants.validate(variants, backward, "backward");
        reports.add(cudaBackward.report());
        List<String> intermediates = List.of();
        if (!b.once()) {
            SavedFieldsValidator.Result found = savedFields.intermediates(type, forward, saved.fields());
            reports.add(found.report());
            intermediates = found.fields();
        }
        if (!report(reports)) {
            return Result.INVALID;
        }
        OpModel model = OpModel.builder(type, functionType)
                .methods(forward.getSimpleName().toString(), backward.getSimpleName().toString())
                .cuda(cudaForward.name(), cudaBackward.name())
                .jvp(jvp)
                .forward(f.params(), f.outputs(), f.outputRecord())
                .backward(b.args(), b.gradientRecord())
                .saved(saved.fields(), intermediates)
                .flags(forward.getAnnotation(Differentiable.class).materializeGrads(), b.once())
                .gradcheck(f.gradcheck())
                .generatedAnnotation(generatedAnnotation())
                .build();
        return new Result(model, false);
    }

    /**
     * Hands every report's errors and warnings to the reporter, in order.
     *
     * @return whether none held an error
     */
    private boolean report(List<ValidationReport> reports) {
        boolean clean = true;
        for (ValidationReport r : reports) {
            r.printTo(reporter);
            clean &= r.isClean();
        }
        return clean;
    }

    /**
     * Ends what the validators know of the packages' types: a new round may add types to them
     * (other processors' output among them).
     */
    void startRound() {
        opClass.startRound();
    }

    /**
     * {@code javax.annotation.processing.Generated}, or null where the compilation lacks it (the
     * {@code java.compiler} module left out); looked up once, as a lookup by name of a type outside the
     * compiled code searches every module.
     */
    private ClassName generatedAnnotation() {
        if (generatedAnnotation == null) {
            TypeElement generated = elements.getTypeElement("javax.annotation.processing.Generated");
            generatedAnnotation = Optional.ofNullable(generated == null ? null : ClassName.get(generated));
        }
        return generatedAnnotation.orElse(null);
    }

    /** {@code Op} -> {@code OpFunction}; a nested {@code Outer.Op} -> {@code Outer_OpFunction}, in the same package. */
    static ClassName generatedName(ClassName op, String suffix) {
        return ClassName.get(op.packageName(), String.join("_", op.simpleNames()) + suffix);
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Whether a type of the op's forward, backward, their device variants, their records or its
     * {@code @Saved} fields does not resolve.
     */
    private boolean refersToUnresolvedTypes(TypeElement type, List<ExecutableElement> methods) {
        List<TypeMirror> used = new ArrayList<>();
        for (ExecutableElement m : methods) {
            used.add(m.getReturnType());
            TypeElement record = support.asRecord(m.getReturnType());
            if (record != null) {
                for (RecordComponentElement c : record.getRecordComponents()) {
                    used.add(c.asType());
                }
            }
            for (VariableElement p : m.getParameters()) {
                used.add(p.asType());
            }
        }
        for (VariableElement f : ElementFilter.fieldsIn(type.getEnclosedElements())) {
            if (f.getAnnotation(Saved.class) != null) {
                used.add(f.asType());
            }
        }
        for (TypeMirror t : used) {
            while (t.getKind() == TypeKind.ARRAY) {
                t = ((javax.lang.model.type.ArrayType) t).getComponentType();
            }
            if (t.getKind() == TypeKind.ERROR) {
                return true;
            }
        }
        return false;
    }

    /**
     * The methods of {@code type} carrying {@code annotation}; a device variant carrying the forward's
     * or the backward's annotation too is not counted as one (that misplacement is reported by
     * {@link PlacementValidator}).
     */
    private static List<ExecutableElement> annotatedMethods(TypeElement type, Class<? extends Annotation> annotation) {
        List<ExecutableElement> found = new ArrayList<>();
        for (ExecutableElement m : ElementFilter.methodsIn(type.getEnclosedElements())) {
            if (m.getAnnotation(annotation) != null
                    && (annotation == OnCuda.class || m.getAnnotation(OnCuda.class) == null)) {
                found.add(m);
            }
        }
        return found;
    }

    /** The DSL annotations whose placement {@link PlacementValidator} checks; kept here beside their rules. */
    static final Set<Class<? extends Annotation>> ANNOTATIONS = Set.of(Differentiable.class, Backward.class, Saved.class,
            NonDiff.class, OnceDifferentiable.class, Dirty.class, NeedsGrad.class, Gradcheck.class, Shape.class,
            OnCuda.class, Jvp.class);

    /** {@link #ANNOTATIONS} by canonical name. */
    private static final Map<String, Class<? extends Annotation>> BY_NAME = ANNOTATIONS.stream()
            .collect(Collectors.toUnmodifiableMap(Class::getCanonicalName, a -> a));

    /** The DSL annotation of this canonical name, or null for any other. */
    static Class<? extends Annotation> annotationNamed(String canonicalName) {
        return BY_NAME.get(canonicalName);
    }
}
