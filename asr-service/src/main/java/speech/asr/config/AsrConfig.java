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

    /**
     * 30-second pieces of one long file decoded at the same time: all of a 4-minute file, so its windows
     * fill the decoder's steps together (173-s file: 7 pieces, 10 % faster than 4 at a time).
     */
    @WithDefault("8")
    int parallelPieces();

    /** Windows being decoded at once over all requests: each holds its cross K/V (tiny: 18 MB, base: 37 MB). */
    @WithDefault("12")
    int windowsInFlight();

    /** Beam width for every request (1 = greedy); absent keeps {@code DecodingOptions}' default. */
    Optional<Integer> beamSize();

    /** Audio longer than this is refused (400) before decoding it all. */
    @WithDefault("3h")
    Duration maxAudioDuration();

    /** Live transcription sessions on /v1/realtime. */
    Realtime realtime();

    interface Realtime {
        /** Sessions open at once; one more is refused (429) before the WebSocket opens. */
        @WithDefault("8")
        int maxSessions();

        /** A session that sends nothing this long is closed. */
        @WithDefault("2m")
        Duration idleTimeout();

        /** Audio one session holds uncommitted: appends past it are refused (client commits), or a turn is committed (server VAD). */
        @WithDefault("60s")
        Duration maxBuffer();

        /** Decoded PCM bytes one append may carry (1 MiB: 21 s at 24 kHz). */
        @WithDefault("1048576")
        int maxAppendBytes();

        /** Committed items of one session transcribed at once (events still in commit order); one more waits, and the session stops reading its socket. */
        @WithDefault("4")
        int maxPendingItems();
    }

    /** Where a browser finds the TTS service (its pages link there); unset = no link. */
    Optional<java.net.URI> ttsUrl();
}
