package dev.autoj.onnx.internal.checkpoint;

/** Element types a checkpoint tensor may have, with their safetensors names and byte widths. */
public enum DType {
    F32(4),
    F16(2),
    BF16(2);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    static DType fromSafetensors(String name) {
        for (DType type : values()) {
            if (type.name().equals(name)) {
                return type;
            }
        }
        return null;
    }
}
