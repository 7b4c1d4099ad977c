package speech.tts.api;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import speech.tts.config.TtsConfig;

/** 413 with the JSON error for voice uploads over tts.voices.max-upload-bytes (see the runtime's UploadLimit). */
@ApplicationScoped
public class UploadLimit {

    /** Room for the multipart envelope and the other form fields. */
    static final long MULTIPART_OVERHEAD = 1 << 20;

    void install(@Observes Router router, TtsConfig config) {
        speech.runtime.http.UploadLimit.install(router, "/v1/", config.voices().maxUploadBytes(), MULTIPART_OVERHEAD);
    }
}
