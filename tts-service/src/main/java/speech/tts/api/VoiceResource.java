package speech.tts.api;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
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
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;
import speech.runtime.http.ApiException;
import speech.runtime.http.FormParts;
import speech.runtime.http.OpenApiDocument;
import speech.tts.service.VoiceService;

@Path("/v1/voices")
@Tag(name = "Voices", description = "Reference recordings to speak in")
@Produces(MediaType.APPLICATION_JSON)
public class VoiceResource {

    private final VoiceService voices;

    /** The multipart form of POST /v1/voices, for the OpenAPI document (the method reads the parts itself). */
    @Schema(name = "VoiceUpload", requiredProperties = {"name", "file"})
    static final class VoiceUpload {
        @Schema(description = "Its name; usable wherever a voice id is (the newest voice of that name)", example = "narrator")
        public String name;
        @Schema(description = "The reference recording: 10 s to 5 min of one speaker, any container ffmpeg reads", type = SchemaType.STRING, format = "binary")
        public String file;
    }

    VoiceResource(VoiceService voices) {
        this.voices = voices;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(operationId = "createVoice", summary = "Create a voice from a reference recording",
            description = "Multipart: `name` (unique) and `file`, 10 s to 5 min of one speaker in any container ffmpeg reads. "
                    + "The answer's Location is the new voice.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.MULTIPART_FORM_DATA, schema = @Schema(implementation = VoiceUpload.class)))
    @APIResponse(responseCode = "201", description = "The voice", headers = @Header(name = "Location", description = "/v1/voices/{id}",
            schema = @Schema(type = SchemaType.STRING)), content = @Content(mediaType = "application/json", schema = @Schema(implementation = Views.VoiceView.class)))
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "413", ref = OpenApiDocument.PAYLOAD_TOO_LARGE)
    @APIResponse(responseCode = "415", ref = OpenApiDocument.UNSUPPORTED_MEDIA_TYPE)
    @APIResponse(responseCode = "507", ref = OpenApiDocument.INSUFFICIENT_STORAGE)
    public Response create(@RestForm String name, @RestForm(FileUpload.ALL) List<FileUpload> uploads) {
        FileUpload file = FormParts.single(uploads, "file");
        Views.VoiceView voice = Views.VoiceView.of(voices.create(name, file == null ? null : file.uploadedFile()));
        return Response.created(URI.create("/v1/voices/" + voice.id())).entity(voice).build();
    }

    @GET
    @Operation(operationId = "listVoices", summary = "Voices, newest first", description = "Paged by `limit` and `offset`; `has_more` says whether more follow.")
    @APIResponse(responseCode = "200", description = "One page of voices")
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    public Views.ListView<Views.VoiceView> list(@QueryParam("limit") @DefaultValue(Paging.DEFAULT_LIMIT) String limit,
                                                @QueryParam("offset") @DefaultValue("0") String offset) {
        return Views.ListView.of(voices.list(Paging.limit(limit), Paging.offset(offset)), Views.VoiceView::of);
    }

    @GET
    @Path("{id}")
    @Operation(operationId = "getVoice", summary = "One voice", description = "Its name, reference duration and media type, and where its audio is.")
    @APIResponse(responseCode = "200", description = "The voice", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Views.VoiceView.class)))
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    public Views.VoiceView get(@PathParam("id") String id) {
        return voices.get(id).map(Views.VoiceView::of).orElseThrow(() -> notFound(id));
    }

    @GET
    @Path("{id}/audio")
    @Produces(MediaType.WILDCARD)
    @Operation(operationId = "getVoiceAudio", summary = "The reference recording", description = "As uploaded, with its real Content-Type.")
    @APIResponse(responseCode = "200", description = "The recording", content = @Content(mediaType = "audio/*", schema = @Schema(type = SchemaType.STRING, format = "binary")))
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    public Response audio(@PathParam("id") String id) {
        var voice = voices.get(id).orElseThrow(() -> notFound(id));
        return Response.ok(voices.audio(id).orElseThrow(() -> notFound(id)), voice.mediaType()).build();
    }

    /** PATCH /v1/voices/{id} body: only the name can change. */
    @Schema(name = "VoiceRename", requiredProperties = "name")
    public record Rename(@Schema(description = "The new name", example = "narrator") String name) {
    }

    @PATCH
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "renameVoice", summary = "Rename a voice", description = "Only `name` changes; the reference and the generations made with it stay.")
    @APIResponse(responseCode = "200", description = "The renamed voice", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Views.VoiceView.class)))
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "415", ref = OpenApiDocument.UNSUPPORTED_MEDIA_TYPE)
    public Views.VoiceView rename(@PathParam("id") String id, Rename body) {
        if (body == null) {
            throw ApiException.badRequest("missing_body", "a JSON body with \"name\" is required");
        }
        return voices.rename(id, body.name()).map(Views.VoiceView::of).orElseThrow(() -> notFound(id));
    }

    @DELETE
    @Path("{id}")
    @Operation(operationId = "deleteVoice", summary = "Delete a voice", description = "Its reference, its speaker latent and the generations made with it, in one transaction.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
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
