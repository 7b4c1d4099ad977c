package speech.asr.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import speech.asr.service.TranscriptionService;
import speech.asr.whisper.Task;

/** OpenAI-compatible speech to text: bind the form, run the service, write the requested format. */
@Path("/v1/audio")
public class TranscriptionResource {

    @Inject
    TranscriptionService service;

    @POST
    @Path("/transcriptions")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, "application/x-subrip", "text/vtt"})
    @Operation(summary = "Transcribe audio into the input language")
    public Response transcriptions(@BeanParam TranscriptionForm form) {
        return respond(service.transcribe(form.toRequest(Task.TRANSCRIBE)));
    }

    @POST
    @Path("/translations")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, "application/x-subrip", "text/vtt"})
    @Operation(summary = "Translate audio into English (multilingual models)")
    public Response translations(@BeanParam TranscriptionForm form) {
        return respond(service.transcribe(form.toRequest(Task.TRANSLATE)));
    }

    private static Response respond(TranscriptionService.Result r) {
        Object body = TranscriptWriter.write(r.format(), r.transcript(), r.processingSeconds(), r.model());
        return Response.ok(body, r.format().mediaType()).build();
    }
}
