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
import speech.runtime.http.ApiException;
import speech.tts.service.GenerationService;

@Path("/v1/generations")
@Produces(MediaType.APPLICATION_JSON)
public class GenerationResource {

    private final GenerationService generations;

    GenerationResource(GenerationService generations) {
        this.generations = generations;
    }

    @GET
    public Views.ListView<Views.GenerationView> list(@QueryParam("voice_id") String voiceId,
                                                     @QueryParam("limit") @DefaultValue(Paging.DEFAULT_LIMIT) String limit,
                                                     @QueryParam("offset") @DefaultValue("0") String offset) {
        return Views.ListView.of(generations.list(voiceId, Paging.limit(limit), Paging.offset(offset)), Views.GenerationView::of);
    }

    @GET
    @Path("{id}")
    public Views.GenerationView get(@PathParam("id") String id) {
        return generations.get(id).map(Views.GenerationView::of).orElseThrow(() -> notFound());
    }

    @GET
    @Path("{id}/audio")
    @Produces(MediaType.WILDCARD)
    public Response audio(@PathParam("id") String id) {
        var generation = generations.get(id).orElseThrow(GenerationResource::notFound);
        return Response.ok(generations.audio(id).orElseThrow(GenerationResource::notFound), generation.mediaType()).build();
    }

    @DELETE
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
