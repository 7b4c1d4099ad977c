package speech.asr.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The ASR service's settings ({@code asr.*}); every key is overridable by env, e.g. ASR_MODELS_DIR.
 * The queue, the upload limit and model loading are the runtime's {@code speech.*} settings.
 */
@ConfigMapping(prefix = "asr")
public interface AsrConfig {

    /** Every folder with a manifest.json under it is a model; its id is the folder name. */
    Path modelsDir();

    /** Used when a request names no model (or OpenAI's "whisper-1"); loaded at startup. */
    String defaultModel();

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
