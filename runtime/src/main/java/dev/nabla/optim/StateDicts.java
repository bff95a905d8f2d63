package dev.nabla.optim;

import dev.nabla.DType;
import dev.nabla.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoublePredicate;

/**
 * The flat tensor form of optimizer and scheduler state ({@link Optimizer#stateDict()},
 * {@link LRScheduler#stateDict()}): numbers become 0-dimensional tensors (FLOAT64 for reals, so
 * that a learning rate survives a checkpoint bit for bit; INT64 for counts; BOOL for flags) and
 * lists 1-dimensional ones, so that the whole state fits a {@code Map<String, Tensor>} and a
 * safetensors file.
 */
final class StateDicts {
    private StateDicts() {}

    static Tensor real(double value) {
        return Tensor.scalar(DType.FLOAT64, value);
    }

    static Tensor integer(long value) {
        return Tensor.scalar(DType.INT64, value);
    }

    static Tensor bool(boolean value) {
        return Tensor.scalar(DType.BOOL, value ? 1 : 0);
    }

    static Tensor reals(double... values) {
        return Tensor.of(values);
    }

    /**
     * Reads a state dict for one {@code loadStateDict} call, checking each value's dtype and
     * shape as it is read and, in {@link #finish()}, that no key was left unread. Reading never
     * modifies anything, so a caller reads everything first and mutates only after
     * {@link #finish()} returns: a bad state dict leaves the object as it was.
     */
    static final class Reader {
        private final String owner;
        private final Map<String, ? extends Tensor> dict;
        private final Set<String> read = new HashSet<>();

        /**
         * @param owner the name errors start with, e.g. {@code "Adam.loadStateDict"}
         * @throws IllegalArgumentException if {@code dict} is null or holds a null key or value
         */
        Reader(String owner, Map<String, ? extends Tensor> dict) {
            this.owner = owner;
            if (dict == null) {
                throw new IllegalArgumentException(owner + ": the state dict is null");
            }
            for (Map.Entry<String, ? extends Tensor> e : dict.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException(owner + ": the state dict has a null "
                            + (e.getKey() == null ? "key" : "value at key '" + e.getKey() + "'"));
                }
            }
            this.dict = dict;
        }

        boolean has(String key) {
            return dict.containsKey(key);
        }

        /** The value at {@code key}, with {@code dtype} and {@code shape}. */
        Tensor get(String key, DType dtype, long... shape) {
            Tensor t = dict.get(key);
            if (t == null) {
                throw error(key, "is missing");
            }
            if (t.dtype() != dtype) {
                throw error(key, "must be " + dtype + ", got " + t.dtype());
            }
            if (!Arrays.equals(t.shape(), shape)) {
                throw error(key, "must have shape " + Arrays.toString(shape) + ", got " + Arrays.toString(t.shape()));
            }
            read.add(key);
            return t;
        }

        /** A FLOAT64 number (0-dimensional). */
        double real(String key) {
            return get(key, DType.FLOAT64).item();
        }

        /**
         * A FLOAT64 number (0-dimensional) that satisfies {@code valid}.
         *
         * @param rule what a valid value is, for the error: "must be ..."
         */
        double real(String key, DoublePredicate valid, String rule) {
            double v = real(key);
            if (!valid.test(v)) {
                throw error(key, "must be " + rule + ", got " + v);
            }
            return v;
        }

        /** An INT64 number (0-dimensional). */
        long integer(String key) {
            return (long) get(key, DType.INT64).item();
        }

        /** A BOOL flag (0-dimensional). */
        boolean bool(String key) {
            return get(key, DType.BOOL).item() != 0;
        }

        /** {@code length} FLOAT64 numbers (1-dimensional). */
        double[] reals(String key, int length) {
            return get(key, DType.FLOAT64, length).toDoubleArray();
        }

        /** INT64 numbers (1-dimensional, any length). */
        long[] integers(String key) {
            Tensor t = dict.get(key);
            if (t != null && t.dim() != 1) {
                throw error(key, "must be 1-dimensional, got shape " + Arrays.toString(t.shape()));
            }
            return get(key, DType.INT64, t == null ? new long[0] : t.shape()).toLongArray();
        }

        /** A tensor with {@code like}'s dtype and shape, copied onto {@code like}'s device so that the caller owns it. */
        Tensor copyLike(String key, Tensor like) {
            Tensor t = get(key, like.dtype(), like.shape());
            Tensor moved = t.to(like.device());
            return moved == t ? t.detach().clone() : moved.detach();
        }

        /**
         * Checks that every key was read.
         *
         * @throws IllegalArgumentException naming the keys that were not
         */
        void finish() {
            List<String> unexpected = new ArrayList<>();
            for (String key : dict.keySet()) {
                if (!read.contains(key)) {
                    unexpected.add(key);
                }
            }
            if (!unexpected.isEmpty()) {
                throw new IllegalArgumentException(owner + ": unexpected key(s) in the state dict: " + unexpected);
            }
        }

        /** An error about the value at {@code key}: "{owner}: 'key' {what}". */
        IllegalArgumentException error(String key, String what) {
            return new IllegalArgumentException(owner + ": '" + key + "' " + what);
        }
    }
}
