package speech.runtime.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import speech.runtime.model.ModelRegistry;

/** Settings shared by both services ({@code speech.*}): ONNX Runtime, ffmpeg, the request queue, uploads, loaded models. */
@ConfigMapping(prefix = "speech")
public interface RuntimeConfig {

    Service service();

    Ort ort();

    Queue queue();

    Upload upload();

    Models models();

    Ffmpeg ffmpeg();

    interface Ort {
        /**
         * auto (CUDA when it loads, else CPU with one log line), cuda (CUDA or not ready, with the reason in
         * readiness and /v1/info), or cpu. Env SPEECH_ORT_PROVIDER; any other value stops the start.
         */
        @WithDefault("auto")
        Provider provider();

        @WithDefault("0")
        int deviceId();

        /** Threads per operator; 0 = ONNX Runtime's choice (all cores). */
        @WithDefault("0")
        int intraOpThreads();

        @WithDefault("1")
        int interOpThreads();

        /**
         * Whether idle intra-op threads spin waiting for the next operator (ONNX Runtime's default) or sleep. Off:
         * the services run several sessions at once, and on 2 cores the ASR was 16 % faster on 21 short clips and
         * 7 % on the 173 s file without spinning (bench/README.md). Env SPEECH_ORT_ALLOW_SPINNING.
         */
        @WithDefault("false")
        boolean allowSpinning();

        /**
         * Bound of the CUDA memory arena per session, in bytes; 0 = none. Set it below the GPU's memory
         * minus what other processes on the GPU need, so a long input fails alone instead of starving them.
         */
        @WithDefault("0")
        long gpuMemLimitBytes();
    }

    enum Provider { AUTO, CUDA, CPU }

    interface Ffmpeg {
        @WithDefault("ffmpeg")
        String path();

        /** ffprobe binary, used to tell what an uploaded file really is. */
        @WithDefault("ffprobe")
        String probePath();

        @WithDefault("5m")
        Duration timeout();
    }

    interface Service {
        /** Short service name: the queue's metric tag ({@code queue="asr"}) and /v1/info's {@code service}. */
        @WithDefault("speech")
        String name();
    }

    interface Queue {
        /** Requests running at once. */
        @WithDefault("1")
        int concurrency();

        /** Requests waiting for a worker; one more answers 429. */
        @WithDefault("8")
        int capacity();

        /** Whole-request deadline (queue wait + work); over it answers 504. */
        @WithDefault("10m")
        Duration timeout();

        /** Seconds a client is told to wait after a 429. */
        @WithDefault("5")
        int retryAfterSeconds();
    }

    interface Upload {
        /** Largest accepted upload (the audio file); larger answers 413 with the JSON error. */
        @WithDefault("" + speech.runtime.http.UploadLimit.DEFAULT_MAX_BYTES)
        long maxBytes();
    }

    interface Models {
        /** Models loaded at once; loading one more unloads the least recently used idle one. 0 = no bound. */
        @WithDefault("0")
        int maxLoaded();

        /** Unload a model unused this long (frees GPU memory; it loads again on the next request). Unset = never. */
        Optional<Duration> idleUnload();

        /** Wait before retrying a failed load; doubles per failure up to {@code retry-max}. */
        @WithDefault("1s")
        Duration retryInitial();

        @WithDefault("1m")
        Duration retryMax();

        /**
         * Failed loads of the default model in a row after which {@code /q/health/started} stops waiting for it
         * (UP, readiness DOWN with the reason, loads still retried); a load in progress is always waited for.
         */
        @WithDefault("3")
        int startupAttempts();

        default ModelRegistry.Settings registrySettings() {
            return new ModelRegistry.Settings(maxLoaded(), idleUnload(), retryInitial(), retryMax(), startupAttempts());
        }
    }
}
