package speech.asr.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import speech.asr.config.AsrConfig;
import speech.runtime.config.RuntimeConfig;
import speech.runtime.pages.PageConfig;

/** The settings the Transcribe page (META-INF/resources/ui) reads; not part of the API. */
@Path("/ui/config")
public class PagesResource {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Settings(String defaultModel, double maxAudioSeconds) {
    }

    @Inject
    AsrConfig config;

    @Inject
    RuntimeConfig runtime;

    @ConfigProperty(name = "speech.api-key")
    Optional<String> apiKey;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public PageConfig config() {
        return new PageConfig("asr", PageConfig.keySet(apiKey), runtime.upload().maxBytes(),
                PageConfig.link(config.ttsUrl(), "speak.html", "Speak"),
                new Settings(config.defaultModel(), config.maxAudioDuration().toSeconds()));
    }
}
