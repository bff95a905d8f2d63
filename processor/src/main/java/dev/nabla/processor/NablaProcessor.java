package dev.nabla.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.TypeSpec;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ModuleElement;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/**
 * Nabla's annotation processor: for every class with a {@code @Differentiable} forward, checks
 * the op, its backward and its {@code @Jvp} method if any ({@link OpValidator},
 * {@link PlacementValidator}) and, only when it has no error, generates one file per op:
 * {@code <Op>Function} ({@link FunctionGenerator}) with its gradient check in it, the static
 * {@code <Op>Function.gradcheck()} ({@link GradcheckGenerator}). One file rather than two halves what
 * the next round parses and what the filer checks, and one class rather than two what javac
 * compiles: most of what the processor adds to a build.
 *
 * <p>It is found through its {@code META-INF/services} registration (class path or
 * {@code annotationProcessorPaths}) and declared isolating for Gradle: what it writes for an op
 * depends only on that op's class. It never throws out of {@link #process}: an unexpected
 * failure is an error on the op being processed, and it never claims the annotations.
 */
@AutoService(Processor.class)
public final class NablaProcessor extends AbstractProcessor {
    /** Op classes that referred to types not generated yet, by qualified name: retried in the next round. */
    private final Set<String> deferred = new LinkedHashSet<>();
    private ErrorReporter reporter;
    private OpValidator validator;
    private PlacementValidator placement;
    /** The module {@code java.lang} is in, found on first use; empty when compiling without modules. */
    private Optional<ModuleElement> javaBase;
    /** {@link #shadowedJavaLangNames} by package name. */
    private final Map<String, List<String>> shadowedByPackage = new HashMap<>();

    /** Creates the processor; javac calls {@link #init}. */
    public NablaProcessor() {}

    @Override
    public synchronized void init(ProcessingEnvironment env) {
        super.init(env);
        reporter = new ErrorReporter(env.getMessager());
        validator = new OpValidator(env, reporter, SavedAssignments.of(env), ForwardSource.of(env));
        placement = new PlacementValidator(env, reporter);
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        Set<String> names = new TreeSet<>();
        for (Class<? extends Annotation> a : OpValidator.ANNOTATIONS) {
            names.add(a.getCanonicalName());
        }
        return names;
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        Set<String> ops = new LinkedHashSet<>(deferred);
        deferred.clear();
        validator.startRound();
        // One scan of the round's elements for all the DSL annotations present, and none in a round
        // without any (that of the generated sources, and the last): a scan walks every member and
        // parameter of every class in the round.
        Set<? extends Element> annotated = annotations.isEmpty() ? Set.of()
                : round.getElementsAnnotatedWithAny(annotations.toArray(new TypeElement[0]));
        for (Element e : annotated) {
            // The element's own annotations, rather than a lookup among them for each of the DSL's.
            for (AnnotationMirror mirror : e.getAnnotationMirrors()) {
                Class<? extends Annotation> annotation = OpValidator.annotationNamed(
                        ((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName().toString());
                if (annotation == null) {
                    continue;
                }
                try {
                    placement.check(e, annotation, mirror);
                } catch (RuntimeException bug) {
                    reporter.error(e, Message.INTERNAL_ERROR, e, describe(bug));
                }
            }
            TypeElement owner = enclosingType(e);
            if (owner != null) {
                ops.add(owner.getQualifiedName().toString());
            }
        }
        for (String name : ops) {
            TypeElement type = processingEnv.getElementUtils().getTypeElement(name);
            if (type != null) {
                processOp(type, round.processingOver());
            }
        }
        return false;
    }

    private void processOp(TypeElement type, boolean finalRound) {
        try {
            OpValidator.Result result = validator.validate(type, finalRound);
            if (result.deferred()) {
                deferred.add(type.getQualifiedName().toString());
                return;
            }
            if (result.model() == null) {
                return;
            }
            write(result.model(), new FunctionGenerator(result.model()).generate(), type);
        } catch (RuntimeException bug) {
            reporter.error(type, Message.INTERNAL_ERROR, type.getQualifiedName(), describe(bug));
        }
    }

    private void write(OpModel op, TypeSpec spec, TypeElement type) {
        List<String> shadowed = shadowedJavaLangNames(type);
        if (!shadowed.isEmpty()) {
            spec = spec.toBuilder().alwaysQualify(shadowed.toArray(new String[0])).build();
        }
        try {
            JavaFile.builder(op.opType().packageName(), spec)
                    .skipJavaLangImports(true)
                    .indent("    ")
                    .build()
                    .writeTo(processingEnv.getFiler());
        } catch (IOException e) {
            reporter.error(type, Message.INTERNAL_ERROR, type.getQualifiedName(), "writing " + spec.name() + ": " + e);
        }
    }

    /**
     * The simple names of {@code java.lang}'s types that a type of {@code op}'s package also has:
     * in a file of that package the package's type wins over the implicit {@code java.lang}
     * import, so the generated code must spell {@code java.lang.String} where the package has a
     * {@code String} of its own.
     */
    private List<String> shadowedJavaLangNames(TypeElement op) {
        // Once per package: the types a later round adds to it are generated ones, named <Op>Function,
        // and java.lang has none of those names.
        PackageElement pkg = processingEnv.getElementUtils().getPackageOf(op);
        return shadowedByPackage.computeIfAbsent(pkg.getQualifiedName().toString(), name -> {
            List<String> shadowed = new ArrayList<>();
            for (Element e : pkg.getEnclosedElements()) {
                if (isJavaLangType(e.getSimpleName().toString())) {
                    shadowed.add(e.getSimpleName().toString());
                }
            }
            return shadowed;
        });
    }

    /**
     * Whether {@code java.lang} has a type of this simple name. Asked of {@code java.base} alone: a
     * lookup without a module searches every module of the compilation for a type that does not
     * exist, and listing {@code java.lang} reads several hundred class files, either of which cost
     * more than the rest of the processor's first op.
     */
    private boolean isJavaLangType(String simpleName) {
        Elements elements = processingEnv.getElementUtils();
        if (javaBase == null) {
            javaBase = Optional.ofNullable(elements.getModuleElement("java.base"));
        }
        String name = "java.lang." + simpleName;
        // Without modules (--release 8) there is one unnamed module, and the plain lookup is the module's.
        return (javaBase.isPresent() ? elements.getTypeElement(javaBase.get(), name) : elements.getTypeElement(name))
                != null;
    }

    /** The class an annotated element belongs to (the element itself for a class), or null. */
    private static TypeElement enclosingType(Element e) {
        for (Element x = e; x != null; x = x.getEnclosingElement()) {
            if (x instanceof TypeElement t) {
                return t;
            }
        }
        return null;
    }

    private static String describe(Throwable bug) {
        StackTraceElement[] trace = bug.getStackTrace();
        return bug + (trace.length > 0 ? " at " + trace[0] : "");
    }
}
