package dev.nabla.io;

import dev.nabla.Tensor;
import java.nio.file.Path;
import java.util.Map;

/**
 * Run in a JVM of its own (with a small {@code -Xmx}) by {@link SafeTensorsCheckpointFitTest}:
 * loads each file named on the command line and prints one line per file, {@code OK <tensors>
 * <metadata value lengths>} or {@code ERR <exception class>: <message>}. Errors, out-of-memory
 * ones included, are reported rather than thrown, so that the parent sees each file's outcome.
 */
final class HeapProbe {
    private HeapProbe() {}

    public static void main(String[] args) {
        for (String arg : args) {
            Path file = Path.of(arg);
            try {
                Map<String, Tensor> tensors = SafeTensors.load(file);
                StringBuilder line = new StringBuilder("OK ").append(tensors.size());
                for (String value : SafeTensors.metadata(file).values()) {
                    line.append(' ').append(value.length());
                }
                System.out.println(line);
            } catch (Throwable t) {
                System.out.println("ERR " + t.getClass().getName() + ": " + t.getMessage());
            }
        }
    }
}
