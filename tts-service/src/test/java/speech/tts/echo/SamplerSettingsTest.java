package speech.tts.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import speech.runtime.error.InvalidRequestException;

class SamplerSettingsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void overridesReplaceOnlyTheFieldsTheySet() throws Exception {
        SamplerSettings.Overrides o = JSON.readValue("{\"num_steps\": 12, \"rescale_k\": 1.2, \"rescale_sigma\": null}",
                SamplerSettings.Overrides.class);
        SamplerSettings s = o.applyTo(SamplerSettings.defaults(640));
        assertEquals(12, s.numSteps());
        assertEquals(1.2f, s.rescaleK());
        assertNull(s.rescaleSigma());
        assertEquals(SamplerSettings.CFG_SCALE_SPEAKER, s.cfgScaleSpeaker());
        assertEquals(640, s.sequenceLength());
        assertEquals(SamplerSettings.defaults(320), SamplerSettings.Overrides.NONE.applyTo(SamplerSettings.defaults(320)));
    }

    @Test
    void jsonRoundTripKeepsEveryField() throws Exception {
        SamplerSettings s = new SamplerSettings(7, 2.5f, 6f, 0.25f, 0.75f, 0.8f, 1.2f, 3f, 1.5f, 2, 0.9f, 100);
        String json = JSON.writeValueAsString(s);
        assertEquals(s, JSON.readValue(json, SamplerSettings.class));
        assertEquals(12, JSON.readTree(json).size());
        assertEquals(7, JSON.readTree(json).get("num_steps").asInt());
    }

    @Test
    void outOfRangeRaisesTheDomainErrorNamingTheField() {
        SamplerSettings.Overrides tooMany = new SamplerSettings.Overrides(1000, null, null, null, null, null, null, null, null, null, null, null);
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> tooMany.applyTo(SamplerSettings.defaults(640)).validate(640, 4, false));
        assertEquals("invalid_num_steps", e.code());
        assertEquals("num_steps", e.param());
        assertEquals("num_steps must be between 1 and 200, got 1000", e.getMessage());
        InvalidRequestException noVoice = assertThrows(InvalidRequestException.class, () -> new SamplerSettings.Overrides(null, null, null,
                null, null, null, null, null, 1.5f, null, null, null).applyTo(SamplerSettings.defaults(640)).validate(640, 4, false));
        assertEquals("speaker_kv_scale", noVoice.param());
    }
}
