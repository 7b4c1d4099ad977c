package speech.tts.api;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import speech.runtime.engine.EngineStats;
import speech.runtime.info.ServiceInfo;
import speech.runtime.model.ModelLicense;
import speech.runtime.model.ModelRegistry;
import speech.tts.echo.EchoModel;
import speech.tts.service.LoadedModel;

/** What is running: build and provider (the runtime's part), the default model once it is loaded, and its DiT scheduler. */
@Path("/v1/info")
@Tag(name = "Service", description = "What is running: version, build, model, execution provider")
public class InfoResource {

    /** {@code batched_chunks}: the graph takes per-lane conditioning, so a long text's chunks share DiT steps. */
    public record ModelInfo(String id, String manifestSha256, int ditLayers, boolean batchedChunks, ModelLicense license) {
    }

    /** {@code engine}: rows (lanes) per DiT step, queue, K/V memory in use. */
    public record Info(@JsonUnwrapped ServiceInfo service, ModelInfo model, String modelStatus, EngineStats engine) {
    }

    private final ModelRegistry<LoadedModel> models;
    private final ServiceInfo.Source service;

    InfoResource(ModelRegistry<LoadedModel> models, ServiceInfo.Source service) {
        this.models = models;
        this.service = service;
    }

    @GET
    @Operation(operationId = "getInfo", summary = "Version, build, models and execution provider",
            description = "What is running: version and git commit, the default model and its licence, and the ONNX Runtime provider in use.")
    @APIResponse(responseCode = "200", description = "The service's facts")
    @Produces(MediaType.APPLICATION_JSON)
    public Info info() {
        String status = models.readiness().reason();
        return models.defaultId().flatMap(models::acquireIfLoaded).map(lease -> {
            try (lease) {
                EchoModel m = lease.model().model();
                ModelInfo model = new ModelInfo(m.id(), m.manifest().sha256(), m.constants().layers(), m.perLaneConditioning(),
                        m.manifest().license());
                return new Info(service.now(), model, status, lease.model().synthesizer().stats());
            }
        }).orElseGet(() -> new Info(service.now(), null, status, null));
    }
}
