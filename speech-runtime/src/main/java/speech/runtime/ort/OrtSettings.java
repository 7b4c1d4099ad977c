package speech.runtime.ort;

/**
 * How ONNX Runtime sessions are built.
 *
 * @param provider       {@code auto} (CUDA when the native library has it, else CPU), {@code cuda} or {@code cpu}
 * @param deviceId       CUDA device ordinal
 * @param intraOpThreads threads inside one operator; 0 lets ONNX Runtime choose
 * @param interOpThreads threads across independent operators; 0 lets ONNX Runtime choose
 */
public record OrtSettings(String provider, int deviceId, int intraOpThreads, int interOpThreads) {

    public static OrtSettings cpu() {
        return new OrtSettings("cpu", 0, 0, 0);
    }

    boolean wantsCuda() {
        return "auto".equalsIgnoreCase(provider) || "cuda".equalsIgnoreCase(provider);
    }
}
