package speech.tts.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import speech.tts.echo.SamplerSettings;

/** Generations stored before the settings were written by Jackson keep their JSON shape, and read back. */
class StoredSettingsTest {

    /** A row's settings column as the hand-built map wrote it. */
    private static final String STORED_ROW = "{\"num_steps\":4,\"cfg_scale_text\":3.0,\"cfg_scale_speaker\":8.0,\"cfg_min_t\":0.5,"
            + "\"cfg_max_t\":1.0,\"truncation_factor\":0.8,\"rescale_k\":null,\"rescale_sigma\":null,\"speaker_kv_scale\":1.5,"
            + "\"speaker_kv_max_layers\":null,\"speaker_kv_min_t\":0.9,\"sequence_length\":40,\"speed\":1.25}";

    private static final SamplerSettings SETTINGS = new SamplerSettings(4, 3f, 8f, 0.5f, 1f, 0.8f, null, null, 1.5f, null, 0.9f, 40);

    @Test
    void writesTheSameJsonAsStoredRows() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertEquals(STORED_ROW, json.writeValueAsString(new SpeechService.StoredSettings(SETTINGS, 1.25)));
    }

    @Test
    void storedRowsReadBackAsSettings() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertEquals(SETTINGS, json.readerFor(SamplerSettings.class).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(STORED_ROW));
        assertEquals(1.25, json.readTree(STORED_ROW).get("speed").asDouble());
    }
}
