package dev.nabla.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file is not a valid safetensors file, or holds something Nabla cannot load. The message
 * names the file and, where one is to blame, the offending key of the header.
 */
public final class SafeTensorsFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The file, as given to the loader. */
    private final transient Path file;
    /** The header key at fault, or null when the fault is not one entry's. */
    private final String key;

    SafeTensorsFormatException(Path file, String key, String detail) {
        super(file + ": " + where(key) + detail);
        this.file = file;
        this.key = key;
    }

    SafeTensorsFormatException(Path file, String key, String detail, Throwable cause) {
        this(file, key, detail);
        initCause(cause);
    }

    private static String where(String key) {
        if (key == null) {
            return "";
        }
        return key.equals(Header.METADATA_KEY) ? key + ": " : "tensor '" + key + "': ";
    }

    /** The file that was being read. */
    public Path file() {
        return file;
    }

    /** The header key (tensor name, or {@code __metadata__}) at fault, or null if the fault is not one entry's. */
    public String key() {
        return key;
    }
}
