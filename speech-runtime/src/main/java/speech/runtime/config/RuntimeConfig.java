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
        /** auto (CUDA when available, else CPU), cuda, or cpu. Env SPEECH_ORT_PROVIDER. */
        @WithDefault("auto")
        String provider();

        @WithDefault("0")
        int deviceId();

        /** Threads per operator; 0 = ONNX Runtime's choice (all cores). */
        @WithDefault("0")
        int intraOpThreads();

        @WithDefault("1")
        int interOpThreads();
    }

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
