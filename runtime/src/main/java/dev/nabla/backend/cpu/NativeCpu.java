package dev.nabla.backend.cpu;

import java.io.File;
import java.net.URL;
import org.bytedeco.javacpp.Loader;

/**
 * Loads {@code libnablacpu}, the CPU backend's small JNI library ({@code src/main/c}: the
 * zero-copy BLAS bridge of {@link CriticalGemm} and the streaming stores of
 * {@link StreamingStores}). The Maven build compiles it into the runtime jar when the build
 * machine has a C compiler; without it both fall back to Java, correct but slower.
 */
final class NativeCpu {
    private static final String LIBRARY = "nablacpu";
    private static final String LOAD_ERROR = load();

    private NativeCpu() {}

    /** Why the library could not be loaded, or null when it is loaded. */
    static String loadError() {
        return LOAD_ERROR;
    }

    /** The library's resource path inside the runtime jar for this platform. */
    static String resource() {
        return Loader.getPlatform() + "/" + System.mapLibraryName(LIBRARY);
    }

    private static String load() {
        try {
            URL url = NativeCpu.class.getResource(resource());
            if (url == null) {
                return "lib" + LIBRARY + " was not built for " + Loader.getPlatform()
                        + " (the runtime was built without a C compiler)";
            }
            File file = Loader.cacheResource(url);
            System.load(file.getAbsolutePath());
            return null;
        } catch (Throwable t) {
            return t.toString();
        }
    }
}
