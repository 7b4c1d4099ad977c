package speech.asr.whisper;

import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;

/**
 * openai/whisper's temperature fallback: decode at each temperature of the ladder until the result is
 * neither too repetitive (compression ratio) nor too unlikely (average log-probability), unless the
 * window is judged silent (no-speech probability), in which case the result is accepted as is.
 */
public final class Fallback {

    /** One decoding attempt at a temperature. */
    @FunctionalInterface
    public interface Attempt {
        DecodeResult at(double temperature) throws Exception;
    }

    private Fallback() {
    }

    public static DecodeResult decode(DecodingOptions o, Attempt attempt) throws Exception {
        DecodeResult result = null;
        for (double t : o.temperatures()) {
            result = attempt.at(t);
            if (!needsFallback(result, o)) {
                break;
            }
        }
        return result;
    }

    static boolean needsFallback(DecodeResult r, DecodingOptions o) {
        boolean tooRepetitive = r.compressionRatio() > o.compressionRatioThreshold();
        boolean tooUnlikely = r.avgLogprob() < o.logProbThreshold();
        boolean silent = r.noSpeechProb() > o.noSpeechThreshold() && tooUnlikely;
        return (tooRepetitive || tooUnlikely) && !silent;
    }

    /** A window with no speech: likely the no-speech token and an unlikely text. Its text is dropped. */
    public static boolean isSilence(DecodeResult r, DecodingOptions o) {
        return r.noSpeechProb() > o.noSpeechThreshold() && r.avgLogprob() <= o.logProbThreshold();
    }

    /** UTF-8 length over zlib-compressed length (zlib's default level, as Python's zlib.compress). */
    public static double compressionRatio(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0) {
            return 0;
        }
        Deflater deflater = new Deflater();
        try {
            deflater.setInput(bytes);
            deflater.finish();
            byte[] buffer = new byte[bytes.length + 64];
            int compressed = 0;
            while (!deflater.finished()) {
                compressed += deflater.deflate(buffer);
            }
            return (double) bytes.length / compressed;
        } finally {
            deflater.end();
        }
    }
}
