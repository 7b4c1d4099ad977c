package speech.asr.api;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import speech.asr.config.AsrConfig;

/** 413 with the JSON error for uploads over asr.max-upload-size (see the runtime's UploadLimit). */
@ApplicationScoped
public class UploadLimit {

    void install(@Observes Router router, AsrConfig config) {
        speech.runtime.http.UploadLimit.install(router, "/v1/audio/", config.maxUploadSize(), 0);
    }
}
