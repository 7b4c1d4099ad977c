package speech.asr.api;

import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import speech.asr.service.TranscribeCommand;
import speech.asr.service.TranscriptionService;
import speech.asr.service.TranscriptionStream;
import speech.asr.whisper.Task;
import speech.runtime.http.OpenApiDocument;
import speech.runtime.http.ServerSentEvents;

/** OpenAI-compatible speech to text: parse the form into a command, run the service, write the requested format. */
@Path("/v1/audio")
public class TranscriptionResource {

    @Inject
    TranscriptionService service;

    @Context
    HttpServerRequest request;

    @POST
    @Path("/transcriptions")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, "application/x-subrip", "text/vtt", ServerSentEvents.MEDIA_TYPE})
    @Tag(name = "Transcription", description = "Speech to text in the spoken language (OpenAI-compatible)")
    @Operation(operationId = "createTranscription", summary = "Transcribe audio into the input language",
            description = "OpenAI-compatible. Any audio or video container ffmpeg reads; long recordings are cut at silences and "
                    + "decoded in parallel, with absolute timestamps. `model` is a model id from GET /v1/models (`whisper-1` or none "
                    + "means the default). `stream=true` answers server-sent events: the text of each segment as soon as it is "
                    + "decoded, while later parts of the recording are still being decoded.")
    @APIResponse(responseCode = "200", description = "The transcript in the requested response_format", content = {
            @Content(mediaType = "application/json", schema = @Schema(anyOf = {TranscriptWriter.Json.class, TranscriptWriter.VerboseJson.class})),
            @Content(mediaType = "text/plain", schema = @Schema(type = SchemaType.STRING, example = "And so my fellow Americans, ask not what your country can do for you.")),
            @Content(mediaType = "application/x-subrip", schema = @Schema(type = SchemaType.STRING, example = "1\n00:00:00,000 --> 00:00:04,000\nAnd so my fellow Americans\n")),
            @Content(mediaType = "text/vtt", schema = @Schema(type = SchemaType.STRING, example = "WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nAnd so my fellow Americans\n")),
            @Content(mediaType = ServerSentEvents.MEDIA_TYPE, schema = @Schema(anyOf = {TranscriptEvents.Delta.class, TranscriptEvents.Done.class},
                    description = "stream=true: server-sent events, each `event: <type>` and `data: <json>`; a failure after the "
                            + "stream began is an `error` event with the usual error body and its `status`"))})
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "413", ref = OpenApiDocument.PAYLOAD_TOO_LARGE)
    @APIResponse(responseCode = "415", ref = OpenApiDocument.UNSUPPORTED_MEDIA_TYPE)
    @APIResponse(responseCode = "429", ref = OpenApiDocument.TOO_MANY_REQUESTS)
    @APIResponse(responseCode = "507", ref = OpenApiDocument.INSUFFICIENT_STORAGE)
    @APIResponse(responseCode = "504", ref = OpenApiDocument.GATEWAY_TIMEOUT)
    public Response transcriptions(@BeanParam TranscriptionForm form) {
        return transcribe(form, Task.TRANSCRIBE);
    }

    @POST
    @Path("/translations")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, "application/x-subrip", "text/vtt", ServerSentEvents.MEDIA_TYPE})
    @Tag(name = "Translation", description = "Speech in any language to English text (OpenAI-compatible)")
    @Operation(operationId = "createTranslation", summary = "Translate audio into English",
            description = "OpenAI-compatible. Needs a multilingual model (an English-only `.en` model answers 400 on `model`); "
                    + "`language` names the spoken language when known.")
    @APIResponse(responseCode = "200", description = "The transcript in the requested response_format", content = {
            @Content(mediaType = "application/json", schema = @Schema(anyOf = {TranscriptWriter.Json.class, TranscriptWriter.VerboseJson.class})),
            @Content(mediaType = "text/plain", schema = @Schema(type = SchemaType.STRING, example = "And so my fellow Americans, ask not what your country can do for you.")),
            @Content(mediaType = "application/x-subrip", schema = @Schema(type = SchemaType.STRING, example = "1\n00:00:00,000 --> 00:00:04,000\nAnd so my fellow Americans\n")),
            @Content(mediaType = "text/vtt", schema = @Schema(type = SchemaType.STRING, example = "WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nAnd so my fellow Americans\n")),
            @Content(mediaType = ServerSentEvents.MEDIA_TYPE, schema = @Schema(anyOf = {TranscriptEvents.Delta.class, TranscriptEvents.Done.class},
                    description = "stream=true: server-sent events, each `event: <type>` and `data: <json>`; a failure after the "
                            + "stream began is an `error` event with the usual error body and its `status`"))})
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "413", ref = OpenApiDocument.PAYLOAD_TOO_LARGE)
    @APIResponse(responseCode = "415", ref = OpenApiDocument.UNSUPPORTED_MEDIA_TYPE)
    @APIResponse(responseCode = "429", ref = OpenApiDocument.TOO_MANY_REQUESTS)
    @APIResponse(responseCode = "507", ref = OpenApiDocument.INSUFFICIENT_STORAGE)
    @APIResponse(responseCode = "504", ref = OpenApiDocument.GATEWAY_TIMEOUT)
    public Response translations(@BeanParam TranscriptionForm form) {
        return transcribe(form, Task.TRANSLATE);
    }

    private Response transcribe(TranscriptionForm form, Task task) {
        ResponseFormat format = form.format();
        if (form.streamed(format)) {
            return stream(form.toCommand(task));
        }
        TranscriptWriter.Options output = form.writerOptions();
        TranscriptionService.Result r;
        try (ClientGone watch = ClientGone.watch(request)) {
            r = service.transcribe(form.toCommand(task));
        }
        return Response.ok(TranscriptWriter.write(format, r.transcript(), r.processingSeconds(), r.model(), output), format.mediaType()).build();
    }

    /** Errors until the audio is decoded are answered as usual; from then on the client going away cancels the work. */
    private Response stream(TranscribeCommand command) {
        TranscriptionStream stream;
        try (ClientGone watch = ClientGone.watch(request)) {
            stream = service.stream(command);
        }
        request.connection().closeHandler(closed -> stream.close());
        return Response.ok(TranscriptEvents.body(stream), ServerSentEvents.MEDIA_TYPE).build();
    }
}
