package speech.asr.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The ASR service's settings ({@code asr.*}); every key is overridable by env, e.g. ASR_MODELS_DIR. */
@ConfigMapping(prefix = "asr")
public interface AsrConfig {

    /** Every folder with a manifest.json under it is a model; its id is the folder name. */
    Path modelsDir();

    /** Used when a request names no model (or OpenAI's "whisper-1"); loaded at startup. */
    String defaultModel();

    /** Largest accepted upload in bytes; larger answers 413 with a JSON body. */
    @WithDefault("26214400")
    long maxUploadSize();

    /** Requests decoded at the same time (their windows are batched together by the engine). */
    @WithDefault("8")
    int concurrency();

    /** Requests allowed to wait for a worker; one more answers 429. */
    @WithDefault("8")
    int queueCapacity();

    /** Seconds a client is told to wait after a 429. */
    @WithDefault("5")
    int retryAfterSeconds();

    /** Whole-request deadline (queue wait + decoding); over it answers 504. */
    @WithDefault("10m")
    Duration requestTimeout();

    /** 30-second pieces of one long file decoded at the same time. */
    @WithDefault("4")
    int parallelPieces();

    /** Windows being decoded at once over all requests: each holds its cross K/V (tiny: 18 MB, base: 37 MB). */
    @WithDefault("8")
    int windowsInFlight();

    /** Beam width for every request (1 = greedy); absent keeps {@code DecodingOptions}' default. */
    Optional<Integer> beamSize();

    /** Audio longer than this is refused (400) before decoding it all. */
    @WithDefault("3h")
    Duration maxAudioDuration();
}
