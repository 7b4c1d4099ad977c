package speech.asr.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import speech.asr.service.LoadedModel;
import speech.asr.whisper.WhisperManifest;
import speech.runtime.info.ServiceInfo;
import speech.runtime.model.Manifest;
import speech.runtime.model.ModelLicense;
import speech.runtime.model.ModelRegistry;

/** What is running: build and provider (the runtime's part), and every model with its manifest hash and licence. */
@Path("/v1/info")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Service", description = "What is running: version, build, model, execution provider")
public class InfoResource {

    public record ModelInfo(String id, boolean loaded, @JsonProperty("manifest_sha256") String manifestSha256,
                            @JsonProperty("model_name") String modelName, boolean multilingual, String precision,
                            ModelLicense license) {
    }

    public record Info(@JsonUnwrapped ServiceInfo service, @JsonProperty("default_model") String defaultModel, List<ModelInfo> models) {
    }

    @Inject
    ModelRegistry<LoadedModel> models;

    @Inject
    ServiceInfo.Source service;

    @GET
    @Operation(operationId = "getInfo", summary = "Version, build, models and execution provider",
            description = "What is running: version and git commit, the default model and its licence, and the ONNX Runtime provider in use.")
    @APIResponse(responseCode = "200", description = "The service's facts")
    public Info info() {
        return new Info(service.now(), models.defaultId().orElse(null), models.manifests().stream().map(this::modelInfo).toList());
    }

    private ModelInfo modelInfo(Manifest m) {
        String id = m.dir().getFileName().toString();
        return new ModelInfo(id, models.isLoaded(id), m.sha256(), m.root().path("model_name").asText(id),
                m.root().path("multilingual").asBoolean(), WhisperManifest.precision(m.root()), m.license());
    }
}
