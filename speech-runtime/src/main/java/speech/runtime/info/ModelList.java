package speech.runtime.info;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import speech.runtime.model.Manifest;
import speech.runtime.model.ModelLicense;
import speech.runtime.model.ModelNotFoundException;
import speech.runtime.model.ModelRegistry;

/** OpenAI's {@code GET /v1/models} body, with each model's licence. */
public record ModelList(String object, List<Model> data) {

    public record Model(String id, String object, long created, @JsonProperty("owned_by") String ownedBy, ModelLicense license) {

        public static Model of(Manifest manifest) {
            return new Model(manifest.dir().getFileName().toString(), "model", 0, "speech-platform", manifest.license());
        }
    }

    /** {@code GET /v1/models/{id}}: the model on disk, without loading it; else 404 naming the available ones. */
    public static Model retrieve(ModelRegistry<?> models, String id) {
        return models.manifest(id).map(Model::of).orElseThrow(() -> new ModelNotFoundException(id, models.ids()));
    }

    public static ModelList of(List<Manifest> manifests) {
        return new ModelList("list", manifests.stream().map(Model::of).toList());
    }
}
