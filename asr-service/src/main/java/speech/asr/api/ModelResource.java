package speech.asr.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import speech.asr.service.LoadedModel;
import speech.runtime.http.OpenApiDocument;
import speech.runtime.info.ModelList;
import speech.runtime.model.ModelRegistry;

/** OpenAI's model list: every Whisper export under asr.models-dir, with its licence. */
@Path("/v1/models")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Models", description = "The models this service serves, with their licences")
public class ModelResource {

    @Inject
    ModelRegistry<LoadedModel> models;

    @GET
    @Operation(operationId = "listModels", summary = "The models this service can serve (OpenAI-compatible)",
            description = "One entry per exported model folder, with the licence its export recorded.")
    @APIResponse(responseCode = "200", description = "The models")
    public ModelList list() {
        return ModelList.of(models.manifests());
    }

    @GET
    @Path("/{id}")
    @Operation(operationId = "retrieveModel", summary = "One model (OpenAI-compatible)", description = "404 lists the available ids in `error.details.available`.")
    @APIResponse(responseCode = "200", description = "The model")
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    public ModelList.Model get(@PathParam("id") String id) {
        return ModelList.retrieve(models, id);
    }
}
