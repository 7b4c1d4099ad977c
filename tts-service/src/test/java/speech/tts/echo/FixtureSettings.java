package speech.tts.echo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import speech.tts.testing.Fixtures;

/** The sampler parameters of a fixture case, read from config.json. */
final class FixtureSettings {

    private FixtureSettings() {
    }

    static boolean isRescale(String name) {
        return name.equals("sampler_rescale") || name.equals("sampler_flat_preset");
    }

    static JsonNode config() {
        try {
            return new ObjectMapper().readTree(Fixtures.echo().resolve("config.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SamplerSettings of(String name) {
        for (JsonNode c : config().get("cases")) {
            if (c.get("file").asText().equals("cases/" + name + ".safetensors") || name.equals("pipeline") && c.get("file").asText().endsWith("pipeline.safetensors")) {
                JsonNode p = c.path("params");
                return new SamplerSettings(c.path("num_steps").asInt(4),
                        (float) p.path("cfg_scale_text").asDouble(3.0), (float) p.path("cfg_scale_speaker").asDouble(8.0),
                        (float) p.path("cfg_min_t").asDouble(0.5), (float) p.path("cfg_max_t").asDouble(1.0),
                        f(p, "truncation_factor"), f(p, "rescale_k"), f(p, "rescale_sigma"), f(p, "speaker_kv_scale"),
                        p.path("speaker_kv_max_layers").isNumber() ? p.get("speaker_kv_max_layers").asInt() : null,
                        f(p, "speaker_kv_min_t"), c.path("sequence_length").asInt(40));
            }
        }
        throw new IllegalArgumentException("no case " + name);
    }

    private static Float f(JsonNode p, String field) {
        return p.path(field).isNumber() ? (float) p.get(field).asDouble() : null;
    }
}
