package speech.tts.api;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;
import speech.runtime.http.ApiException;
import speech.runtime.http.FormParts;
import speech.tts.service.VoiceService;

@Path("/v1/voices")
@Produces(MediaType.APPLICATION_JSON)
public class VoiceResource {

    private final VoiceService voices;

    VoiceResource(VoiceService voices) {
        this.voices = voices;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Create a voice from a 10 s – 5 min reference recording (multipart: name, file)")
    public Response create(@RestForm String name, @RestForm(FileUpload.ALL) List<FileUpload> uploads) {
        FileUpload file = FormParts.single(uploads, "file");
        Views.VoiceView voice = Views.VoiceView.of(voices.create(name, file == null ? null : file.uploadedFile()));
        return Response.created(URI.create("/v1/voices/" + voice.id())).entity(voice).build();
    }

    @GET
    @Operation(summary = "Voices, newest first")
    public Views.ListView<Views.VoiceView> list(@QueryParam("limit") @DefaultValue(Paging.DEFAULT_LIMIT) String limit,
                                                @QueryParam("offset") @DefaultValue("0") String offset) {
        return Views.ListView.of(voices.list(Paging.limit(limit), Paging.offset(offset)), Views.VoiceView::of);
    }

    @GET
    @Path("{id}")
    public Views.VoiceView get(@PathParam("id") String id) {
        return voices.get(id).map(Views.VoiceView::of).orElseThrow(() -> notFound(id));
    }

    @GET
    @Path("{id}/audio")
    @Produces(MediaType.WILDCARD)
    @Operation(summary = "The reference recording as uploaded, with its real Content-Type")
    public Response audio(@PathParam("id") String id) {
        var voice = voices.get(id).orElseThrow(() -> notFound(id));
        return Response.ok(voices.audio(id).orElseThrow(() -> notFound(id)), voice.mediaType()).build();
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Delete a voice: its reference, its speaker latent and the audio generated with it")
    public Response delete(@PathParam("id") String id) {
        if (!voices.delete(id)) {
            throw notFound(id);
        }
        return Response.noContent().build();
    }

    static ApiException notFound(String id) {
        return ApiException.notFound("voice_not_found", "no voice with this id; GET /v1/voices lists them", null);
    }
}
