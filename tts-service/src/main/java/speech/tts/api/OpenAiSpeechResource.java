package speech.tts.api;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
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
    @Tag(name = "Speech", description = "Text to speech: the OpenAI-compatible endpoint and the native one with every sampler setting")
    @Operation(operationId = "createSpeech", summary = "Speak text in a stored voice (OpenAI-compatible)",
            description = "`voice` is a voice id or name from POST /v1/voices; OpenAI model names (tts-1, tts-1-hd, gpt-4o-mini-tts) "
                    + "mean the default model. Any Accept that admits the audio (application/octet-stream, audio/*, */*, the exact "
                    + "type, none) gets it with its real Content-Type.")
    @APIResponse(responseCode = "200", description = "The audio in response_format (mp3 by default)", content = {
            @Content(mediaType = "audio/mpeg", schema = @Schema(type = SchemaType.STRING, format = "binary")),
            @Content(mediaType = "audio/wav", schema = @Schema(type = SchemaType.STRING, format = "binary")),
            @Content(mediaType = "audio/flac", schema = @Schema(type = SchemaType.STRING, format = "binary")),
            @Content(mediaType = "audio/ogg", schema = @Schema(type = SchemaType.STRING, format = "binary")),
            @Content(mediaType = "audio/aac", schema = @Schema(type = SchemaType.STRING, format = "binary")),
            @Content(mediaType = "audio/L16", schema = @Schema(type = SchemaType.STRING, format = "binary")),
            @Content(mediaType = "text/event-stream", schema = @Schema(type = SchemaType.STRING, description = "stream_format sse: audio pieces as server-sent events"))},
            headers = {
            @Header(name = "X-Generation-Id", description = "Id of the stored generation (GET /v1/generations/{id})", schema = @Schema(type = SchemaType.STRING)),
            @Header(name = "X-Audio-Duration", description = "Seconds of audio", schema = @Schema(type = SchemaType.NUMBER)),
            @Header(name = "X-Processing-Time-Ms", description = "Synthesis time", schema = @Schema(type = SchemaType.INTEGER)),
            @Header(name = "X-Seed", description = "Noise seed; send it back to reproduce", schema = @Schema(type = SchemaType.INTEGER))})
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "406", ref = OpenApiDocument.NOT_ACCEPTABLE)
    @APIResponse(responseCode = "415", ref = OpenApiDocument.UNSUPPORTED_MEDIA_TYPE)
    @APIResponse(responseCode = "429", ref = OpenApiDocument.TOO_MANY_REQUESTS)
    @APIResponse(responseCode = "504", ref = OpenApiDocument.GATEWAY_TIMEOUT)
    @APIResponse(responseCode = "507", ref = OpenApiDocument.INSUFFICIENT_STORAGE)
    public Response speech(OpenAiSpeechRequest request, @Context HttpHeaders headers, @Context HttpServerRequest http) {
        if (request == null) {
            throw ApiException.badRequest("missing_body", "a JSON body with \"input\" and \"voice\" is required");
        }
        return Audio.respond(speech::prepareOpenAi, speech, request.toCommand(), request.streamFormat(), headers, http);
    }

    @GET
    @Path("audio/voices")
    @Tag(name = "Voices", description = "Reference recordings to speak in")
    @Operation(operationId = "listAudioVoices", summary = "Voices by id and name, as OpenAI-style clients list them",
            description = "The first 100 voices, newest first; GET /v1/voices pages through all of them with their details.")
    @APIResponse(responseCode = "200", description = "The voices")
    @Produces(MediaType.APPLICATION_JSON)
    public Views.AudioVoiceList voices() {
        return new Views.AudioVoiceList("list", voices.list(100, 0).data().stream().map(v -> new Views.AudioVoice(v.id(), v.name())).toList());
    }

    @GET
    @Path("models")
    @Produces(MediaType.APPLICATION_JSON)
    @Tag(name = "Models", description = "The models this service serves, with their licences")
    @Operation(operationId = "listModels", summary = "The models this service can serve (OpenAI-compatible)",
            description = "One entry per exported model folder, with the licence its export recorded.")
    @APIResponse(responseCode = "200", description = "The models")
    public ModelList models() {
        return ModelList.of(models.manifests());
    }

    @GET
    @Path("models/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Tag(name = "Models")
    @Operation(operationId = "retrieveModel", summary = "One model (OpenAI-compatible)", description = "404 lists the available ids in `error.details.available`.")
    @APIResponse(responseCode = "200", description = "The model")
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    public ModelList.Model model(@PathParam("id") String id) {
        return ModelList.retrieve(models, id);
    }
}
