package dev.nabla.junit;

import dev.nabla.autograd.GradcheckCase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * A class that holds one gradient check, in either form {@link GradcheckCase} describes: a case class
 * itself (created with its no-argument constructor; its test is its {@code run()} method), or a class
 * with a static {@code gradcheck()} method that returns the case (what the annotation processor
 * generates in each op's function; its test is that method).
 *
 * @param type the class
 * @param factory its {@code gradcheck()} method, or null for a case class
 */
record CaseClass(Class<?> type, Method factory) {
    /** The name of the method that returns a case. */
    static final String FACTORY = "gradcheck";
    /** The name of a case class's method that runs it. */
    static final String RUN = "run";

    /**
     * The check {@code type} holds, or null when it holds none: a concrete {@link GradcheckCase} class,
     * else a class declaring a static no-argument {@code gradcheck()} that returns a case. Neither asks
     * for public access: the callers decide whether a class not selected by name must be public.
     */
    static CaseClass of(Class<?> type) {
        if (GradcheckCase.class.isAssignableFrom(type)) {
            boolean concrete = !type.isInterface() && !Modifier.isAbstract(type.getModifiers());
            return concrete ? new CaseClass(type, null) : null;
        }
        Method factory;
        try {
            factory = type.getDeclaredMethod(FACTORY);
        } catch (NoSuchMethodException | LinkageError e) {
            // A class whose methods name a type missing from the class path holds no check that could run.
            return null;
        }
        boolean returnsCase = GradcheckCase.class.isAssignableFrom(factory.getReturnType());
        return Modifier.isStatic(factory.getModifiers()) && returnsCase ? new CaseClass(type, factory) : null;
    }

    /**
     * Whether a scan may pick the check up: a public class, top-level or a static member, whose case
     * is public too (its {@code gradcheck()} method, or the class's constructor being public is checked
     * when it is created).
     */
    boolean isPublic() {
        int modifiers = type.getModifiers();
        boolean reachable = !type.isMemberClass() || Modifier.isStatic(modifiers);
        boolean publicFactory = factory == null || Modifier.isPublic(factory.getModifiers());
        return Modifier.isPublic(modifiers) && reachable && !type.isAnonymousClass() && !type.isLocalClass()
                && publicFactory;
    }

    /** The name of the method the test runs: {@code gradcheck} or {@code run}. */
    String method() {
        return factory == null ? RUN : FACTORY;
    }

    /**
     * The case: the factory's result, or a new instance of the case class.
     *
     * @throws Exception whatever creating it threw (the factory's own exception unwrapped), or an
     *     {@link IllegalStateException} if the factory returned null
     */
    GradcheckCase create() throws Exception {
        if (factory == null) {
            return (GradcheckCase) ReflectionSupport.newInstance(type);
        }
        Object made;
        try {
            factory.setAccessible(true);
            made = factory.invoke(null);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
        if (made == null) {
            throw new IllegalStateException(type.getName() + "." + FACTORY + "() returned null");
        }
        return (GradcheckCase) made;
    }
}
