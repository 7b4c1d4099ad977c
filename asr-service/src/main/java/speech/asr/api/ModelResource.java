package speech.asr.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import speech.asr.service.LoadedModel;
import speech.runtime.info.ModelList;
import speech.runtime.model.ModelNotFoundException;
import speech.runtime.model.ModelRegistry;

/** OpenAI's model list: every Whisper export under asr.models-dir, with its licence. */
@Path("/v1/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelResource {

    @Inject
    ModelRegistry<LoadedModel> models;

    @GET
    public ModelList list() {
        return ModelList.of(models.manifests());
    }

    @GET
    @Path("/{id}")
    public ModelList.Model get(@PathParam("id") String id) {
        return models.manifest(id).map(ModelList.Model::of).orElseThrow(() -> new ModelNotFoundException(id, models.ids()));
    }
}
