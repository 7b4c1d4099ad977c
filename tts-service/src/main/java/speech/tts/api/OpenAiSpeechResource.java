package speech.tts.api;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import speech.runtime.http.ApiException;
import speech.runtime.info.ModelList;
import speech.runtime.model.ModelRegistry;
import speech.tts.service.LoadedModel;
import speech.tts.service.SpeechService;
import speech.tts.service.VoiceService;

/** The OpenAI-compatible surface: /v1/audio/speech, /v1/audio/voices, /v1/models. */
@Path("/v1")
public class OpenAiSpeechResource {

    private final SpeechService speech;
    private final VoiceService voices;
    private final ModelRegistry<LoadedModel> models;

    OpenAiSpeechResource(SpeechService speech, VoiceService voices, ModelRegistry<LoadedModel> models) {
        this.speech = speech;
        this.voices = voices;
        this.models = models;
    }

    @POST
    @Path("audio/speech")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.WILDCARD) // the answer carries its real type; Audio.negotiated checks Accept
    @Operation(summary = "OpenAI-compatible speech: model, input, voice (id or name), response_format, speed")
    public Response speech(OpenAiSpeechRequest request, @Context HttpHeaders headers, @Context HttpServerRequest http) {
        if (request == null) {
            throw ApiException.badRequest("missing_body", "a JSON body with \"input\" and \"voice\" is required");
        }
        return Audio.respond(speech::prepareOpenAi, speech, request.toCommand(), request.streamFormat(), headers, http);
    }

    @GET
    @Path("audio/voices")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> voices() {
        List<Map<String, String>> data = voices.list(100, 0).data().stream()
                .map(v -> Map.of("voice_id", v.id(), "name", v.name())).toList();
        return Map.of("object", "list", "voices", data);
    }

    @GET
    @Path("models")
    @Produces(MediaType.APPLICATION_JSON)
    public ModelList models() {
        return ModelList.of(models.manifests());
    }
}
