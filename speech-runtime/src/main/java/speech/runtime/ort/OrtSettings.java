package speech.runtime.ort;

import java.util.Locale;
import java.util.Set;

/**
 * How ONNX Runtime sessions are built.
 *
 * @param provider       {@code auto} (CUDA when it loads, else CPU with one log line), {@code cuda} (CUDA or no
 *                       session: opening a graph fails with the reason) or {@code cpu}; anything else is rejected
 * @param deviceId       CUDA device ordinal
 * @param intraOpThreads threads inside one operator; 0 lets ONNX Runtime choose
 * @param interOpThreads threads across independent operators; 0 lets ONNX Runtime choose
 */
public record OrtSettings(String provider, int deviceId, int intraOpThreads, int interOpThreads) {

    private static final Set<String> PROVIDERS = Set.of("auto", "cuda", "cpu");

    public OrtSettings {
        if (provider == null || !PROVIDERS.contains(provider.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("speech.ort.provider: unknown value '" + provider + "' (auto, cuda or cpu)");
        }
    }

    public static OrtSettings cpu() {
        return new OrtSettings("cpu", 0, 0, 0);
    }

    boolean wantsCuda() {
        return "auto".equalsIgnoreCase(provider) || requiresCuda();
    }

    /** {@code cuda}: a CPU session would be a silent 10-100x slowdown, so none is made. */
    boolean requiresCuda() {
        return "cuda".equalsIgnoreCase(provider);
    }
}
