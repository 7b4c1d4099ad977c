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
import speech.asr.service.TranscriptionService;
import speech.asr.whisper.Task;

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
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, "application/x-subrip", "text/vtt"})
    @Operation(summary = "Transcribe audio into the input language")
    public Response transcriptions(@BeanParam TranscriptionForm form) {
        return transcribe(form, Task.TRANSCRIBE);
    }

    @POST
    @Path("/translations")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, "application/x-subrip", "text/vtt"})
    @Operation(summary = "Translate audio into English (multilingual models)")
    public Response translations(@BeanParam TranscriptionForm form) {
        return transcribe(form, Task.TRANSLATE);
    }

    private Response transcribe(TranscriptionForm form, Task task) {
        ResponseFormat format = form.format();
        TranscriptionService.Result r;
        try (ClientGone watch = ClientGone.watch(request)) {
            r = service.transcribe(form.toCommand(task));
        }
        return Response.ok(TranscriptWriter.write(format, r.transcript(), r.processingSeconds(), r.model()), format.mediaType()).build();
    }
}
