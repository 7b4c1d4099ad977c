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

    public static byte[] pcm16(Pcm pcm) {
        ByteBuffer b = ByteBuffer.allocate(pcm.samples().length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float s : pcm.samples()) {
            float clipped = Math.max(-1f, Math.min(1f, s));
            b.putShort((short) Math.round(clipped * 32767f));
        }
        return b.array();
    }
}
