package speech.runtime.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Pure-Java 16-bit PCM WAV and raw little-endian PCM writers (no process for the common case). */
public final class Wav {

    private Wav() {
    }

    public static byte[] encode(Pcm pcm) {
        byte[] data = pcm16(pcm);
        ByteBuffer b = ByteBuffer.allocate(44 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + data.length).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(pcm.sampleRate()).putInt(pcm.sampleRate() * 2).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes()).putInt(data.length).put(data);
        return b.array();
    }

    /**
     * Reads a 16-bit PCM WAV as {@link #encode} writes it (mono; a stereo file is mixed down), walking the
     * chunks rather than assuming the 44-byte layout.
     *
     * @throws IllegalArgumentException when the bytes are not 16-bit PCM WAV
     */
    public static Pcm decode(byte[] wav) {
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        if (wav.length < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) { // "RIFF", "WAVE"
            throw new IllegalArgumentException("not a WAV file");
        }
        int channels = 0;
        int rate = 0;
        int pos = 12;
        while (pos + 8 <= wav.length) {
            int id = b.getInt(pos);
            long size = Integer.toUnsignedLong(b.getInt(pos + 4));
            if (id == 0x20746d66) { // "fmt "
                if (b.getShort(pos + 8) != 1 || b.getShort(pos + 22) != 16) {
                    throw new IllegalArgumentException("not 16-bit PCM WAV");
                }
                channels = b.getShort(pos + 10);
                rate = b.getInt(pos + 12);
            } else if (id == 0x61746164) { // "data": an open (streamed) length runs to the end
                if (channels < 1) {
                    throw new IllegalArgumentException("WAV data before its format");
                }
                int length = (int) Math.min(size, wav.length - pos - 8L);
                float[] samples = new float[length / 2 / channels];
                for (int i = 0; i < samples.length; i++) {
                    float sum = 0;
                    for (int c = 0; c < channels; c++) {
                        sum += b.getShort(pos + 8 + (i * channels + c) * 2) / 32768f;
                    }
                    samples[i] = sum / channels;
                }
                return new Pcm(samples, rate);
            }
            pos += 8 + (int) (size + (size & 1));
        }
        throw new IllegalArgumentException("WAV without data");
    }

    public static byte[] pcm16(Pcm pcm) {
        ByteBuffer b = ByteBuffer.allocate(pcm.samples().length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float s : pcm.samples()) {
            float clipped = Math.max(-1f, Math.min(1f, s));
            b.putShort((short) Math.round(clipped * 32767f));
        }
        return b.array();
    }
}
