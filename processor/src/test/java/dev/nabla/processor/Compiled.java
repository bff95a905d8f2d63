package dev.nabla.processor;

import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import javax.tools.JavaFileObject;

/** Ops compiled in memory with the processor, loaded, and called the way user code calls them. */
final class Compiled extends ClassLoader {
    private final Map<String, byte[]> classes = new HashMap<>();

    private Compiled(Compilation compilation) {
        super(Compiled.class.getClassLoader());
        for (JavaFileObject file : compilation.generatedFiles()) {
            if (file.getKind() == JavaFileObject.Kind.CLASS) {
                String path = file.toUri().getPath();
                String name = path.substring(path.indexOf("/CLASS_OUTPUT/") + "/CLASS_OUTPUT/".length(),
                        path.length() - ".class".length()).replace('/', '.');
                try (InputStream in = file.openInputStream()) {
                    classes.put(name, in.readAllBytes());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /** Compiles {@code sources} (each "fully.qualified.Name", then its text) with the processor, expecting success. */
    static Compiled compile(String... namesAndSources) {
        JavaFileObject[] files = new JavaFileObject[namesAndSources.length / 2];
        for (int i = 0; i < files.length; i++) {
            files[i] = JavaFileObjects.forSourceString(namesAndSources[2 * i], namesAndSources[2 * i + 1]);
        }
        Compilation compilation = javac().withProcessors(new NablaProcessor()).compile(files);
        assertWithMessage("compilation of %s: %s", namesAndSources[0], compilation.diagnostics())
                .that(compilation.status()).isEqualTo(Compilation.Status.SUCCESS);
        return new Compiled(compilation);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes = classes.get(name);
        if (bytes == null) {
            throw new ClassNotFoundException(name);
        }
        return defineClass(name, bytes, 0, bytes.length);
    }

    /** Loads a compiled class. */
    Class<?> type(String name) {
        try {
            return loadClass(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("not compiled: " + name, e);
        }
    }

    /** Calls the static {@code apply} of generated class {@code function}, unwrapping what it throws. */
    Object apply(String function, Object... args) {
        for (Method m : type(function).getMethods()) {
            if (m.getName().equals("apply") && java.lang.reflect.Modifier.isStatic(m.getModifiers())
                    && m.getParameterCount() == args.length) {
                try {
                    return m.invoke(null, args);
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                } catch (InvocationTargetException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new AssertionError(e.getCause());
                }
            }
        }
        throw new AssertionError("no static apply with " + args.length + " parameters in " + function);
    }

    /** The gradient check that the generated function {@code function} returns from its static {@code gradcheck()}. */
    dev.nabla.autograd.GradcheckCase gradcheck(String function) {
        try {
            return (dev.nabla.autograd.GradcheckCase) type(function).getMethod("gradcheck").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Calls a record accessor on an op's output record. */
    static Object component(Object record, String name) {
        try {
            Method accessor = record.getClass().getDeclaredMethod(name);
            accessor.setAccessible(true);
            return accessor.invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
