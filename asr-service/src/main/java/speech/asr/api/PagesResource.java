package speech.asr.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import speech.asr.config.AsrConfig;
import speech.runtime.config.RuntimeConfig;
import speech.runtime.ops.ApiKey;
import speech.runtime.pages.PageConfig;

/** The settings the Transcribe page (templates/ui, its script in META-INF/resources/ui) reads; not part of the API. */
@Path("/ui/config")
public class PagesResource {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Settings(String defaultModel, double maxAudioSeconds) {
    }

    @Inject
    AsrConfig config;

    @Inject
    RuntimeConfig runtime;

    @Inject
    ApiKey apiKey;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public PageConfig config() {
        return new PageConfig("asr", apiKey.required(), runtime.upload().maxBytes(),
                PageConfig.link(config.ttsUrl(), "speak.html", "Speak"),
                new Settings(config.defaultModel(), config.maxAudioDuration().toSeconds()));
    }
}
