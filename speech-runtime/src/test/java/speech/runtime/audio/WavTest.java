package speech.runtime.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.TestData;

class WavTest {

    @Test
    void decodesWhatItEncodes() {
        float[] samples = {0f, 0.5f, -0.5f, 0.25f, -1f};
        Pcm back = Wav.decode(Wav.encode(new Pcm(samples, 44100)));
        assertEquals(44100, back.sampleRate());
        assertEquals(samples.length, back.samples().length);
        for (int i = 0; i < samples.length; i++) {
            assertEquals(samples[i], back.samples()[i], 1 / 32767f);
        }
    }

    @Test
    void readsARealRecordingAndMixesStereoDown() throws Exception {
        // JFK: 16 kHz mono, 11 s; the two-speaker clip is stereo and comes out as one channel of the same length
        Pcm jfk = Wav.decode(Files.readAllBytes(TestData.speech("short/en_jfk.wav")));
        assertEquals(16000, jfk.sampleRate());
        assertEquals(11.0, jfk.durationSeconds(), 0.01);
        byte[] stereo = Files.readAllBytes(TestData.speech("short/en_stereo_two_speakers.wav"));
        Pcm mixed = Wav.decode(stereo);
        ByteBuffer b = ByteBuffer.wrap(stereo).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(2, b.getShort(22));
        assertEquals((stereo.length - 44) / 4, mixed.samples().length, 2);
    }

    @Test
    void refusesWhatIsNotSixteenBitPcmWav() {
        assertThrows(IllegalArgumentException.class, () -> Wav.decode("not a wav file at all".getBytes()));
        byte[] wav = Wav.encode(new Pcm(new float[4], 8000));
        wav[34] = 24; // bits per sample
        assertThrows(IllegalArgumentException.class, () -> Wav.decode(wav));
        assertArrayEquals(new float[0], Wav.decode(Wav.encode(new Pcm(new float[0], 8000))).samples());
    }
}
