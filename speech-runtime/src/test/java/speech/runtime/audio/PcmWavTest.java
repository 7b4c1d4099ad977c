package speech.runtime.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import speech.runtime.testing.TestData;

/**
 * The in-process WAV reader gives exactly ffmpeg's samples for every file it takes, and takes exactly the
 * 16-bit mono WAVs at the asked rate: ffprobe says which shared files those are, and altered headers
 * (stereo, other rates, sizes that lie, truncation, unknown chunks, S/PDIF data) are left to ffmpeg.
 */
class PcmWavTest {

    static final int RATE = 16_000;
    static final double NO_LIMIT = 3 * 3600;
    static final FfmpegDecoder FFMPEG = new FfmpegDecoder("ffmpeg", "ffprobe", Duration.ofSeconds(60));
    static final Path HARVARD = TestData.speech("short/en_harvard_spk1_snt1.wav");

    @TempDir
    Path tmp;

    @Test
    void everySharedMonoS16WavAt16kHzIsReadAsFfmpegDecodesItAndNoOtherIs() throws IOException {
        List<Path> wavs;
        try (Stream<Path> files = Stream.concat(Files.list(TestData.speech("short")), Files.list(TestData.speech("long")))) {
            wavs = files.filter(f -> f.toString().endsWith(".wav")).sorted().toList();
        }
        int taken = 0;
        for (Path wav : wavs) {
            boolean s16Mono16k = probe(wav).equals("pcm_s16le,16000,1");
            Optional<Pcm> fast = PcmWav.read(wav, RATE, NO_LIMIT);
            assertEquals(s16Mono16k, fast.isPresent(), wav.getFileName() + " is " + probe(wav));
            if (fast.isPresent()) {
                assertArrayEquals(FFMPEG.decode(wav, RATE).samples(), fast.get().samples(), wav.getFileName().toString());
                taken++;
            }
        }
        assertEquals(wavs.size() - 3, taken, "all but the stereo and the two 44.1 kHz files");
        assertFalse(PcmWav.read(TestData.speech("short/en_stereo_two_speakers.wav"), RATE, NO_LIMIT).isPresent());
        assertFalse(PcmWav.read(TestData.speech("short/en_one_two_three_44k.wav"), RATE, NO_LIMIT).isPresent());
        assertFalse(PcmWav.read(TestData.speech("short/en_jfk.wav"), 24_000, NO_LIMIT).isPresent(), "not at the asked rate");
    }

    @Test
    void layoutsFfmpegReadsTheSameWayAreTaken() throws IOException {
        byte[] data = data(HARVARD);
        float[] expected = FFMPEG.decode(HARVARD, RATE).samples();
        Map<String, byte[]> same = Map.of(
                "extensible, front centre", wav(extensible(4, 16, 1), data),
                "extensible, no channel mask", wav(extensible(0, 16, 1), data),
                "WAVEFORMATEX", wav(concat(fmt16(1, 1, RATE, 16), new byte[] {0, 0}), data),
                "odd LIST before data, padded", riff(concat(chunk("fmt ", fmt16(1, 1, RATE, 16)), chunk("LIST", "INFOx".getBytes()),
                        new byte[1], chunk("data", data))),
                "LIST after data", riff(concat(chunk("fmt ", fmt16(1, 1, RATE, 16)), chunk("data", data), chunk("LIST", "INFO".getBytes()))));
        for (var e : same.entrySet()) {
            Path f = write(e.getKey(), e.getValue());
            assertArrayEquals(expected, FFMPEG.decode(f, RATE).samples(), e.getKey() + ": ffmpeg itself");
            assertArrayEquals(expected, PcmWav.read(f, RATE, NO_LIMIT).orElseThrow().samples(), e.getKey());
        }
    }

    @Test
    void everythingElseIsLeftToFfmpeg() throws IOException {
        byte[] data = data(HARVARD);
        byte[] fmt = chunk("fmt ", fmt16(1, 1, RATE, 16));
        byte[] plain = wav(fmt16(1, 1, RATE, 16), data);
        byte[] spdif = data.clone();
        System.arraycopy(new byte[] {0x72, (byte) 0xF8, 0x1F, 0x4E}, 0, spdif, 1000, 4);
        Map<String, byte[]> refused = new java.util.LinkedHashMap<>();
        refused.put("data size past the end", riff(concat(fmt, chunk("data", data, data.length + 10_000))));
        refused.put("data size 0 (ffmpeg: to the end)", riff(concat(fmt, chunk("data", data, 0))));
        refused.put("odd data size", riff(concat(fmt, chunk("data", Arrays.copyOf(data, data.length + 1)))));
        refused.put("a second data chunk", riff(concat(fmt, chunk("data", data), chunk("data", new byte[3200]))));
        refused.put("data before fmt", riff(concat(chunk("data", data), fmt)));
        refused.put("an unknown chunk", riff(concat(fmt, chunk("SMV0", new byte[8]), chunk("data", data))));
        refused.put("trailing bytes", concat(plain, new byte[] {1, 2, 3}));
        refused.put("IEEE float", wav(fmt16(3, 1, RATE, 32), data));
        refused.put("24-bit", wav(fmt16(1, 1, RATE, 24), data));
        refused.put("extensible float subtype", wav(extensible(4, 16, 3), data));
        refused.put("extensible, 12 valid bits", wav(extensible(4, 12, 1), data));
        refused.put("S/PDIF sync in the data", wav(fmt16(1, 1, RATE, 16), spdif));
        refused.put("RIFX", concat("RIFX".getBytes(StandardCharsets.US_ASCII), Arrays.copyOfRange(plain, 4, plain.length)));
        for (int n : new int[] {0, 4, 11, 12, 20, 30, 43, 44, 45, plain.length - 1}) {
            refused.put("truncated to " + n + " bytes", Arrays.copyOf(plain, n));
        }
        for (var e : refused.entrySet()) {
            assertFalse(PcmWav.read(write(e.getKey(), e.getValue()), RATE, NO_LIMIT).isPresent(), e.getKey());
        }
        assertFalse(PcmWav.read(tmp.resolve("missing.wav"), RATE, NO_LIMIT).isPresent());
        assertFalse(PcmWav.read(tmp, RATE, NO_LIMIT).isPresent(), "a directory");
    }

    @Test
    void randomHeaderDamageIsEitherRefusedOrReadAsFfmpegReadsIt() throws IOException {
        byte[] original = Files.readAllBytes(HARVARD);
        Random random = new Random(9);
        int taken = 0;
        for (int i = 0; i < 60; i++) {
            byte[] damaged = original.clone();
            damaged[random.nextInt(44)] = (byte) random.nextInt(256);
            Path f = write("damaged" + i, damaged);
            Optional<Pcm> fast = PcmWav.read(f, RATE, NO_LIMIT);
            if (fast.isPresent()) {
                assertArrayEquals(FFMPEG.decode(f, RATE).samples(), fast.get().samples(), "damage " + i);
                taken++;
            }
        }
        assertTrue(taken > 0 && taken < 60, taken + " of 60 damaged files taken");
    }

    @Test
    void readsNoMoreThanTheLimitPlusOneSecondLikeFfmpegsCut() {
        float[] all = PcmWav.read(HARVARD, RATE, NO_LIMIT).orElseThrow().samples();
        float[] cut = PcmWav.read(HARVARD, RATE, 1.0).orElseThrow().samples();
        assertEquals(2 * RATE, cut.length);
        assertArrayEquals(Arrays.copyOf(all, cut.length), cut);
        assertEquals(all.length, PcmWav.read(HARVARD, RATE, 10.0).orElseThrow().samples().length);
    }

    private static String probe(Path wav) {
        return new String(FfmpegProcess.run(List.of("ffprobe", "-v", "error", "-show_entries", "stream=codec_name,sample_rate,channels",
                "-of", "csv=p=0", wav.toString()), null, Duration.ofSeconds(30)), StandardCharsets.US_ASCII).strip();
    }

    private Path write(String name, byte[] bytes) {
        try {
            return Files.write(tmp.resolve(name.replaceAll("[^A-Za-z0-9]+", "_") + ".wav"), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The samples of a shared WAV whose only chunks are fmt and data. */
    private static byte[] data(Path wav) throws IOException {
        byte[] b = Files.readAllBytes(wav);
        assertEquals("data", new String(b, 36, 4, StandardCharsets.US_ASCII));
        return Arrays.copyOfRange(b, 44, b.length);
    }

    private static byte[] wav(byte[] fmtBody, byte[] data) {
        return riff(concat(chunk("fmt ", fmtBody), chunk("data", data)));
    }

    private static byte[] riff(byte[] chunks) {
        return concat("RIFF".getBytes(StandardCharsets.US_ASCII), le(4 + chunks.length), "WAVE".getBytes(StandardCharsets.US_ASCII), chunks);
    }

    private static byte[] chunk(String id, byte[] body) {
        return chunk(id, body, body.length);
    }

    /** A chunk whose header says {@code size} whatever the body's length. */
    private static byte[] chunk(String id, byte[] body, long size) {
        return concat(id.getBytes(StandardCharsets.US_ASCII), le((int) size), body);
    }

    private static byte[] fmt16(int format, int channels, int rate, int bits) {
        int align = channels * bits / 8;
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putShort((short) format).putShort((short) channels)
                .putInt(rate).putInt(rate * align).putShort((short) align).putShort((short) bits).array();
    }

    /** WAVE_FORMAT_EXTENSIBLE, 16-bit mono, with the given channel mask, valid bits and subtype (1 PCM, 3 float). */
    private static byte[] extensible(int mask, int validBits, int subtype) {
        ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN).put(fmt16(0xFFFE, 1, RATE, 16))
                .putShort((short) 22).putShort((short) validBits).putInt(mask).putInt(subtype);
        return b.put(new byte[] {0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71}).array();
    }

    private static byte[] le(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }
}
