package dev.nabla;

/**
 * The element type of a {@link Tensor}.
 *
 * <p>Type promotion follows PyTorch: the categories are ordered {@code BOOL < INT64 <
 * FLOAT32 < FLOAT64}, and a binary op computes in the higher of its operands' types (see
 * {@link #promote(DType, DType)}).
 */
public enum DType {
    /** 32-bit IEEE floating point, the default for floating tensors. */
    FLOAT32("float32", 4, true),
    /** 64-bit IEEE floating point, the type to use for gradient checks. */
    FLOAT64("float64", 8, true),
    /** 64-bit signed integer, the type of indices. */
    INT64("int64", 8, false),
    /** Boolean, the result of comparisons. */
    BOOL("bool", 1, false);

    private final String torchName;
    private final int byteSize;
    private final boolean floatingPoint;

    DType(String torchName, int byteSize, boolean floatingPoint) {
        this.torchName = torchName;
        this.byteSize = byteSize;
        this.floatingPoint = floatingPoint;
    }

    /** The name PyTorch gives this type, e.g. {@code "float32"}. */
    public String torchName() {
        return torchName;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether this is {@link #FLOAT32} or {@link #FLOAT64}. */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** The type two tensor operands of a binary op compute in. */
    public static DType promote(DType a, DType b) {
        return a.rank() >= b.rank() ? a : b;
    }

    private int rank() {
        switch (this) {
            case BOOL:
                return 0;
            case INT64:
                return 1;
            case FLOAT32:
                return 2;
            default:
                return 3;
        }
    }

    /** Whether a value of this type can be written into a tensor of {@code target} without losing its category. */
    public boolean canCastTo(DType target) {
        return rank() <= target.rank() || (isFloatingPoint() && target.isFloatingPoint());
    }

    @Override
    public String toString() {
        return "torch." + torchName;
    }
}
