package dev.nabla.processor;

/**
 * Every diagnostic the processor reports, in one table (as MapStruct's {@code Message}). Each
 * text starts with a stable id in brackets, states the rule that was broken, then says what to
 * write instead; the arguments are {@link String#format} arguments.
 */
enum Message {
    MISSING_BACKWARD("NablaMissingBackward",
            "op %s has a @Differentiable forward but no @Backward method; add this method to %s:%n%n%s%n"),
    MISSING_FORWARD("NablaMissingForward",
            "@%s method %s has no @Differentiable forward in its class %s; add the forward method to %s,"
                    + " or remove @%s"),
    DUPLICATE_FORWARD("NablaDuplicateForward",
            "op %s has a second @Differentiable method %s (the first is %s); an op class has exactly one forward,"
                    + " so move this one to a class of its own"),
    DUPLICATE_BACKWARD("NablaDuplicateBackward",
            "op %s has a second @Backward method %s (the first is %s); an op class has exactly one backward,"
                    + " so remove one"),
    DUPLICATE_JVP("NablaDuplicateJvp",
            "op %s has a second @Jvp method %s (the first is %s); an op has one forward-mode rule, so remove one"),
    JVP_ARITY("NablaJvpArity",
            "jvp takes %d tangent%s but forward has %d differentiable tensor input%s%s; declare one Tensor parameter"
                    + " per differentiable input, named like it and in its order: %s"),
    JVP_PARAMETER("NablaJvpParameter",
            "jvp parameter %d '%s' %s; a tangent is a Tensor named like the forward's differentiable input it belongs"
                    + " to, so declare it as Tensor %s (in full: %s)"),
    JVP_RETURN("NablaJvpReturn",
            "jvp returns %s, but the forward returns %s; return %s"),
    BACKWARD_ARITY("NablaBackwardArity",
            "backward takes %d gradient%s but forward has %d differentiable output%s%s; declare exactly %d Tensor"
                    + " parameter%s%s"),
    GRADIENT_TYPE("NablaGradientType",
            "backward parameter '%s' is %s, but every gradient is a Tensor; declare it as Tensor %s, or make it a"
                    + " boolean annotated @NeedsGrad(\"input\")"),
    BACKWARD_RETURNS_TENSOR("NablaBackwardReturn",
            "backward returns Tensor but forward has %d differentiable tensor inputs%s; return a record with one"
                    + " Tensor component per differentiable input, in order: %s"),
    BACKWARD_RETURN_TYPE("NablaBackwardReturn",
            "backward returns %s, but it must return the input gradients; return %s"),
    GRADIENT_RECORD_MISSING("NablaGradientRecord",
            "gradient record %s has no component for the forward's differentiable input '%s'; declare %s"),
    GRADIENT_RECORD_EXTRA("NablaGradientRecord",
            "component '%s' of gradient record %s names no differentiable input of the forward (%s); declare %s"),
    GRADIENT_RECORD_ORDER("NablaGradientRecord",
            "component '%s' of gradient record %s is out of order: the forward's differentiable inputs are (%s);"
                    + " declare %s"),
    GRADIENT_RECORD_TYPE("NablaGradientRecord",
            "component '%s' of gradient record %s is %s, but a gradient is a Tensor; declare it as Tensor %s"),
    SAVED_FIELD("NablaSavedField",
            "@Saved field '%s' is %s; every call has its own op instance whose saved state the generated code"
                    + " reads and writes, so declare it without private, static and final"),
    METHOD_MODIFIERS("NablaMethodModifiers",
            "%s method %s is %s; declare it as a non-private, non-abstract, non-static, non-generic method that"
                    + " throws no checked exception"),
    FORWARD_RETURN("NablaForwardReturn",
            "forward returns %s; return a Tensor, or a record whose components are all Tensor (one per output)"),
    FORWARD_RETURN_COMPONENT("NablaForwardReturn",
            "component '%s' of the forward's result %s is %s; every output is a Tensor, so declare it as Tensor %s"),
    FORWARD_PARAMETER("NablaForwardParameter",
            "forward parameter '%s' is %s; %s"),
    OP_CLASS("NablaOpClass",
            "op class %s is %s; an op class must be a non-private, non-abstract top-level or static nested class"
                    + " with a non-private no-argument constructor that throws no checked exception (a new instance is"
                    + " the context of every call)"),
    NOT_A_TENSOR("NablaNotATensor",
            "@%s is on %s, which is %s, not a Tensor; only tensors take part in differentiation, so remove it"),
    NEEDS_GRAD_NAME("NablaNeedsGrad",
            "@NeedsGrad(\"%s\") names no differentiable input of the forward; name one of: %s"),
    NEEDS_GRAD_TYPE("NablaNeedsGrad",
            "@NeedsGrad parameter '%s' is %s; declare it as boolean"),
    ONCE_DIFFERENTIABLE_PLACEMENT("NablaOnceDifferentiable",
            "@OnceDifferentiable is on %s, which is not a @Backward method; put it on the op's backward method"),
    DEVICE_VARIANT_TARGET("NablaDeviceVariant",
            "@OnCuda(\"%s\") on %s names no portable method of op %s; name its @Differentiable forward or its"
                    + " @Backward: one of %s"),
    DEVICE_VARIANT_SIGNATURE("NablaDeviceVariant",
            "@OnCuda method %s differs from the portable %s: %s; declare it with the same parameters and return type:"
                    + " %s"),
    DEVICE_VARIANT_DUPLICATE("NablaDeviceVariant",
            "@OnCuda method %s is a second CUDA version of %s (the first is %s); an op has at most one CUDA version"
                    + " of each method, so remove one"),
    SHAPE_SYNTAX("NablaShapeSyntax",
            "@Shape(\"%s\") is malformed: %s; write the dimensions separated by commas, each a symbol such as n or"
                    + " a non-negative integer, e.g. @Shape(\"n,3\") (\"\" for a 0-dimensional tensor)"),
    GRADCHECK_REASON("NablaGradcheckReason",
            "@Gradcheck(enabled = false) on %s gives no reason; add reason = \"...\" saying why the gradient is"
                    + " deliberately not checked"),
    GRADCHECK_SETTINGS("NablaGradcheckSettings",
            "@Gradcheck on %s has %s = %s; %s"),
    MISPLACED("NablaMisplacedAnnotation",
            "@%s is on %s, where it has no effect; %s"),
    NAME_COLLISION("NablaNameCollision",
            "the generated type %s would collide with the existing type of that name; rename op class %s or that type"),
    SAVED_INTERMEDIATE("NablaSavedIntermediate",
            "@Saved field '%s' is assigned '%s', which is neither a forward parameter nor the returned value: an"
                    + " intermediate computed in the forward has no graph, so the op's double backward would be"
                    + " silently wrong; save the forward's inputs (or its output) and recompute it in backward, or"
                    + " mark the backward @OnceDifferentiable"),
    RUNTIME_MISSING("NablaRuntimeMissing",
            "%s is not on the class path, so op %s cannot be generated; add the nabla-runtime dependency"),
    INTERNAL_ERROR("NablaInternalError",
            "the processor failed on %s with %s; this is a bug in nabla-processor, please report it with the op's"
                    + " source");

    private final String id;
    private final String format;

    Message(String id, String format) {
        this.id = id;
        this.format = format;
    }

    /** The stable id, e.g. {@code NablaBackwardArity}. */
    String id() {
        return id;
    }

    /** The full text for these arguments: {@code [Id] rule; remedy}. */
    String format(Object... args) {
        return "[" + id + "] " + String.format(format, args);
    }
}
