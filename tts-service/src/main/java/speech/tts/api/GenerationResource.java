package speech.tts.api;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import speech.runtime.http.ApiException;
import speech.runtime.http.OpenApiDocument;
import speech.tts.service.GenerationService;

@Path("/v1/generations")
@Tag(name = "Generations", description = "Every synthesis, stored with its settings and audio")
@Produces(MediaType.APPLICATION_JSON)
public class GenerationResource {

    private final GenerationService generations;

    GenerationResource(GenerationService generations) {
        this.generations = generations;
    }

    @GET
    @Operation(operationId = "listGenerations", summary = "Stored generations, newest first", description = "Optionally of one voice (`voice_id`); paged by `limit` and `offset`.")
    @APIResponse(responseCode = "200", description = "One page of generations")
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    public Views.ListView<Views.GenerationView> list(@QueryParam("voice_id") String voiceId,
                                                     @QueryParam("limit") @DefaultValue(Paging.DEFAULT_LIMIT) String limit,
                                                     @QueryParam("offset") @DefaultValue("0") String offset) {
        return Views.ListView.of(generations.list(voiceId, Paging.limit(limit), Paging.offset(offset)), Views.GenerationView::of);
    }

    @GET
    @Path("{id}")
    @Operation(operationId = "getGeneration", summary = "One generation", description = "Its text, voice, format, timing, seed and sampler settings.")
    @APIResponse(responseCode = "200", description = "The generation", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Views.GenerationView.class)))
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    public Views.GenerationView get(@PathParam("id") String id) {
        return generations.get(id).map(Views.GenerationView::of).orElseThrow(() -> notFound());
    }

    @GET
    @Path("{id}/audio")
    @Produces(MediaType.WILDCARD)
    @Operation(operationId = "getGenerationAudio", summary = "A generation's audio",
            description = "With its real Content-Type; `format` converts a WAV generation to another format (wav, flac, mp3, opus, aac, pcm).")
    @APIResponse(responseCode = "200", description = "The audio", content = @Content(mediaType = "audio/*", schema = @Schema(type = SchemaType.STRING, format = "binary")))
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    public Response audio(@PathParam("id") String id,
                          @QueryParam("format") @Parameter(description = "Convert to this format (from a WAV generation)",
                                  schema = @Schema(enumeration = {"wav", "flac", "mp3", "opus", "aac", "pcm"})) String format) {
        var clip = generations.audio(id, format).orElseThrow(GenerationResource::notFound);
        return Response.ok(clip.body(), clip.mediaType())
                .header("Content-Disposition", "inline; filename=\"" + id + "." + clip.extension() + "\"").build();
    }

    @DELETE
    @Operation(operationId = "deleteGeneration", summary = "Delete a generation", description = "Its record and its audio.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        if (!generations.delete(id)) {
            throw notFound();
        }
        return Response.noContent().build();
    }

    private static ApiException notFound() {
        return ApiException.notFound("generation_not_found", "no generation with this id; GET /v1/generations lists them", null);
    }
}
