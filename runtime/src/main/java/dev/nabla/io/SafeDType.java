package dev.nabla.io;

import dev.nabla.DType;

/**
 * The element types of the safetensors format, by the names its header uses, with the
 * Nabla dtype each loads as. Nabla's own four dtypes load as themselves; narrower integer
 * and floating types widen without loss (to INT64 and FLOAT32); types whose values Nabla
 * cannot hold exactly have no Nabla dtype and are rejected.
 */
enum SafeDType {
    BOOL(1, DType.BOOL),
    U8(1, DType.INT64),
    I8(1, DType.INT64),
    F8_E5M2(1, null),
    F8_E4M3(1, null),
    I16(2, DType.INT64),
    U16(2, DType.INT64),
    F16(2, DType.FLOAT32),
    BF16(2, DType.FLOAT32),
    I32(4, DType.INT64),
    U32(4, DType.INT64),
    F32(4, DType.FLOAT32),
    F64(8, DType.FLOAT64),
    I64(8, DType.INT64),
    U64(8, null);

    /** Bytes per element in the file. */
    final int byteSize;
    /** The dtype of the loaded tensor, or null if Nabla cannot load this type. */
    final DType loadsAs;

    SafeDType(int byteSize, DType loadsAs) {
        this.byteSize = byteSize;
        this.loadsAs = loadsAs;
    }

    /** The format's name for a Nabla dtype, used when saving. */
    static SafeDType of(DType dtype) {
        switch (dtype) {
            case FLOAT32:
                return F32;
            case FLOAT64:
                return F64;
            case INT64:
                return I64;
            default:
                return BOOL;
        }
    }

    /** The type a header names, or null if the format defines no such type. */
    static SafeDType byName(String name) {
        for (SafeDType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }
}
