package speech.runtime.ort.binding;

import java.util.Arrays;

/** Tensor element types with their {@code ONNXTensorElementDataType} code and size in bytes. */
public enum ElementType {
    FLOAT(1, 4),
    UINT8(2, 1),
    INT8(3, 1),
    INT32(6, 4),
    INT64(7, 8),
    BOOL(9, 1),
    FLOAT16(10, 2);

    final int onnxCode;
    final int bytes;

    ElementType(int onnxCode, int bytes) {
        this.onnxCode = onnxCode;
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    static ElementType ofOnnx(int code) {
        return Arrays.stream(values()).filter(t -> t.onnxCode == code).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unsupported ONNX element type " + code));
    }
}
