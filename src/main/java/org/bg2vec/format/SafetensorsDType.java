package org.bg2vec.format;

import ai.djl.ndarray.types.DataType;

/**
 * The safetensors element types this project reads and writes. BF16 is always converted while reading and
 * written from float values ({@link BFloat16}): DJL 0.36 aborts the JVM on any bfloat16 NDArray, so none is
 * ever created.
 */
public enum SafetensorsDType {
    F64(8, DataType.FLOAT64),
    F32(4, DataType.FLOAT32),
    F16(2, DataType.FLOAT16),
    BF16(2, null),
    I64(8, DataType.INT64),
    I32(4, DataType.INT32);

    private final int bytes;
    private final DataType djlType;

    SafetensorsDType(int bytes, DataType djlType) {
        this.bytes = bytes;
        this.djlType = djlType;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The DJL type holding this element type unchanged, or null for BF16 (which DJL cannot hold). */
    DataType djlType() {
        return djlType;
    }

    /** The safetensors type of a DJL array type; BF16 arrays are refused. */
    public static SafetensorsDType of(DataType type) {
        for (SafetensorsDType t : values()) {
            if (t.djlType == type) {
                return t;
            }
        }
        throw new IllegalArgumentException("cannot store a " + type + " tensor in safetensors here");
    }

    /** Parses the header's {@code dtype} string; unknown types get a message naming the file and tensor. */
    static SafetensorsDType parse(String s, String where) {
        for (SafetensorsDType t : values()) {
            if (t.name().equals(s)) {
                return t;
            }
        }
        throw new SafetensorsException(where + ": unsupported dtype " + s
                + " (supported: F64, F32, F16, BF16, I64, I32)");
    }
}
