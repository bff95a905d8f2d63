package dev.nabla.internal;

import java.util.Arrays;

/** Shape arithmetic shared by the tensor layer: sizes, strides, broadcasting and dimension checks. */
public final class Shapes {
    /** The largest number of elements a CPU storage can hold (Java arrays are int-indexed). */
    public static final long MAX_CPU_NUMEL = Integer.MAX_VALUE - 8;

    private static final long[] SCALAR = new long[0];

    private Shapes() {}

    /** The shape of a 0-dimensional tensor. */
    public static long[] scalar() {
        return SCALAR;
    }

    /** The product of the sizes, checking that none is negative. */
    public static long numel(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    /** Validates sizes given by a user and returns a private copy. */
    public static long[] checkedShape(String op, long[] shape) {
        long n = 1;
        for (long s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException(op + ": negative dimension in shape " + format(shape));
            }
            long next = n * Math.max(s, 1);
            if (Math.multiplyHigh(n, Math.max(s, 1)) != 0 || next < 0) {
                throw new IllegalArgumentException(op + ": shape " + format(shape) + " has more elements than a long"
                        + " can count");
            }
            n = next;
        }
        return shape.clone();
    }

    /** Row-major strides of a contiguous tensor of this shape. */
    public static long[] contiguousStrides(long[] shape) {
        long[] stride = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            stride[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return stride;
    }

    /** Whether {@code stride} is the row-major layout of {@code shape} (size-1 dims may have any stride). */
    public static boolean isContiguous(long[] shape, long[] stride) {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] == 0) {
                return true;
            }
            if (shape[i] != 1) {
                if (stride[i] != expected) {
                    return false;
                }
                expected *= shape[i];
            }
        }
        return true;
    }

    /**
     * Wraps a possibly negative dimension into {@code [0, ndim)}, as PyTorch does.
     *
     * @throws IndexOutOfBoundsException naming the op, the valid range and the dimension
     */
    public static int wrapDim(String op, long dim, int ndim) {
        int n = Math.max(ndim, 1);
        if (dim < -n || dim >= n) {
            throw new IndexOutOfBoundsException(op + ": dimension out of range (expected to be in range of ["
                    + (-n) + ", " + (n - 1) + "], but got " + dim + ")");
        }
        return (int) (dim < 0 ? dim + n : dim);
    }

    /**
     * The broadcast shape of two shapes, NumPy's rule.
     *
     * @throws IllegalArgumentException {@code "op: shapes [2, 3] and [4] cannot be broadcast"}
     */
    public static long[] broadcast(String op, long[] a, long[] b) {
        if (Arrays.equals(a, b)) {
            return a;
        }
        int n = Math.max(a.length, b.length);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            long sa = i < n - a.length ? 1 : a[i - (n - a.length)];
            long sb = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (sa == sb || sb == 1) {
                out[i] = sa;
            } else if (sa == 1) {
                out[i] = sb;
            } else {
                throw new IllegalArgumentException(op + ": shapes " + format(a) + " and " + format(b) + " cannot be broadcast");
            }
        }
        return out;
    }

    /** Strides that view a tensor of {@code shape}/{@code stride} as {@code target} (stride 0 on broadcast dims). */
    public static long[] expandStrides(String op, long[] shape, long[] stride, long[] target) {
        if (target.length < shape.length) {
            throw new IllegalArgumentException(op + ": the number of sizes provided (" + target.length
                    + ") must be greater or equal to the number of dimensions in the tensor (" + shape.length + ")");
        }
        long[] out = new long[target.length];
        int lead = target.length - shape.length;
        for (int i = 0; i < target.length; i++) {
            if (i < lead) {
                if (target[i] < 0) {
                    throw new IllegalArgumentException(op + ": the expanded size -1 is not allowed in a leading, non-existing dimension");
                }
                out[i] = 0;
                continue;
            }
            long s = shape[i - lead];
            if (s == target[i]) {
                out[i] = stride[i - lead];
            } else if (s == 1) {
                out[i] = 0;
            } else {
                throw new IllegalArgumentException(op + ": the expanded size of the tensor (" + target[i]
                        + ") must match the existing size (" + s + ") at non-singleton dimension " + i
                        + ".  Target sizes: " + format(target) + ".  Tensor sizes: " + format(shape));
            }
        }
        return out;
    }

    /** {@code [2, 3]}, as the error messages print shapes. */
    public static String format(long[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(shape[i]);
        }
        return sb.append(']').toString();
    }

    /**
     * Resolves one {@code -1} in a requested shape against {@code numel}.
     *
     * @throws IllegalArgumentException if the shape cannot hold exactly {@code numel} elements
     */
    public static long[] inferSize(String op, long[] requested, long numel) {
        long[] out = requested.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException(op + ": only one dimension can be inferred, got " + format(requested));
                }
                infer = i;
            } else if (out[i] < 0) {
                throw new IllegalArgumentException(op + ": invalid shape dimension " + out[i] + " in " + format(requested));
            } else {
                known *= out[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || numel % known != 0) {
                throw new IllegalArgumentException(op + ": shape " + format(requested) + " is invalid for input of size " + numel);
            }
            out[infer] = numel / known;
        } else if (known != numel) {
            throw new IllegalArgumentException(op + ": shape " + format(requested) + " is invalid for input of size " + numel);
        }
        return out;
    }

    /**
     * Strides for viewing a tensor of {@code shape}/{@code stride} as {@code newShape} without
     * copying, or {@code null} when its memory layout does not allow it (PyTorch's
     * {@code computeStride}).
     */
    public static long[] viewStrides(long[] shape, long[] stride, long[] newShape) {
        long numel = numel(shape);
        long[] newStride = new long[newShape.length];
        if (numel == 0 || shape.length == 0) {
            return contiguousStrides(newShape);
        }
        int viewD = newShape.length - 1;
        long chunkBase = shape.length == 0 ? 1 : stride[shape.length - 1];
        long tensorNumel = 1;
        long viewNumel = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            tensorNumel *= shape[d];
            if (d == 0 || (shape[d - 1] != 1 && stride[d - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    newStride[viewD] = viewNumel * chunkBase;
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) {
                    return null;
                }
                if (d > 0) {
                    chunkBase = stride[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        if (viewD != -1) {
            return null;
        }
        return newStride;
    }
}
