package speech.tts.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;
import speech.runtime.info.BuildInfo;
import speech.runtime.ort.OrtSessions;
import speech.tts.service.ModelRegistry;

@Path("/v1/info")
public class InfoResource {

    private static final BuildInfo BUILD = BuildInfo.load();

    private final ModelRegistry models;
    private final OrtSessions sessions;

    InfoResource(ModelRegistry models, OrtSessions sessions) {
        this.models = models;
        this.sessions = sessions;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> info() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("service", "tts-service");
        info.put("version", BUILD.version());
        info.put("git_commit", BUILD.gitCommit());
        info.put("git_dirty", BUILD.gitDirty());
        info.put("build_time", BUILD.buildTime());
        info.put("model", models.loadedDefault().map(m -> Map.of("id", m.id(), "manifest_sha256", m.manifest().sha256(),
                "dit_layers", m.constants().layers(), "batched_chunks", m.perLaneConditioning(),
                "license", m.manifest().license())).orElse(null));
        info.put("model_status", models.status());
        info.put("engine", models.engineStats().orElse(null)); // rows (lanes) per DiT step, queue, K/V memory in use
        info.put("execution_provider", sessions.providerInUse());
        info.put("provider_fallback_reason", sessions.fallbackReason().orElse(null));
        return info;
    }
}
