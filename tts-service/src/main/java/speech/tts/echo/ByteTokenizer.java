package speech.tts.echo;

import java.nio.charset.StandardCharsets;

/**
 * UTF-8 bytes as token ids (vocab 256, no merges) with BOS first, truncated to the model's text
 * limit (which counts BOS and may cut a multi-byte character, as upstream does).
 */
public final class ByteTokenizer {

    private final int maxLength;
    private final int bos;

    public ByteTokenizer(int maxLength, int bos) {
        this.maxLength = maxLength;
        this.bos = bos;
    }

    /** Normalises and tokenises raw text: {@code [BOS, utf8(normalize(text))...]}, at most maxLength ids. */
    public long[] encode(String rawText) {
        return encodeNormalized(TextNormalizer.normalize(rawText));
    }

    public long[] encodeNormalized(String normalized) {
        byte[] utf8 = normalized.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(maxLength, utf8.length + 1);
        long[] ids = new long[n];
        ids[0] = bos;
        for (int i = 1; i < n; i++) {
            ids[i] = utf8[i - 1] & 0xFF;
        }
        return ids;
    }

    /** Tokens the normalised text needs, BOS included, before truncation. */
    public static int length(String normalized) {
        return normalized.getBytes(StandardCharsets.UTF_8).length + 1;
    }

    public int maxLength() {
        return maxLength;
    }
}
