package speech.runtime.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import speech.runtime.testing.TestData;

/**
 * Decoding writes ffmpeg's samples straight into one float array sized from the container's duration: the same
 * samples as reading the whole byte stream first, the preallocated array itself when the estimate is exact, and
 * samples split across pipe reads at any byte put back together.
 */
class PcmDecodeTest {

    static final Path JFK = TestData.speech("short/en_jfk.wav");

    @Test
    void samplesAreThoseOfTheByteStream() {
        FfmpegDecoder decoder = new FfmpegDecoder("ffmpeg", "ffprobe", Duration.ofSeconds(60));
        for (int rate : new int[] {16_000, 24_000, 44_100}) {
            List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error"));
            cmd.addAll(FfmpegProcess.uploadInput(JFK));
            cmd.addAll(List.of("-vn", "-sn", "-dn", "-ac", "1", "-ar", Integer.toString(rate), "-f", "f32le", "-acodec", "pcm_f32le", "pipe:1"));
            ByteBuffer bytes = ByteBuffer.wrap(FfmpegProcess.run(cmd, null, Duration.ofSeconds(60))).order(ByteOrder.LITTLE_ENDIAN);
            float[] expected = new float[bytes.remaining() / 4];
            bytes.asFloatBuffer().get(expected);

            float[] decoded = decoder.decode(JFK, rate).samples();
            assertArrayEquals(expected, decoded, "at " + rate + " Hz");
            int estimate = decoder.expectedSamples(JFK, rate, null);
            assertTrue(Math.abs(estimate - decoded.length) <= rate / 100, rate + " Hz: estimated " + estimate + ", got " + decoded.length);
        }
    }

    @Test
    void stereoIsDownmixedToTheMeanOfItsChannels() {
        Path stereo = TestData.speech("short/en_stereo_two_speakers.wav");
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error"));
        cmd.addAll(FfmpegProcess.uploadInput(stereo));
        cmd.addAll(List.of("-f", "f32le", "-acodec", "pcm_f32le", "pipe:1")); // both channels, interleaved
        ByteBuffer bytes = ByteBuffer.wrap(FfmpegProcess.run(cmd, null, Duration.ofSeconds(60))).order(ByteOrder.LITTLE_ENDIAN);
        float[] interleaved = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(interleaved);

        float[] mono = new FfmpegDecoder("ffmpeg", "ffprobe", Duration.ofSeconds(60)).decode(stereo, 16_000).samples();
        assertEquals(interleaved.length / 2, mono.length);
        double louder = 0;
        for (int i = 0; i < mono.length; i++) {
            float mean = (interleaved[2 * i] + interleaved[2 * i + 1]) / 2;
            assertEquals(mean, mono[i], 1e-6, "sample " + i);
            louder = Math.max(louder, Math.abs(mono[i]));
        }
        assertTrue(louder > 0.05, "the clip is not silent: " + louder);
    }

    @Test
    void aWavAtTheModelsRateIsSizedExactly() {
        FfmpegDecoder decoder = new FfmpegDecoder("ffmpeg", "ffprobe", Duration.ofSeconds(60));
        assertEquals(decoder.decode(JFK, 16_000).samples().length, decoder.expectedSamples(JFK, 16_000, null));
        assertEquals(16_000 * 3, decoder.expectedSamples(JFK, 16_000, 2.0), "bounded by the -t cut (max + 1 s)");
    }

    @Test
    void theSinkKeepsItsArrayAndJoinsSplitSamples() {
        float[] values = {0.5f, -1f, 0.25f, 1e-3f, -0.75f, 0f, 0.125f};
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        byte[] raw = b.array();
        for (int step : new int[] {1, 3, 5, 7, 28}) {
            for (int expected : new int[] {values.length, 2, 100}) {
                PcmSink sink = new PcmSink(expected);
                for (int off = 0; off < raw.length; off += step) {
                    sink.write(raw, off, Math.min(step, raw.length - off));
                }
                assertArrayEquals(values, sink.samples(), "writes of " + step + " bytes, " + expected + " expected");
                if (expected == values.length) {
                    assertSame(sink.samples(), sink.samples(), "an exact estimate is the result itself, no copy");
                }
            }
        }
    }
}
