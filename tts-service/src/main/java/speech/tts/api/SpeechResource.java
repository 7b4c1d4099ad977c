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
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import speech.runtime.http.ApiException;
import speech.runtime.http.OpenApiDocument;
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
    @Tag(name = "Speech", description = "Text to speech: the OpenAI-compatible endpoint and the native one with every sampler setting")
    @Operation(operationId = "speak", summary = "Speak text with every sampler setting exposed",
            description = "The native API: optionally in a stored voice (`voice_id`), with a seed and the Echo-TTS sampler fields; "
                    + "a missing field keeps the model's default. Stored as a generation.")
    @APIResponse(responseCode = "200", description = "The audio in `format` (wav by default)", content = {
            @Content(mediaType = "audio/mpeg", schema = @Schema(type = SchemaType.STRING, format = "binary")),
            @Content(mediaType = "audio/wav", schema = @Schema(type = SchemaType.STRING, format = "binary")),
            @Content(mediaType = "audio/flac", schema = @Schema(type = SchemaType.STRING, format = "binary")),
            @Content(mediaType = "audio/ogg", schema = @Schema(type = SchemaType.STRING, format = "binary")),
            @Content(mediaType = "audio/aac", schema = @Schema(type = SchemaType.STRING, format = "binary")),
            @Content(mediaType = "audio/L16", schema = @Schema(type = SchemaType.STRING, format = "binary"))},
            headers = {
            @Header(name = "X-Generation-Id", description = "Id of the stored generation (GET /v1/generations/{id})", schema = @Schema(type = SchemaType.STRING)),
            @Header(name = "X-Audio-Duration", description = "Seconds of audio", schema = @Schema(type = SchemaType.NUMBER)),
            @Header(name = "X-Processing-Time-Ms", description = "Synthesis time", schema = @Schema(type = SchemaType.INTEGER)),
            @Header(name = "X-Seed", description = "Noise seed; send it back to reproduce", schema = @Schema(type = SchemaType.INTEGER)),
            @Header(name = "X-Round-Trip", description = "With an ASR service configured: `pending` (scored after the answer; see the generation's "
                    + "`round_trip`), or with `verify` `scored` / `unavailable`", schema = @Schema(type = SchemaType.STRING)),
            @Header(name = "X-Round-Trip-Wer", description = "With `verify`: the word error rate of the answered attempt", schema = @Schema(type = SchemaType.NUMBER)),
            @Header(name = "X-Verify-Attempts", description = "With `verify`: generations tried", schema = @Schema(type = SchemaType.INTEGER)),
            @Header(name = "X-Verify-Passed", description = "With `verify`: whether the answered attempt is within `max_wer`", schema = @Schema(type = SchemaType.BOOLEAN))})
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "406", ref = OpenApiDocument.NOT_ACCEPTABLE)
    @APIResponse(responseCode = "415", ref = OpenApiDocument.UNSUPPORTED_MEDIA_TYPE)
    @APIResponse(responseCode = "429", ref = OpenApiDocument.TOO_MANY_REQUESTS)
    @APIResponse(responseCode = "504", ref = OpenApiDocument.GATEWAY_TIMEOUT)
    @APIResponse(responseCode = "507", ref = OpenApiDocument.INSUFFICIENT_STORAGE)
    public Response speak(SpeechRequest request, @Context HttpHeaders headers, @Context HttpServerRequest http) {
        if (request == null) {
            throw ApiException.badRequest("missing_body", "a JSON body with at least \"text\" is required");
        }
        return Audio.respond(speech::prepare, speech, request.toCommand(), request.streamFormat(), headers, http);
    }
}
