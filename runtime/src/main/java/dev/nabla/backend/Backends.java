package dev.nabla.backend;

import dev.nabla.Device;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry of {@link Backend}s: every implementation on the class path, found once with
 * {@link ServiceLoader}, and the one in use for each device type.
 *
 * <p>For each device type the available backend with the highest {@link Backend#priority()}
 * is used, unless a user selects another by name with {@link #use(String)} or with the
 * system property {@code nabla.backend.<deviceType>} (for example
 * {@code -Dnabla.backend.cpu=my_backend}).
 */
public final class Backends {
    private static final List<Backend> ALL = load();
    private static final Map<String, Backend> SELECTED = new ConcurrentHashMap<>();
    private static volatile Backend cpu;

    private Backends() {}

    private static List<Backend> load() {
        List<Backend> found = new ArrayList<>();
        ServiceLoader<Backend> loader = ServiceLoader.load(Backend.class, Backends.class.getClassLoader());
        var it = loader.iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError e) {
                System.err.println("nabla: skipping a backend that failed to load: " + e.getMessage());
            }
        }
        found.sort(Comparator.comparingInt(Backend::priority).reversed().thenComparing(Backend::name));
        return List.copyOf(found);
    }

    /** Every backend found on the class path, available or not, highest priority first. */
    public static List<Backend> all() {
        return ALL;
    }

    /** The backend with this name, if one is on the class path. */
    public static Optional<Backend> named(String name) {
        return ALL.stream().filter(b -> b.name().equals(name)).findFirst();
    }

    /**
     * Makes the backend called {@code name} the one used for its device type from now on.
     *
     * @throws IllegalArgumentException if no backend has that name, naming those that exist
     * @throws IllegalStateException if it is not available here, with its reason
     */
    public static Backend use(String name) {
        Backend backend = named(name).orElseThrow(() -> new IllegalArgumentException(
                "no backend named '" + name + "'; found: " + ALL.stream().map(Backend::name).toList()));
        if (!backend.isAvailable()) {
            throw new IllegalStateException("backend '" + name + "' is not available: " + backend.unavailableReason());
        }
        SELECTED.put(backend.deviceType(), backend);
        if (backend.deviceType().equals("cpu")) {
            cpu = backend;
        }
        return backend;
    }

    /**
     * The backend in use for {@code device}'s type.
     *
     * @throws IllegalStateException if none is available, saying why
     */
    public static Backend forDevice(Device device) {
        if (device == Device.CPU) {
            Backend c = cpu;
            if (c == null) {
                c = SELECTED.computeIfAbsent("cpu", Backends::choose);
                cpu = c;
            }
            return c;
        }
        Backend chosen = SELECTED.get(device.type());
        if (chosen != null) {
            return chosen;
        }
        return SELECTED.computeIfAbsent(device.type(), Backends::choose);
    }

    private static Backend choose(String deviceType) {
        String wanted = System.getProperty("nabla.backend." + deviceType);
        if (wanted != null && !wanted.isBlank()) {
            return use(wanted.trim());
        }
        StringBuilder reasons = new StringBuilder();
        for (Backend b : ALL) {
            if (!b.deviceType().equals(deviceType)) {
                continue;
            }
            if (b.isAvailable()) {
                return b;
            }
            reasons.append("; ").append(b.name()).append(": ").append(b.unavailableReason());
        }
        throw new IllegalStateException("no backend available for device type '" + deviceType + "'"
                + (reasons.length() == 0 ? " (none on the class path)" : reasons.toString()));
    }
}
