package dev.nabla.junit;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.platform.commons.PreconditionViolationException;
import org.junit.platform.commons.support.ReflectionSupport;
import org.junit.platform.engine.DiscoveryFilter;
import org.junit.platform.engine.EngineDiscoveryRequest;
import org.junit.platform.engine.Filter;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.engine.discovery.ClasspathRootSelector;
import org.junit.platform.engine.discovery.MethodSelector;
import org.junit.platform.engine.discovery.PackageNameFilter;
import org.junit.platform.engine.discovery.PackageSelector;
import org.junit.platform.engine.discovery.UniqueIdSelector;
import org.junit.platform.engine.support.descriptor.EngineDescriptor;

/**
 * Turns one discovery request into the engine's tree: the engine, then one {@link CaseDescriptor}
 * per class holding a check ({@link CaseClass}: a generated function with its {@code gradcheck()},
 * or a case class), ordered by class name.
 *
 * <p>What is selected explicitly runs even when it is not public: a class selector naming such a
 * class, a method selector naming its {@code gradcheck()} (or a case class's {@code run()}), a
 * unique id of a case or its test (or of the engine, which means every case the scan finds). What
 * is found by scanning (package selectors, class-path root selectors, and the scan that class
 * selectors trigger when {@link ScanMode} allows it, and the scan that selecting
 * {@link GradcheckTests} triggers unless the mode is {@link ScanMode#NEVER}) must be public, as the
 * contract of {@code GradcheckCase} asks, and must pass the request's class-name and package-name
 * filters.
 */
final class CaseDiscovery {
    private final EngineDiscoveryRequest request;
    private final UniqueId engineId;
    private final ScanMode scanMode;
    private final boolean scanOnClassSelection;
    private final Predicate<String> nameFilter;
    private final Map<String, CaseClass> cases = new TreeMap<>();

    CaseDiscovery(EngineDiscoveryRequest request, UniqueId engineId, ScanMode scanMode, boolean inSurefireSuiteRun) {
        this.request = request;
        this.engineId = engineId;
        this.scanMode = scanMode;
        this.scanOnClassSelection = scanMode.scansOnClassSelection(inSurefireSuiteRun);
        List<DiscoveryFilter<String>> filters = new ArrayList<>(request.getFiltersByType(ClassNameFilter.class));
        filters.addAll(request.getFiltersByType(PackageNameFilter.class));
        this.nameFilter = Filter.composeFilters(filters).toPredicate();
    }

    /** The engine descriptor with every case the request reaches. */
    TestDescriptor discover() {
        boolean classesSelected = false;
        boolean engineSelected = false;
        for (ClassSelector selector : request.getSelectorsByType(ClassSelector.class)) {
            Class<?> type = load(selector.getClassName());
            CaseClass found = type == null ? null : CaseClass.of(type);
            if (found != null) {
                add(found);
            } else if (type == GradcheckTests.class) {
                engineSelected |= scanMode != ScanMode.NEVER;
            } else {
                classesSelected = true;
            }
        }
        for (MethodSelector selector : request.getSelectorsByType(MethodSelector.class)) {
            Class<?> type = load(selector.getClassName());
            CaseClass found = type == null ? null : CaseClass.of(type);
            if (found != null && selector.getMethodName().equals(found.method())) {
                add(found);
            }
        }
        for (PackageSelector selector : request.getSelectorsByType(PackageSelector.class)) {
            ReflectionSupport.findAllClassesInPackage(selector.getPackageName(), CaseDiscovery::isPublicCase, nameFilter)
                    .forEach(type -> add(CaseClass.of(type)));
        }
        for (ClasspathRootSelector selector : request.getSelectorsByType(ClasspathRootSelector.class)) {
            scan(selector.getClasspathRoot());
        }
        for (UniqueIdSelector selector : request.getSelectorsByType(UniqueIdSelector.class)) {
            engineSelected |= resolve(selector.getUniqueId());
        }
        if (engineSelected || (classesSelected && scanOnClassSelection)) {
            for (Path directory : ClassPathDirectories.find(classLoader())) {
                scan(directory.toUri());
            }
        }
        EngineDescriptor engine = new EngineDescriptor(engineId, "Nabla gradcheck");
        cases.values().forEach(found -> engine.addChild(new CaseDescriptor(engineId, found)));
        return engine;
    }

    /**
     * Adds the case a unique id names (the case's or its test's), when it belongs to this engine.
     *
     * @return whether the id is the engine's own, which selects every case
     */
    private boolean resolve(UniqueId id) {
        List<UniqueId.Segment> segments = id.getSegments();
        if (!segments.get(0).equals(engineId.getSegments().get(0))) {
            return false;
        }
        if (segments.size() == 1) {
            return true;
        }
        UniqueId.Segment caseSegment = segments.get(1);
        boolean wholeCase = segments.size() == 2;
        if (!caseSegment.getType().equals(CaseDescriptor.SEGMENT_TYPE) || segments.size() > 3) {
            return false;
        }
        Class<?> type = load(caseSegment.getValue());
        CaseClass found = type == null ? null : CaseClass.of(type);
        boolean caseCheck = found != null && segments.size() == 3
                && segments.get(2).getType().equals(CheckDescriptor.SEGMENT_TYPE)
                && segments.get(2).getValue().equals(found.method());
        if (found != null && (wholeCase || caseCheck)) {
            add(found);
        }
        return false;
    }

    private void scan(URI root) {
        ReflectionSupport.findAllClassesInClasspathRoot(root, CaseDiscovery::isPublicCase, nameFilter)
                .forEach(type -> add(CaseClass.of(type)));
    }

    private void add(CaseClass found) {
        cases.putIfAbsent(found.type().getName(), found);
    }

    /**
     * The class of that name, or null when it cannot be loaded: a selector naming a missing
     * class belongs to whichever engine reports it (Jupiter does), not to this one.
     */
    private static Class<?> load(String className) {
        try {
            return ReflectionSupport.tryToLoadClass(className).toOptional().orElse(null);
        } catch (PreconditionViolationException e) {
            return null;
        }
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : CaseDiscovery.class.getClassLoader();
    }

    /** A class holding a check that the scan may pick up ({@link CaseClass#isPublic}). */
    private static boolean isPublicCase(Class<?> type) {
        CaseClass found = CaseClass.of(type);
        return found != null && found.isPublic();
    }
}
