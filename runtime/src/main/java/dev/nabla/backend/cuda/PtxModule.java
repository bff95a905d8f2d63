package dev.nabla.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jcuda.CudaException;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * One PTX file, found as a class-path resource, loaded into each device the first time one of
 * its functions is needed there, with its functions looked up once per device. There is one
 * instance per resource, so kernels of one file share the loaded module. Only
 * {@link JCudaCalls} loads modules; the instance itself touches nothing until then.
 */
final class PtxModule {
    private static final Map<String, PtxModule> BY_RESOURCE = new ConcurrentHashMap<>();

    private final String name;
    private final URL resource;
    private final String missing;
    private final Map<Integer, Loaded> byDevice = new ConcurrentHashMap<>();

    private PtxModule(String name, URL resource, String missing) {
        this.name = name;
        this.resource = resource;
        this.missing = missing;
    }

    /** The module of this resource; nothing is read or loaded yet. */
    static PtxModule of(URL resource) {
        return BY_RESOURCE.computeIfAbsent(resource.toExternalForm(), k -> new PtxModule(k, resource, null));
    }

    /** A module whose resource is not on the class path: loading it fails with {@code reason}. */
    static PtxModule missing(String name, String reason) {
        return new PtxModule(name, null, reason);
    }

    /** Where the PTX comes from: the resource's URL, or its name when it is missing. */
    String name() {
        return name;
    }

    /**
     * The function called {@code name} on {@code device}, loading the module there first.
     *
     * @throws IllegalStateException if the PTX cannot be read or loaded, or has no such function
     */
    CUfunction function(int device, String name) {
        // Looked up before computeIfAbsent, whose capturing lambdas would be made on every launch.
        Loaded loaded = byDevice.get(device);
        if (loaded == null) {
            loaded = byDevice.computeIfAbsent(device, this::load);
        }
        CUfunction found = loaded.functions.get(name);
        return found != null ? found : lookUp(loaded, device, name);
    }

    /** Finds {@code name} in the module loaded on {@code device}, once. */
    private CUfunction lookUp(Loaded loaded, int device, String name) {
        return loaded.functions.computeIfAbsent(name, n -> {
            CUfunction f = new CUfunction();
            try {
                JCudaCalls.makeCurrent(device);
                JCudaDriver.cuModuleGetFunction(f, loaded.module, n);
            } catch (CudaException e) {
                throw new IllegalStateException("no kernel '" + n + "' in " + resource + " (" + e.getMessage() + ")", e);
            }
            return f;
        });
    }

    private Loaded load(int device) {
        if (resource == null) {
            throw new IllegalStateException(missing);
        }
        byte[] ptx;
        try (InputStream in = resource.openStream()) {
            byte[] text = in.readAllBytes();
            // The driver reads PTX as a NUL-terminated string.
            ptx = Arrays.copyOf(text, text.length + 1);
        } catch (IOException e) {
            throw new IllegalStateException("could not read the PTX resource " + resource + ": " + e.getMessage(), e);
        }
        CUmodule module = new CUmodule();
        try {
            JCudaCalls.makeCurrent(device);
            JCudaDriver.cuModuleLoadData(module, ptx);
        } catch (CudaException e) {
            String hint = e.getMessage() != null && e.getMessage().contains("UNSUPPORTED_PTX_VERSION")
                    ? "; the driver is older than the nvcc that wrote this PTX (CUDA 13.0's PTX needs driver 580 or newer)"
                    : "";
            throw new IllegalStateException("could not load the PTX " + resource + " on cuda:" + device + ": "
                    + e.getMessage() + hint, e);
        }
        return new Loaded(module);
    }

    /** A module loaded on one device, and the functions found in it so far. */
    private static final class Loaded {
        final CUmodule module;
        final Map<String, CUfunction> functions = new ConcurrentHashMap<>();

        Loaded(CUmodule module) {
            this.module = module;
        }
    }
}
