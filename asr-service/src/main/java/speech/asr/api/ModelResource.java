package speech.asr.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import speech.asr.service.ModelRegistry;
import speech.runtime.http.ApiException;

/** OpenAI's model list: every folder under asr.models-dir. */
@Path("/v1/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelResource {

    public record ModelJson(String id, String object, long created, @com.fasterxml.jackson.annotation.JsonProperty("owned_by") String ownedBy) {
        static ModelJson of(String id) {
            return new ModelJson(id, "model", 0, "speech-platform");
        }
    }

    public record ModelList(String object, List<ModelJson> data) {
    }

    @Inject
    ModelRegistry models;

    @GET
    public ModelList list() {
        return new ModelList("list", models.ids().stream().map(ModelJson::of).toList());
    }

    @GET
    @Path("/{id}")
    public ModelJson get(@PathParam("id") String id) {
        if (!models.ids().contains(id)) {
            throw ApiException.notFound("model_not_found", "model '" + id + "' does not exist", Map.of("available", models.ids()));
        }
        return ModelJson.of(id);
    }
}
