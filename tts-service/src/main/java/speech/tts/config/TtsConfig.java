package speech.tts.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * TTS service settings ({@code tts.*}; env TTS_MODELS_DIR, TTS_DATA_DIR, …). The queue, the upload limit
 * and model loading are the runtime's {@code speech.*} settings.
 */
@ConfigMapping(prefix = "tts")
public interface TtsConfig {

    /** Folder of exported Echo-TTS models, one sub-folder (with manifest.json) per model id. */
    Path modelsDir();

    /** Model served when a request names none; the only/first folder when unset. */
    Optional<String> defaultModel();

    /** Database, voice references, speaker latents and generated audio. */
    Path dataDir();

    /** Free space kept on the data volume (512 MiB): below it, new voices and stored speech answer 507 before any work. */
    @WithDefault("536870912")
    long minFreeDiskBytes();

    Voices voices();

    Speech speech();

    Storage storage();

    Generations generations();

    Asr asr();

    /**
     * The round trip (tts.asr.*): when {@code url} is set, every stored generation is transcribed by that ASR
     * service and scored against its text; {@code verify} requests regenerate while the score is too bad.
     */
    interface Asr {
        /** Base URL of the ASR service as this service reaches it ({@code http://asr-service:8080}); unset = no round trip. */
        Optional<java.net.URI> url();

        /** Where a browser reaches the ASR service's pages, when not at {@link #url()} (a cluster-internal address). */
        Optional<java.net.URI> pageUrl();

        /** Bearer key for the ASR service; defaults to this service's own speech.api-key (one key per deployment). */
        Optional<String> apiKey();

        /** ASR model id; unset = the ASR service's default. */
        Optional<String> model();

        /** Spoken language passed to the ASR service; unset = detected (an English-only model ignores it). */
        Optional<String> language();

        @WithDefault("2s")
        Duration connectTimeout();

        /** One transcription call, upload to answer. */
        @WithDefault("60s")
        Duration timeout();

        /** Further tries after a failed call (unreachable, 429, 5xx); a 4xx answer is not retried. */
        @WithDefault("2")
        int retries();

        /** Wait before the first retry, doubled before each next one. */
        @WithDefault("500ms")
        Duration retryBackoff();

        /** Generations waiting to be scored after they were answered; more are marked unavailable rather than queued. */
        @WithDefault("64")
        int maxPending();
    }

    /** What is kept of generated audio (tts.generations.*); the oldest go first. */
    interface Generations {
        /** Older generations are deleted. */
        @WithDefault("168h")
        Duration maxAge();

        /** Total audio kept (1 GiB); past it the oldest are deleted. */
        @WithDefault("1073741824")
        long maxTotalBytes();

        /** Whether the OpenAI-compatible /v1/audio/speech keeps what it generates (its clients never ask for it again). */
        @WithDefault("false")
        boolean storeOpenai();
    }

    interface Voices {
        @WithDefault("10")
        double minSeconds();

        @WithDefault("300")
        double maxSeconds();

        @WithDefault("100")
        int maxNameLength();

        /**
         * Memory for the speaker K/V of recently used voices, per loaded model (2 GiB; a 5-minute reference
         * is about 630 MB on the full-size model). Held in direct buffers: keep -XX:MaxDirectMemorySize above it.
         */
        @WithDefault("2147483648")
        long speakerCacheBytes();
    }

    interface Speech {
        @WithDefault("5000")
        int maxTextChars();

        /** Text tokens per chunk (BOS and tag included); about 20 s of speech, well inside the model's 30 s window. */
        @WithDefault("300")
        int maxChunkTokens();

        /** Chunks of one request sampled as lanes of the same DiT steps (when the graph allows per-lane K/V). */
        @WithDefault("4")
        int maxBatchChunks();

        /** Memory budget of the per-lane K/V copies of such a batch. */
        @WithDefault("1073741824")
        long maxBatchKvBytes();

        @WithDefault("0.05")
        double crossFadeSeconds();

        /** Sample only the latents a chunk's text needs (a speaking-rate estimate), sequence_length being the most. */
        @WithDefault("true")
        boolean fitLengthToText();
    }

    /**
     * Where voices and generations live. Defaults: embedded H2 and files under {@code tts.data-dir}
     * (one process). Several replicas share a PostgreSQL database and an S3-compatible bucket.
     */
    interface Storage {

        Database database();

        /** {@code file} (under tts.data-dir) or {@code s3}. */
        @WithDefault("file")
        BlobKind blobs();

        S3 s3();

        /**
         * Files without a database row are removed at startup only once older than this, since another
         * replica may be writing them. Default: 0 for the embedded database (one process owns the data),
         * 1 h for a shared one.
         */
        Optional<Duration> orphanMinAge();

        enum BlobKind { FILE, S3 }

        interface Database {
            /** JDBC URL of a shared database ({@code jdbc:postgresql://host:5432/tts}); unset = embedded H2. */
            Optional<String> url();

            Optional<String> username();

            Optional<String> password();

            @WithDefault("8")
            int maxConnections();
        }

        interface S3 {
            /** S3-compatible endpoint ({@code http://seaweedfs:8333}); unset = AWS S3 of {@link #region()}. */
            Optional<java.net.URI> endpoint();

            @WithDefault("us-east-1")
            String region();

            @WithDefault("tts")
            String bucket();

            /** Key prefix inside the bucket (to share one bucket between deployments); none by default. */
            Optional<String> prefix();

            /** Path-style URLs (bucket in the path): what most S3-compatible servers expect. */
            @WithDefault("true")
            boolean pathStyle();

            /** Unset: the SDK's default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, web identity, …). */
            Optional<String> accessKey();

            Optional<String> secretKey();
        }
    }
}
