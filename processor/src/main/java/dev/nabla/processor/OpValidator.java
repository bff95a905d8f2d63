package dev.nabla.processor;

import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.CodeBlock;
import com.squareup.javapoet.TypeName;
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
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Checks one op class against the DSL's rules, reporting every violation on the most specific
 * element, and describes a valid op as an {@link OpModel}. It never generates anything.
 */
final class OpValidator {
    static final String TENSOR = "dev.nabla.Tensor";
    static final String FUNCTION = "dev.nabla.autograd.Function";
    private static final String PROCESSOR = NablaProcessor.class.getName();

    /** The outcome for one op class. */
    record Result(OpModel model, boolean deferred) {
        static final Result INVALID = new Result(null, false);
        static final Result DEFERRED = new Result(null, true);
    }

    private final Elements elements;
    private final Types types;
    private final ErrorReporter reporter;
    private final SavedAssignments savedAssignments;
    /** This round's types of each package that holds an op, by simple name, for {@link #checkCollision}. */
    private final Map<PackageElement, Map<String, TypeElement>> packageTypes = new HashMap<>();
    private final ForwardSource forwardSource;

    OpValidator(ProcessingEnvironment env, ErrorReporter reporter, SavedAssignments savedAssignments,
            ForwardSource forwardSource) {
        this.elements = env.getElementUtils();
        this.types = env.getTypeUtils();
        this.reporter = reporter;
        this.savedAssignments = savedAssignments;
        this.forwardSource = forwardSource;
    }

    /**
     * Validates {@code type}, an op class or a class holding any DSL annotation.
     *
     * @param finalRound whether types that do not resolve yet will never resolve
     * @return the model when the op is valid; deferred when it refers to types a later round may generate
     */
    Result validate(TypeElement type, boolean finalRound) {
        int errorsBefore = reporter.errorCount();
        List<ExecutableElement> forwards = annotatedMethods(type, Differentiable.class);
        List<ExecutableElement> backwards = annotatedMethods(type, Backward.class);
        List<ExecutableElement> variants = annotatedMethods(type, OnCuda.class);
        List<ExecutableElement> jvps = annotatedMethods(type, Jvp.class);
        if (forwards.isEmpty()) {
            for (ExecutableElement b : backwards) {
                reporter.error(b, Message.MISSING_FORWARD, "Backward", b.getSimpleName() + "()", type.getSimpleName(),
                        type.getSimpleName(), "Backward");
            }
            for (ExecutableElement j : jvps) {
                reporter.error(j, Message.MISSING_FORWARD, "Jvp", j.getSimpleName() + "()", type.getSimpleName(),
                        type.getSimpleName(), "Jvp");
            }
            checkVariantTargets(type, variants, List.of(), List.of());
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
        for (int i = 1; i < forwards.size(); i++) {
            reporter.error(forwards.get(i), Message.DUPLICATE_FORWARD, type.getSimpleName(),
                    forwards.get(i).getSimpleName() + "()", forwards.get(0).getSimpleName() + "()");
        }
        for (int i = 1; i < backwards.size(); i++) {
            reporter.error(backwards.get(i), Message.DUPLICATE_BACKWARD, type.getSimpleName(),
                    backwards.get(i).getSimpleName() + "()", backwards.get(0).getSimpleName() + "()");
        }
        for (int i = 1; i < jvps.size(); i++) {
            reporter.error(jvps.get(i), Message.DUPLICATE_JVP, type.getSimpleName(),
                    jvps.get(i).getSimpleName() + "()", jvps.get(0).getSimpleName() + "()");
        }
        validateClass(type);
        checkVariantTargets(type, variants, forwards, backwards);
        ExecutableElement forward = forwards.get(0);
        validateMethod(forward, "forward");
        String cudaForward = cudaVariant(variants, forward, "forward");
        List<OpModel.Param> params = forwardParams(forward, tensor);
        List<OpModel.Output> outputs = new ArrayList<>();
        TypeName outputRecord = forwardOutputs(forward, tensor, outputs);
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
        String jvp = null;
        if (!jvps.isEmpty()) {
            jvp = jvps.get(0).getSimpleName().toString();
            validateMethod(jvps.get(0), "jvp");
            validateJvp(jvps.get(0), forward, tensor, params, outputRecord);
        }
        List<String> saved = savedFields(type, tensor);
        OpModel.GradcheckSettings gradcheck = gradcheckSettings(forward, params, diffInputs, diffOutputs);
        ClassName opType = ClassName.get(type);
        ClassName functionType = generatedName(opType, "Function");
        ClassName gradcheckType = functionType.nestedClass("Gradcheck");
        checkCollision(type, functionType, FUNCTION);

        if (backwards.isEmpty()) {
            if (outputs != null && !outputs.isEmpty()) {
                reporter.error(type, Message.MISSING_BACKWARD, type.getSimpleName(), type.getSimpleName(),
                        backwardTemplate(diffInputs, diffOutputs));
            }
            return Result.INVALID;
        }
        ExecutableElement backward = backwards.get(0);
        validateMethod(backward, "backward");
        String cudaBackward = cudaVariant(variants, backward, "backward");
        List<OpModel.BackwardArg> backwardArgs = backwardArgs(backward, tensor, params, outputs, diffInputs, diffOutputs);
        TypeName gradientRecord = backwardResult(backward, tensor, diffInputs);
        boolean once = backward.getAnnotation(OnceDifferentiable.class) != null;

        List<String> intermediates = new ArrayList<>();
        if (!once) {
            Map<String, String> found = savedAssignments.intermediates(forward, new LinkedHashSet<>(saved));
            for (Map.Entry<String, String> e : found.entrySet()) {
                reporter.warning(field(type, e.getKey()), Message.SAVED_INTERMEDIATE, e.getKey(), e.getValue());
                intermediates.add(e.getKey());
            }
        }
        if (reporter.errorCount() != errorsBefore) {
            return Result.INVALID;
        }
        TypeElement generated = elements.getTypeElement("javax.annotation.processing.Generated");
        OpModel model = OpModel.builder(type, functionType, gradcheckType)
                .methods(forward.getSimpleName().toString(), backward.getSimpleName().toString())
                .cuda(cudaForward, cudaBackward)
                .jvp(jvp)
                .forward(params, outputs, outputRecord)
                .backward(backwardArgs, gradientRecord)
                .saved(saved, intermediates)
                .flags(forward.getAnnotation(Differentiable.class).materializeGrads(), once)
                .gradcheck(gradcheck)
                .generatedAnnotation(generated == null ? null : ClassName.get(generated))
                .build();
        return new Result(model, false);
    }

    // ------------------------------------------------------------------ the class and its methods

    private void validateClass(TypeElement type) {
        List<String> problems = new ArrayList<>();
        if (type.getKind() != ElementKind.CLASS) {
            problems.add(article(type.getKind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')));
        }
        if (type.getModifiers().contains(Modifier.PRIVATE)) {
            problems.add("private");
        }
        if (type.getModifiers().contains(Modifier.ABSTRACT) && type.getKind() == ElementKind.CLASS) {
            problems.add("abstract");
        }
        if (!type.getTypeParameters().isEmpty()) {
            problems.add("generic");
        }
        NestingKind nesting = type.getNestingKind();
        if (nesting == NestingKind.LOCAL || nesting == NestingKind.ANONYMOUS) {
            problems.add("a " + nesting.name().toLowerCase(java.util.Locale.ROOT) + " class");
        } else if (nesting == NestingKind.MEMBER && !type.getModifiers().contains(Modifier.STATIC)
                && type.getKind() == ElementKind.CLASS) {
            problems.add("a non-static inner class");
        }
        for (Element outer = type.getEnclosingElement(); outer instanceof TypeElement t; outer = t.getEnclosingElement()) {
            if (t.getModifiers().contains(Modifier.PRIVATE)) {
                problems.add("nested in private class " + t.getSimpleName());
            }
        }
        ExecutableElement constructor = null;
        for (ExecutableElement c : ElementFilter.constructorsIn(type.getEnclosedElements())) {
            if (c.getParameters().isEmpty() && !c.getModifiers().contains(Modifier.PRIVATE)) {
                constructor = c;
            }
        }
        if (constructor == null) {
            problems.add("without a non-private no-argument constructor");
        }
        if (!problems.isEmpty()) {
            reporter.error(type, Message.OP_CLASS, type.getSimpleName(), String.join(", ", problems));
        }
        if (constructor != null) {
            for (TypeMirror thrown : checkedExceptions(constructor)) {
                reporter.error(constructor, Message.OP_CLASS, type.getSimpleName(),
                        "created by a no-argument constructor that throws checked " + thrown);
            }
        }
    }

    private void validateMethod(ExecutableElement method, String role) {
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
            reporter.error(method, Message.METHOD_MODIFIERS, role, method.getSimpleName() + "()",
                    String.join(", ", problems));
        }
    }

    /** The checked exceptions {@code executable} declares: the generated code, which calls it, declares none. */
    private List<TypeMirror> checkedExceptions(ExecutableElement executable) {
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

    // ------------------------------------------------------------------ device variants

    /** Reports every {@code @OnCuda} method that names neither the (first) forward nor the (first) backward. */
    private void checkVariantTargets(TypeElement type, List<ExecutableElement> variants,
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
                reporter.error(v, mirror(v, OnCuda.class), Message.DEVICE_VARIANT_TARGET, target,
                        v.getSimpleName() + "()", type.getSimpleName(),
                        portable.isEmpty() ? "(none: the op has neither)" : String.join(", ", portable));
            }
        }
    }

    /**
     * The name of the {@code @OnCuda} version of {@code portable}, or null when there is none;
     * reports a variant whose signature differs from the portable method's, and a second variant.
     */
    private String cudaVariant(List<ExecutableElement> variants, ExecutableElement portable, String role) {
        ExecutableElement first = null;
        String where = role + " " + portable.getSimpleName() + "()";
        for (ExecutableElement v : variants) {
            if (!v.getAnnotation(OnCuda.class).value().contentEquals(portable.getSimpleName())) {
                continue;
            }
            if (first != null) {
                reporter.error(v, Message.DEVICE_VARIANT_DUPLICATE, v.getSimpleName() + "()", where,
                        first.getSimpleName() + "()");
                continue;
            }
            first = v;
            validateMethod(v, "CUDA " + role);
            String difference = signatureDifference(v, portable);
            if (difference != null) {
                reporter.error(v, Message.DEVICE_VARIANT_SIGNATURE, v.getSimpleName() + "()", where, difference,
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

    /** A type as its source would usually write it: a declared type by its simple name. */
    private static String simple(TypeMirror t) {
        return t.getKind() == TypeKind.DECLARED ? ((DeclaredType) t).asElement().getSimpleName().toString()
                : t.toString();
    }

    // ------------------------------------------------------------------ the forward

    private List<OpModel.Param> forwardParams(ExecutableElement forward, TypeMirror tensor) {
        List<OpModel.Param> params = new ArrayList<>();
        int tensorIndex = 0;
        Set<String> comparedWithNull = forwardSource.parametersComparedWithNull(forward);
        List<? extends VariableElement> declared = forward.getParameters();
        for (VariableElement p : declared) {
            TypeMirror t = p.asType();
            String name = p.getSimpleName().toString();
            boolean isTensor = types.isSameType(t, tensor);
            if (!isTensor) {
                notATensor(p, NonDiff.class, "parameter '" + name + "'", t);
                notATensor(p, Dirty.class, "parameter '" + name + "'", t);
                notATensor(p, Shape.class, "parameter '" + name + "'", t);
            }
            if (declared.size() == 1 && t.getKind() == TypeKind.ARRAY
                    && types.isSameType(((javax.lang.model.type.ArrayType) t).getComponentType(), tensor)) {
                reporter.error(p, Message.FORWARD_PARAMETER, name, "Tensor[]",
                        "the generated static apply(Tensor[]) would clash with Function.apply(Tensor...); take the"
                                + " tensors as separate Tensor parameters");
            }
            ShapeSpec shape = isTensor ? shape(p) : null;
            boolean nullable = isTensor && (hasNullableAnnotation(p) || comparedWithNull.contains(name));
            params.add(new OpModel.Param(name, TypeName.get(t), isTensor ? tensorIndex++ : -1,
                    isTensor && p.getAnnotation(NonDiff.class) != null, isTensor && p.getAnnotation(Dirty.class) != null,
                    shape, nullable, isTensor ? List.of() : gradcheckValues(t)));
        }
        return params;
    }

    /** Fills {@code outputs} and returns the record type of the result, or null for a single tensor. */
    private TypeName forwardOutputs(ExecutableElement forward, TypeMirror tensor, List<OpModel.Output> outputs) {
        TypeMirror result = forward.getReturnType();
        if (types.isSameType(result, tensor)) {
            outputs.add(new OpModel.Output("output", forward.getAnnotation(NonDiff.class) != null, shape(forward)));
            return null;
        }
        TypeElement record = asRecord(result);
        if (record == null || record.getRecordComponents().isEmpty()
                || record.getModifiers().contains(Modifier.PRIVATE)) {
            String what = record == null ? result.toString()
                    : record.getRecordComponents().isEmpty() ? "record " + record.getSimpleName() + " with no components"
                    : "private record " + record.getSimpleName();
            reporter.error(forward, Message.FORWARD_RETURN, what);
            return null;
        }
        misplacedOnRecordForward(forward, NonDiff.class, record);
        misplacedOnRecordForward(forward, Shape.class, record);
        for (RecordComponentElement c : record.getRecordComponents()) {
            String name = c.getSimpleName().toString();
            if (!types.isSameType(c.asType(), tensor)) {
                reporter.error(c, Message.FORWARD_RETURN_COMPONENT, name, record.getSimpleName(), c.asType(), name);
                continue;
            }
            outputs.add(new OpModel.Output(name, c.getAnnotation(NonDiff.class) != null, shape(c)));
        }
        return TypeName.get(result);
    }

    private void misplacedOnRecordForward(ExecutableElement forward, Class<? extends Annotation> annotation,
            TypeElement record) {
        AnnotationMirror mirror = mirror(forward, annotation);
        if (mirror != null) {
            reporter.error(forward, mirror, Message.MISPLACED, annotation.getSimpleName(),
                    "forward " + forward.getSimpleName() + "(), which returns record " + record.getSimpleName(),
                    "put it on the record's components instead");
        }
    }

    // ------------------------------------------------------------------ the backward

    private List<OpModel.BackwardArg> backwardArgs(ExecutableElement backward, TypeMirror tensor,
            List<OpModel.Param> params, List<OpModel.Output> outputs, List<String> diffInputs, List<String> diffOutputs) {
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
                    reporter.error(p, mirror, Message.NEEDS_GRAD_TYPE, name, p.asType());
                }
                int input = -1;
                for (OpModel.Param fp : params) {
                    if (fp.isDifferentiable() && fp.name().equals(needs.value())) {
                        input = fp.tensorIndex();
                    }
                }
                if (input < 0) {
                    reporter.error(p, mirror, Message.NEEDS_GRAD_NAME, needs.value(),
                            diffInputs.isEmpty() ? "(the forward has none)" : String.join(", ", diffInputs));
                }
                args.add(new OpModel.BackwardArg(-1, input));
                continue;
            }
            if (!types.isSameType(p.asType(), tensor)) {
                reporter.error(p, Message.GRADIENT_TYPE, name, p.asType(), name);
            }
            args.add(new OpModel.BackwardArg(gradients < diffOutputIndex.size() ? diffOutputIndex.get(gradients) : -1,
                    -1));
            gradients++;
        }
        if (gradients != diffOutputs.size()) {
            String outputsNamed = diffOutputs.size() > 1 || !diffOutputs.equals(List.of("output"))
                    ? " (" + String.join(", ", diffOutputs) + ")" : "";
            reporter.error(backward, Message.BACKWARD_ARITY, gradients, plural(gradients), diffOutputs.size(),
                    plural(diffOutputs.size()), outputsNamed, diffOutputs.size(), plural(diffOutputs.size()),
                    diffOutputs.isEmpty() ? "" : ": " + backward.getSimpleName() + "(" + gradientParams(diffOutputs) + ")");
        }
        return args;
    }

    /** Validates the backward's result and returns its record type, or null for a single tensor. */
    private TypeName backwardResult(ExecutableElement backward, TypeMirror tensor, List<String> diffInputs) {
        TypeMirror result = backward.getReturnType();
        if (types.isSameType(result, tensor)) {
            if (diffInputs.size() != 1) {
                reporter.error(backward, Message.BACKWARD_RETURNS_TENSOR, diffInputs.size(),
                        diffInputs.isEmpty() ? "" : " (" + String.join(", ", diffInputs) + ")",
                        recordTemplate("Grads", diffInputs));
            }
            return null;
        }
        TypeElement record = asRecord(result);
        if (record == null) {
            reporter.error(backward, Message.BACKWARD_RETURN_TYPE, result,
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
                reporter.error(c, Message.GRADIENT_RECORD_TYPE, n, name, c.asType(), n);
            }
            if (!diffInputs.contains(n)) {
                namesMatch = false;
                reporter.error(c, Message.GRADIENT_RECORD_EXTRA, n, name, String.join(", ", diffInputs), template);
            }
        }
        for (String input : diffInputs) {
            if (!names.contains(input)) {
                namesMatch = false;
                reporter.error(record, Message.GRADIENT_RECORD_MISSING, name, input, template);
            }
        }
        if (namesMatch) {
            for (int i = 0; i < names.size(); i++) {
                if (!names.get(i).equals(diffInputs.get(i))) {
                    reporter.error(components.get(i), Message.GRADIENT_RECORD_ORDER, names.get(i), name,
                            String.join(", ", diffInputs), template);
                    break;
                }
            }
        }
        if (record.getModifiers().contains(Modifier.PRIVATE)) {
            reporter.error(backward, Message.BACKWARD_RETURN_TYPE, "private record " + name,
                    "a record the generated code can read: remove private from " + name);
        }
        return TypeName.get(result);
    }

    // ------------------------------------------------------------------ the jvp

    /**
     * Checks that {@code jvp} takes one {@code Tensor} per differentiable input of the forward, named
     * like it and in its order, and returns the forward's result type. One pass over each list: the
     * processor's time matters more than finding a second mistake in a parameter that has one.
     *
     * @param outputRecord the forward's record result, or null when it returns a {@code Tensor} (or
     *     something invalid, already reported)
     */
    private void validateJvp(ExecutableElement jvp, ExecutableElement forward, TypeMirror tensor,
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
            reporter.error(jvp, Message.JVP_ARITY, tangents.size(), plural(tangents.size()), diffInputs.size(),
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
                    reporter.error(p, Message.JVP_PARAMETER, i + 1, p.getSimpleName(), problem, input, template);
                }
            }
        }
        boolean forwardValid = types.isSameType(result, tensor) || outputRecord != null;
        if (forwardValid && !types.isSameType(jvp.getReturnType(), result)) {
            reporter.error(jvp, Message.JVP_RETURN, simple(jvp.getReturnType()), resultName,
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

    // ------------------------------------------------------------------ fields, settings, names

    private List<String> savedFields(TypeElement type, TypeMirror tensor) {
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
                reporter.error(f, Message.SAVED_FIELD, f.getSimpleName(), String.join(" and ", problems));
            } else if (types.isSameType(f.asType(), tensor)) {
                saved.add(f.getSimpleName().toString());
            }
        }
        return saved;
    }

    private OpModel.GradcheckSettings gradcheckSettings(ExecutableElement forward, List<OpModel.Param> params,
            List<String> diffInputs, List<String> diffOutputs) {
        Gradcheck g = forward.getAnnotation(Gradcheck.class);
        if (g == null) {
            return OpModel.GradcheckSettings.DEFAULTS.disabledFor(automaticDisable(params, diffInputs, diffOutputs));
        }
        AnnotationMirror mirror = mirror(forward, Gradcheck.class);
        String where = forward.getSimpleName() + "()";
        if (!(g.eps() > 0) || Double.isInfinite(g.eps())) {
            reporter.error(forward, mirror, Message.GRADCHECK_SETTINGS, where, "eps", g.eps(),
                    "the finite-difference step must be a positive number, e.g. 1e-6");
        }
        if (!(g.atol() >= 0)) {
            reporter.error(forward, mirror, Message.GRADCHECK_SETTINGS, where, "atol", g.atol(),
                    "a tolerance must not be negative, e.g. 1e-5");
        }
        if (!(g.rtol() >= 0)) {
            reporter.error(forward, mirror, Message.GRADCHECK_SETTINGS, where, "rtol", g.rtol(),
                    "a tolerance must not be negative, e.g. 1e-3");
        }
        String reason = null;
        if (!g.enabled()) {
            if (g.reason().isBlank()) {
                reporter.error(forward, mirror, Message.GRADCHECK_REASON, where);
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
                        + " check; copy the generated Gradcheck class and choose one";
            }
            for (int d = 0; p.shape() != null && d < p.shape().dims().size(); d++) {
                if (!p.shape().isSymbol(d) && p.shape().size(d) > Integer.MAX_VALUE) {
                    return "parameter '" + p.name() + "' has the fixed size " + p.shape().size(d) + " in @Shape(\""
                            + p.shape().text() + "\"), more elements than the generated check can create; copy the"
                            + " generated Gradcheck class and build smaller inputs";
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
     * Ends what {@link #checkCollision} knows of the packages' types: a new round may add types to
     * them (other processors' output among them).
     */
    void startRound() {
        packageTypes.clear();
    }

    private void checkCollision(TypeElement op, ClassName generated, String generatedSupertype) {
        // The generated types are top-level in the op's package. Asking for each by name would search
        // every module of the JDK for each type that does not exist (the usual case): one listing of
        // the package per round answers for all its ops.
        PackageElement pkg = elements.getPackageOf(op);
        TypeElement existing = packageTypes.computeIfAbsent(pkg, OpValidator::typesByName).get(generated.simpleName());
        if (existing == null || isOurs(existing, generatedSupertype)) {
            return;
        }
        reporter.error(op, Message.NAME_COLLISION, generated.canonicalName(), op.getSimpleName());
    }

    /**
     * Whether an existing type is this processor's output from an earlier build (a build tool may
     * put it back on the source or class path): its source carries our {@code @Generated}; a class
     * file, which does not keep that annotation, at least extends the generated supertype.
     */
    private boolean isOurs(TypeElement existing, String generatedSupertype) {
        for (AnnotationMirror m : existing.getAnnotationMirrors()) {
            if (((TypeElement) m.getAnnotationType().asElement()).getQualifiedName()
                    .contentEquals("javax.annotation.processing.Generated")) {
                return m.getElementValues().values().stream().anyMatch(v -> v.toString().contains(PROCESSOR));
            }
        }
        if (Boolean.TRUE.equals(savedAssignments.isFromSource(existing))) {
            return false;
        }
        TypeElement supertype = elements.getTypeElement(generatedSupertype);
        return supertype != null && types.isAssignable(types.erasure(existing.asType()), types.erasure(supertype.asType()));
    }

    private static Map<String, TypeElement> typesByName(PackageElement pkg) {
        Map<String, TypeElement> byName = new HashMap<>();
        for (Element e : pkg.getEnclosedElements()) {
            if (e instanceof TypeElement t) {
                byName.put(t.getSimpleName().toString(), t);
            }
        }
        return byName;
    }

    /** {@code Op} -> {@code OpFunction}; a nested {@code Outer.Op} -> {@code Outer_OpFunction}, in the same package. */
    static ClassName generatedName(ClassName op, String suffix) {
        return ClassName.get(op.packageName(), String.join("_", op.simpleNames()) + suffix);
    }

    // ------------------------------------------------------------------ helpers

    private void notATensor(Element e, Class<? extends Annotation> annotation, String what, TypeMirror type) {
        AnnotationMirror mirror = mirror(e, annotation);
        if (mirror != null) {
            reporter.error(e, mirror, Message.NOT_A_TENSOR, annotation.getSimpleName(), what, type);
        }
    }

    private ShapeSpec shape(Element e) {
        Shape shape = e.getAnnotation(Shape.class);
        if (shape == null) {
            return null;
        }
        try {
            return ShapeSpec.parse(shape.value());
        } catch (IllegalArgumentException bad) {
            reporter.error(e, mirror(e, Shape.class), Message.SHAPE_SYNTAX, shape.value(), bad.getMessage());
            return null;
        }
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

    /**
     * Whether a type of the op's forward, backward, their device variants, their records or its
     * {@code @Saved} fields does not resolve.
     */
    private boolean refersToUnresolvedTypes(TypeElement type, List<ExecutableElement> methods) {
        List<TypeMirror> used = new ArrayList<>();
        for (ExecutableElement m : methods) {
            used.add(m.getReturnType());
            TypeElement record = asRecord(m.getReturnType());
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

    private TypeElement asRecord(TypeMirror t) {
        if (t.getKind() != TypeKind.DECLARED) {
            return null;
        }
        TypeElement e = (TypeElement) ((DeclaredType) t).asElement();
        return e.getKind() == ElementKind.RECORD ? e : null;
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

    private static VariableElement field(TypeElement type, String name) {
        for (VariableElement f : ElementFilter.fieldsIn(type.getEnclosedElements())) {
            if (f.getSimpleName().contentEquals(name)) {
                return f;
            }
        }
        throw new IllegalStateException("no field " + name + " in " + type);
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

    private static String gradientParams(List<String> diffOutputs) {
        StringJoiner params = new StringJoiner(", ");
        for (String o : diffOutputs) {
            params.add("Tensor grad" + Character.toUpperCase(o.charAt(0)) + o.substring(1));
        }
        return params.toString();
    }

    private static String recordTemplate(String name, List<String> components) {
        StringJoiner c = new StringJoiner(", ", "record " + name + "(", ") {}");
        for (String n : components) {
            c.add("Tensor " + n);
        }
        return c.toString();
    }

    private static String plural(int n) {
        return n == 1 ? "" : "s";
    }

    private static String article(String noun) {
        return ("aeiou".indexOf(Character.toLowerCase(noun.charAt(0))) >= 0 ? "an " : "a ") + noun;
    }

    /** The DSL annotations whose placement {@link PlacementValidator} checks; kept here beside their rules. */
    static final Set<Class<? extends Annotation>> ANNOTATIONS = Set.of(Differentiable.class, Backward.class, Saved.class,
            NonDiff.class, OnceDifferentiable.class, Dirty.class, NeedsGrad.class, Gradcheck.class, Shape.class,
            OnCuda.class, Jvp.class);
}
