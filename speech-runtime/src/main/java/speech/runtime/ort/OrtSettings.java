package speech.runtime.ort;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How ONNX Runtime sessions are built.
 *
 * @param provider       {@code auto} (CUDA when it loads, else CPU with one log line), {@code cuda} (CUDA or no
 *                       session: opening a graph fails with the reason) or {@code cpu}; anything else is rejected
 * @param deviceId       CUDA device ordinal
 * @param intraOpThreads threads inside one operator; 0 lets ONNX Runtime choose
 * @param interOpThreads threads across independent operators; 0 lets ONNX Runtime choose
 * @param gpuMemLimitBytes bound of the CUDA provider's memory arena; 0 = no bound (ONNX Runtime's default)
 * @param allowSpinning  whether idle intra-op threads spin waiting for work (ONNX Runtime's default) or sleep (ours)
 */
public record OrtSettings(String provider, int deviceId, int intraOpThreads, int interOpThreads, long gpuMemLimitBytes,
                          boolean allowSpinning) {

    private static final Set<String> PROVIDERS = Set.of("auto", "cuda", "cpu");

    public OrtSettings(String provider, int deviceId, int intraOpThreads, int interOpThreads) {
        this(provider, deviceId, intraOpThreads, interOpThreads, 0);
    }

    public OrtSettings(String provider, int deviceId, int intraOpThreads, int interOpThreads, long gpuMemLimitBytes) {
        this(provider, deviceId, intraOpThreads, interOpThreads, gpuMemLimitBytes, false);
    }

    public OrtSettings {
        if (gpuMemLimitBytes < 0) {
            throw new IllegalArgumentException("speech.ort.gpu-mem-limit-bytes must be >= 0, not " + gpuMemLimitBytes);
        }
        if (provider == null || !PROVIDERS.contains(provider.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("speech.ort.provider: unknown value '" + provider + "' (auto, cuda or cpu)");
        }
    }

    public static OrtSettings cpu() {
        return new OrtSettings("cpu", 0, 0, 0);
    }

    /**
     * The CUDA provider's options: the device, the arena grown by what is requested rather than doubled
     * (a doubling arena reserves up to twice what the models need), and the bound when one is set.
     */
    Map<String, String> cudaOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("device_id", Integer.toString(deviceId));
        options.put("arena_extend_strategy", "kSameAsRequested");
        if (gpuMemLimitBytes > 0) {
            options.put("gpu_mem_limit", Long.toString(gpuMemLimitBytes));
        }
        return options;
    }

    boolean wantsCuda() {
        return "auto".equalsIgnoreCase(provider) || requiresCuda();
    }

    /** {@code cuda}: a CPU session would be a silent 10-100x slowdown, so none is made. */
    boolean requiresCuda() {
        return "cuda".equalsIgnoreCase(provider);
    }
}
