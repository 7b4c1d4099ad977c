package speech.tts.api;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import speech.runtime.http.ApiException;
import speech.tts.service.SpeechService;

@Path("/v1/speech")
public class SpeechResource {

    private final SpeechService speech;

    SpeechResource(SpeechService speech) {
        this.speech = speech;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.WILDCARD) // the answer carries its real type; Audio.negotiated checks Accept
    @Operation(summary = "Speak text, optionally in a stored voice; returns audio with X-Generation-Id, X-Audio-Duration, X-Processing-Time-Ms")
    public Response speak(SpeechRequest request, @Context HttpHeaders headers, @Context HttpServerRequest http) {
        if (request == null) {
            throw ApiException.badRequest("missing_body", "a JSON body with at least \"text\" is required");
        }
        return Audio.respond(speech::prepare, speech, request.toCommand(), request.streamFormat(), headers, http);
    }
}
