package speech.asr.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import speech.asr.service.ModelRegistry;
import speech.asr.whisper.WhisperManifest;
import speech.runtime.info.BuildInfo;
import speech.runtime.model.Manifest;
import speech.runtime.model.ModelLicense;
import speech.runtime.ort.OrtSessions;

/** What is running: build, models (with their manifest hashes) and the ONNX Runtime provider in use. */
@Path("/v1/info")
@Produces(MediaType.APPLICATION_JSON)
public class InfoResource {

    public record ModelInfo(String id, boolean loaded, @JsonProperty("manifest_sha256") String manifestSha256,
                            @JsonProperty("model_name") String modelName, boolean multilingual, String precision,
                            ModelLicense license) {
    }

    public record Info(String service, String version, @JsonProperty("git_commit") String gitCommit, @JsonProperty("git_dirty") boolean gitDirty,
                       @JsonProperty("build_time") String buildTime, @JsonProperty("default_model") String defaultModel,
                       List<ModelInfo> models, @JsonProperty("execution_provider") String executionProvider,
                       @JsonProperty("provider_fallback_reason") String providerFallbackReason, String gpu) {
    }

    private static final BuildInfo BUILD = BuildInfo.load();

    @Inject
    ModelRegistry models;

    @Inject
    OrtSessions sessions;

    @GET
    public Info info() {
        List<ModelInfo> list = models.ids().stream().map(id -> models.manifest(id).map(m -> modelInfo(id, m)).orElseThrow()).toList();
        return new Info("asr", BUILD.version(), BUILD.gitCommit(), BUILD.gitDirty(), BUILD.buildTime(), models.defaultId(), list,
                sessions.providerInUse(), sessions.fallbackReason().orElse(null), sessions.gpuName().orElse(null));
    }

    private ModelInfo modelInfo(String id, Manifest m) {
        return new ModelInfo(id, models.isLoaded(id), m.sha256(), m.root().path("model_name").asText(id),
                m.root().path("multilingual").asBoolean(), WhisperManifest.precision(m.root()), m.license());
    }
}
