package speech.asr.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class DecodingOptionsTest {

    @Test
    void aCopyChangesOnlyWhatWasSet() {
        DecodingOptions defaults = DecodingOptions.defaults();
        assertEquals(defaults, defaults.toBuilder().build());

        DecodingOptions changed = defaults.toBuilder().language("de").logProbThreshold(0.0).noSpeechThreshold(1.0).build();
        assertEquals("de", changed.language());
        assertEquals(0.0, changed.logProbThreshold());
        assertEquals(1.0, changed.noSpeechThreshold());
        assertEquals(defaults.compressionRatioThreshold(), changed.compressionRatioThreshold());
        assertEquals(defaults, changed.toBuilder().language(null)
                .logProbThreshold(defaults.logProbThreshold()).noSpeechThreshold(defaults.noSpeechThreshold()).build());
    }

    @Test
    void buildValidatesLikeTheConstructor() {
        assertThrows(IllegalArgumentException.class, () -> DecodingOptions.defaults().toBuilder().beamSize(0).build());
        assertThrows(IllegalArgumentException.class, () -> DecodingOptions.defaults().toBuilder().temperatures(List.of()).build());
    }
}
