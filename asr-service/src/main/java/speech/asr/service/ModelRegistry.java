package speech.asr.service;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;
import speech.asr.config.AsrConfig;
import speech.asr.whisper.WhisperModel;
import speech.runtime.http.ApiException;
import speech.runtime.model.Manifest;
import speech.runtime.model.ModelDirectory;
import speech.runtime.ort.OrtSessions;

/** Model id (folder name under asr.models-dir) → loaded {@link WhisperModel}; the default one loads at startup. */
@ApplicationScoped
public class ModelRegistry {

    /** OpenAI's model name; clients that send it get the default model. */
    public static final String OPENAI_ALIAS = "whisper-1";
    private static final Logger LOG = Logger.getLogger(ModelRegistry.class);

    private final AsrConfig config;
    private final ModelDirectory<WhisperModel> models;
    private volatile String defaultStatus = "not loaded yet";
    private volatile boolean defaultReady;

    public ModelRegistry(AsrConfig config, OrtSessions sessions) {
        this.config = config;
        this.models = new ModelDirectory<>(config.modelsDir(), manifest -> WhisperModel.load(manifest, sessions));
    }

    void loadDefaultInBackground(@Observes StartupEvent event) {
        Thread loader = new Thread(this::loadDefault, "asr-model-preload");
        loader.setDaemon(true);
        loader.start();
    }

    void close(@Observes ShutdownEvent event) throws Exception {
        models.close();
    }

    /** Loads the default model now; readiness reports the outcome. */
    public void loadDefault() {
        String id = config.defaultModel();
        defaultStatus = "loading model " + id;
        try {
            if (models.get(id).isEmpty()) {
                defaultStatus = "default model " + id + " not found in " + config.modelsDir() + " (available: " + ids() + ")";
                LOG.error(defaultStatus);
                return;
            }
            defaultReady = true;
            defaultStatus = "model " + id + " loaded";
        } catch (RuntimeException e) {
            defaultStatus = "default model " + id + " failed to load: " + e.getMessage();
            LOG.error(defaultStatus, e);
        }
    }

    public boolean defaultReady() {
        return defaultReady;
    }

    public String defaultStatus() {
        return defaultStatus;
    }

    public String defaultId() {
        return config.defaultModel();
    }

    public List<String> ids() {
        return models.ids();
    }

    public boolean isLoaded(String id) {
        return models.isLoaded(id);
    }

    /** The requested model (none, or "whisper-1", means the default); 404 naming the available ones otherwise. */
    public WhisperModel require(String requested) {
        String id = requested == null || requested.isBlank() || OPENAI_ALIAS.equals(requested) ? config.defaultModel() : requested.strip();
        return find(id).orElseThrow(() -> ApiException.notFound("model_not_found",
                "model '" + id + "' does not exist; available: " + String.join(", ", ids()), Map.of("available", ids())));
    }

    public Optional<WhisperModel> find(String id) {
        return models.get(id);
    }

    /** The manifest of a model on disk, without loading it. */
    public Optional<Manifest> manifest(String id) {
        return models.exists(id) ? Optional.of(Manifest.read(models.root().resolve(id))) : Optional.empty();
    }
}
