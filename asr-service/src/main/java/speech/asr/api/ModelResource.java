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
import speech.runtime.model.Manifest;
import speech.runtime.model.ModelLicense;

/** OpenAI's model list: every folder under asr.models-dir. */
@Path("/v1/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelResource {

    public record ModelJson(String id, String object, long created, @com.fasterxml.jackson.annotation.JsonProperty("owned_by") String ownedBy,
                            ModelLicense license) {
        static ModelJson of(Manifest manifest) {
            return new ModelJson(manifest.dir().getFileName().toString(), "model", 0, "speech-platform", manifest.license());
        }
    }

    public record ModelList(String object, List<ModelJson> data) {
    }

    @Inject
    ModelRegistry models;

    @GET
    public ModelList list() {
        return new ModelList("list", models.ids().stream().flatMap(id -> models.manifest(id).stream()).map(ModelJson::of).toList());
    }

    @GET
    @Path("/{id}")
    public ModelJson get(@PathParam("id") String id) {
        return models.manifest(id).map(ModelJson::of).orElseThrow(() ->
                ApiException.notFound("model_not_found", "model '" + id + "' does not exist", Map.of("available", models.ids())));
    }
}
