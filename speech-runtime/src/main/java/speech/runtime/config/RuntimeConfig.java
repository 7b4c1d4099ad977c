package speech.runtime.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings shared by both services: ONNX Runtime execution and ffmpeg ({@code speech.*}). */
@ConfigMapping(prefix = "speech")
public interface RuntimeConfig {

    Ort ort();

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
}
