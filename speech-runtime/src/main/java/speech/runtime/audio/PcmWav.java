package speech.runtime.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;

/**
 * The common upload, a 16-bit PCM mono WAV already at the model's rate, read in-process: starting ffprobe and
 * ffmpeg costs about 0.25 s, a quarter of a short request. It takes only files ffmpeg reads as the same samples
 * (s16 / 32768, its s16 → float conversion); for anything else (other rates or layouts, unknown chunks, sizes
 * that do not add up) it answers empty and the caller runs ffmpeg, so those inputs keep ffmpeg's checks and messages.
 */
public final class PcmWav {

    private static final int RIFF = tag("RIFF");
    private static final int WAVE = tag("WAVE");
    private static final int FMT = tag("fmt ");
    private static final int DATA = tag("data");
    private static final int LIST = tag("LIST");
    /** Chunks ffmpeg reads as metadata only; any other chunk (SMV0 video, XMA2 …) goes to ffmpeg. */
    private static final Set<Integer> METADATA = Set.of(LIST, tag("fact"), tag("JUNK"), tag("PAD "), tag("bext"), tag("cue "), tag("id3 "));
    private static final int MAX_CHUNKS = 64;
    private static final int WAVE_FORMAT_PCM = 1;
    private static final int WAVE_FORMAT_EXTENSIBLE = 0xFFFE;
    /** KSDATAFORMAT_SUBTYPE_PCM after its first 4 bytes (the format tag, 1). */
    private static final byte[] PCM_GUID_TAIL = {0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71};
    private static final int CHANNEL_MASK_FRONT_CENTER = 4;
    /**
     * ffmpeg reads PCM WAV data whose first 64 KiB hold an IEC 61937 (S/PDIF) sync as AC-3/DTS: such a file
     * goes to ffmpeg. The sync words F872 4E1F, little-endian.
     */
    private static final int SPDIF_PROBE_BYTES = 1 << 16;
    private static final byte[] SPDIF_SYNC = {0x72, (byte) 0xF8, 0x1F, 0x4E};
    private static final int READ_BYTES = 1 << 16;

    private record Layout(long dataStart, long dataBytes) {
    }

    private PcmWav() {
    }

    /**
     * The samples ffmpeg would decode from {@code file} at {@code sampleRate}, at most {@code maxSeconds} + 1 s
     * (its -t cut, so callers can tell "too long"), or empty when the file is not a WAV this reader is sure of.
     */
    public static Optional<Pcm> read(Path file, int sampleRate, double maxSeconds) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Layout layout = layout(ch, sampleRate);
            if (layout == null || hasSpdifSync(ch, layout.dataStart())) {
                return Optional.empty();
            }
            long samples = Math.min(layout.dataBytes() / 2, (long) Math.ceil((maxSeconds + 1) * sampleRate));
            if (samples > Integer.MAX_VALUE - 8) {
                return Optional.empty();
            }
            float[] pcm = samples(ch, layout.dataStart(), (int) samples);
            return pcm == null ? Optional.empty() : Optional.of(new Pcm(pcm, sampleRate));
        } catch (IOException unreadable) {
            return Optional.empty(); // ffmpeg reports it the usual way
        }
    }

    /** Walks every chunk to the end of the file: one fmt, then one data chunk, metadata around them, nothing else. */
    private static Layout layout(FileChannel ch, int sampleRate) throws IOException {
        long length = ch.size();
        ByteBuffer head = bytes(ch, 0, 12);
        if (head == null || head.getInt(0) != RIFF || head.getInt(4) == 0 || head.getInt(8) != WAVE) {
            return null;
        }
        boolean fmt = false;
        long dataStart = -1;
        long dataBytes = 0;
        long pos = 12;
        for (int chunks = 0; pos < length; chunks++) {
            if (chunks == MAX_CHUNKS || length - pos < 8) {
                return null;
            }
            ByteBuffer h = bytes(ch, pos, 8);
            int id = h.getInt(0);
            long size = Integer.toUnsignedLong(h.getInt(4));
            long body = pos + 8;
            if (size > length - body) {
                return null; // truncated or lying: ffmpeg reads what is there, its way
            }
            if (id == FMT) {
                if (fmt || dataStart >= 0 || !isPcm16Mono(ch, body, size, sampleRate)) {
                    return null;
                }
                fmt = true;
            } else if (id == DATA) {
                // size 0 means "to the end of the file" to ffmpeg; a second data chunk would be read after (or instead of) the first
                if (!fmt || dataStart >= 0 || size == 0 || size % 2 != 0) {
                    return null;
                }
                dataStart = body;
                dataBytes = size;
            } else if (!METADATA.contains(id) || (id == LIST && size < 4)) {
                return null;
            }
            pos = body + size + (size & 1);
        }
        return dataStart < 0 ? null : new Layout(dataStart, dataBytes);
    }

    /** WAVEFORMAT(EX) PCM, or WAVE_FORMAT_EXTENSIBLE with the PCM subtype and 16 valid bits: mono, 16-bit, at {@code sampleRate}. */
    private static boolean isPcm16Mono(FileChannel ch, long at, long size, int sampleRate) throws IOException {
        if (size != 16 && size != 18 && size != 40) {
            return false;
        }
        ByteBuffer f = bytes(ch, at, (int) size);
        boolean pcm16Mono = f != null && f.getShort(2) == 1 && f.getInt(4) == sampleRate && f.getInt(8) == 2 * sampleRate
                && f.getShort(12) == 2 && f.getShort(14) == 16;
        if (!pcm16Mono) {
            return false;
        }
        int format = Short.toUnsignedInt(f.getShort(0));
        if (format == WAVE_FORMAT_PCM) {
            return size != 40;
        }
        if (format != WAVE_FORMAT_EXTENSIBLE || size != 40 || f.getShort(16) != 22 || f.getShort(18) != 16
                || f.getShort(24) != WAVE_FORMAT_PCM || f.getShort(26) != 0) {
            return false;
        }
        int mask = f.getInt(20);
        byte[] guidTail = new byte[PCM_GUID_TAIL.length];
        f.get(28, guidTail);
        return (mask == 0 || mask == CHANNEL_MASK_FRONT_CENTER) && java.util.Arrays.equals(guidTail, PCM_GUID_TAIL);
    }

    private static boolean hasSpdifSync(FileChannel ch, long dataStart) throws IOException {
        ByteBuffer probe = bytes(ch, dataStart, (int) Math.min(SPDIF_PROBE_BYTES, ch.size() - dataStart));
        if (probe == null) {
            return true;
        }
        for (int i = 0; i + SPDIF_SYNC.length <= probe.limit(); i++) {
            if (probe.get(i) == SPDIF_SYNC[0] && probe.get(i + 1) == SPDIF_SYNC[1] && probe.get(i + 2) == SPDIF_SYNC[2]
                    && probe.get(i + 3) == SPDIF_SYNC[3]) {
                return true;
            }
        }
        return false;
    }

    /** {@code count} s16 samples from {@code at}, as ffmpeg converts them to float; null if the file shrank meanwhile. */
    private static float[] samples(FileChannel ch, long at, int count) throws IOException {
        float[] out = new float[count];
        ByteBuffer buf = ByteBuffer.allocate(READ_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int done = 0;
        while (done < count) {
            buf.clear().limit((int) Math.min(READ_BYTES, 2L * (count - done)));
            if (!fill(ch, buf, at + 2L * done)) {
                return null;
            }
            ShortBuffer s16 = buf.flip().asShortBuffer();
            while (s16.hasRemaining()) {
                out[done++] = s16.get() / 32768f;
            }
        }
        return out;
    }

    /** {@code n} bytes at {@code at}, little-endian; null when the file ends first. */
    private static ByteBuffer bytes(FileChannel ch, long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        return fill(ch, b, at) ? b.flip() : null;
    }

    private static boolean fill(FileChannel ch, ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                return false;
            }
        }
        return true;
    }

    private static int tag(String fourCc) {
        byte[] b = fourCc.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }
}
