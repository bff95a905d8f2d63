package dev.nabla;

import java.util.Objects;

/**
 * Where a tensor's memory lives: an immutable value made of a type ({@code "cpu"},
 * {@code "cuda"}, or the name of a third-party backend's device) and an index.
 *
 * <p>Printed as PyTorch prints it: {@code cpu}, {@code cuda:0}.
 */
public final class Device {
    /** The host's memory. */
    public static final Device CPU = new Device("cpu", -1);
    /** The first CUDA device, {@code cuda:0}. */
    public static final Device CUDA = new Device("cuda", 0);

    private final String type;
    private final int index;

    private Device(String type, int index) {
        this.type = type;
        this.index = index;
    }

    /** The CUDA device with this ordinal. */
    public static Device cuda(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("CUDA device index must be >= 0, got " + index);
        }
        return index == 0 ? CUDA : new Device("cuda", index);
    }

    /**
     * A device of any type, e.g. {@code of("my_backend", 0)} for a third-party backend.
     *
     * @param index the ordinal, or {@code -1} for a device type with a single device
     */
    public static Device of(String type, int index) {
        Objects.requireNonNull(type, "type");
        if (!type.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("device type must be lower-case letters, digits and '_', got '" + type + "'");
        }
        if (type.equals("cpu")) {
            return CPU;
        }
        if (type.equals("cuda")) {
            return cuda(Math.max(index, 0));
        }
        return new Device(type, index);
    }

    /** Parses {@code "cpu"}, {@code "cuda"}, {@code "cuda:1"} or {@code "name:index"}. */
    public static Device parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        int colon = spec.indexOf(':');
        if (colon < 0) {
            return of(spec, spec.equals("cpu") ? -1 : 0);
        }
        try {
            return of(spec.substring(0, colon), Integer.parseInt(spec.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid device '" + spec + "': expected type or type:index", e);
        }
    }

    /** The device type, e.g. {@code "cpu"} or {@code "cuda"}. */
    public String type() {
        return type;
    }

    /** The device ordinal, {@code -1} for the CPU. */
    public int index() {
        return index;
    }

    /** Whether this is the CPU. */
    public boolean isCpu() {
        return this == CPU;
    }

    /** Whether this is a CUDA device. */
    public boolean isCuda() {
        return type.equals("cuda");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Device && ((Device) o).type.equals(type) && ((Device) o).index == index;
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + index;
    }

    @Override
    public String toString() {
        return index < 0 ? type : type + ":" + index;
    }
}
