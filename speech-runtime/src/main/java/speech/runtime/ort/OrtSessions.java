package speech.runtime.ort;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The only place that builds {@link SessionOptions}: CUDA on the configured device when available;
 * otherwise, for {@code auto}, CPU with one log line naming the reason, and for {@code cuda} no session
 * at all ({@link CudaUnavailableException} with the reason, which readiness and /v1/info show).
 * Records the provider actually in use for /v1/info.
 */
public final class OrtSessions {

    private static final Logger LOG = Logger.getLogger(OrtSessions.class);

    private final OrtSettings settings;
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private volatile String providerInUse;
    private volatile String fallbackReason;

    public OrtSessions(OrtSettings settings) {
        this.settings = settings;
    }

    /**
     * Opens one graph and checks it against its contract (a mismatch throws {@link IllegalStateException}
     * naming both); the caller owns (closes) the returned {@link Graph}.
     *
     * @throws CudaUnavailableException provider {@code cuda} and CUDA cannot be used here
     */
    public Graph open(Path onnxFile, GraphContract contract) throws OrtException {
        SessionOptions options = options();
        OrtSession session = null;
        try {
            session = env.createSession(onnxFile.toString(), options);
            return new Graph(onnxFile.getFileName().toString(), contract, session, options);
        } catch (OrtException | RuntimeException e) {
            try (SessionOptions o = options; OrtSession s = session) { // frees both (session may be null), e stays the error
                throw e;
            }
        }
    }

    /** "CUDAExecutionProvider" or "CPUExecutionProvider"; null until the first graph is opened. */
    public String providerInUse() {
        return providerInUse;
    }

    /** Why CUDA was not used although it was asked for (auto: fell back to CPU; cuda: no session), if that happened. */
    public Optional<String> fallbackReason() {
        return Optional.ofNullable(fallbackReason);
    }

    /** The GPU's name as nvidia-smi reports it, when CUDA is in use. */
    public Optional<String> gpuName() {
        if (!"CUDAExecutionProvider".equals(providerInUse)) {
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=name", "--format=csv,noheader",
                    "-i", smiDevice(System.getenv("CUDA_VISIBLE_DEVICES"), settings.deviceId())).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    public OrtSettings settings() {
        return settings;
    }

    private SessionOptions options() throws OrtException {
        SessionOptions options = new SessionOptions();
        options.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
        if (settings.intraOpThreads() > 0) {
            options.setIntraOpNumThreads(settings.intraOpThreads());
        }
        if (settings.interOpThreads() > 0) {
            options.setInterOpNumThreads(settings.interOpThreads());
        }
        // Several sessions (encoder, decoder, VAD; DiT and codec) run at once on the same cores: spinning
        // threads of an idle pool would take those cores from the pool that has work.
        options.addConfigEntry("session.intra_op.allow_spinning", settings.allowSpinning() ? "1" : "0");
        String provider = "CPUExecutionProvider";
        if (settings.wantsCuda()) {
            String reason = cudaUnavailableReason();
            if (reason == null) {
                try (OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(settings.deviceId())) {
                    for (Map.Entry<String, String> option : settings.cudaOptions().entrySet()) {
                        cuda.add(option.getKey(), option.getValue());
                    }
                    options.addCUDA(cuda);
                    provider = "CUDAExecutionProvider";
                } catch (OrtException e) {
                    reason = "CUDA provider failed to initialise on device " + settings.deviceId() + ": " + e.getMessage();
                }
            }
            if (reason != null && settings.requiresCuda()) {
                fallbackReason = reason;
                options.close();
                throw new CudaUnavailableException(reason);
            }
            if (reason != null && fallbackReason == null) {
                // Said once per process: every later session falls back for the same reason.
                LOG.warnf("ONNX Runtime falls back to CPU: %s", reason);
            }
            fallbackReason = reason;
        }
        providerInUse = provider;
        return options;
    }

    /**
     * The device for nvidia-smi, which ignores CUDA_VISIBLE_DEVICES: CUDA's device {@code deviceId} is the
     * visible list's entry at that position (an index or a UUID, both of which {@code nvidia-smi -i} takes).
     */
    static String smiDevice(String visibleDevices, int deviceId) {
        String[] visible = visibleDevices == null || visibleDevices.isBlank() ? new String[0] : visibleDevices.split(",");
        return deviceId < visible.length ? visible[deviceId].strip() : Integer.toString(deviceId);
    }

    private static String cudaUnavailableReason() {
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            return "this ONNX Runtime build has no CUDA provider (CPU artifact; build the image with -Pgpu)";
        }
        return null;
    }
}
