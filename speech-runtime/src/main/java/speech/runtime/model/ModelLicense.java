package speech.runtime.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * The licence of a model's weights, as the export recorded it in manifest.json ({@code license}):
 * an SPDX expression over its checkpoints, whether it forbids commercial use, and for each
 * checkpoint where the licence was read. {@code NOASSERTION} (SPDX) when nothing declared one.
 */
public record ModelLicense(String id, @JsonProperty("non_commercial") boolean nonCommercial, List<Checkpoint> checkpoints) {

    public static final String NONE_DECLARED = "NOASSERTION";

    public record Checkpoint(String role, String source, String license, @JsonProperty("declared_by") String declaredBy) {
    }

    /** The start-up line for weights that forbid commercial use; empty otherwise. */
    public Optional<String> nonCommercialNotice(String modelId) {
        return nonCommercial
                ? Optional.of("model " + modelId + ": weights licensed " + id + ", non-commercial use only (see /v1/models)")
                : Optional.empty();
    }

    static ModelLicense from(JsonNode license) {
        if (!license.isObject()) {
            // exported before licences were recorded: say so rather than guess
            return new ModelLicense(NONE_DECLARED, false, List.of(new Checkpoint("model", "", NONE_DECLARED,
                    "none recorded: manifest.json has no license field (re-run the export)")));
        }
        List<Checkpoint> checkpoints = StreamSupport.stream(license.path("checkpoints").spliterator(), false)
                .map(c -> new Checkpoint(c.path("role").asText(), c.path("source").asText(),
                        c.path("license").asText(NONE_DECLARED), c.path("declared_by").asText()))
                .toList();
        return new ModelLicense(license.path("id").asText(NONE_DECLARED), license.path("non_commercial").asBoolean(), checkpoints);
    }
}
