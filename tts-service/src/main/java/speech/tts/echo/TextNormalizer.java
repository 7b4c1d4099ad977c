package speech.tts.echo;

/**
 * Upstream's {@code tokenizer_encode} normalisation, in upstream order (docs/echo-tts-graphs.md#text-normalisation).
 * The left quotes U+201C and U+2018 stay as they are: upstream replaces U+201D twice (a typo), and parity keeps it.
 */
public final class TextNormalizer {

    /** The speaker tag upstream prepends when the text names no speaker. */
    public static final String DEFAULT_SPEAKER_TAG = "[S1] ";

    private TextNormalizer() {
    }

    /** Character replacements only (no speaker tag): idempotent, so chunks can be normalised again. */
    public static String replaceCharacters(String text) {
        return text.replace("\u2026", "...")
                .replace("\u2019", "'")
                .replace("\u201D", "\"")
                .replace("\u201D", "\"")
                .replace("\n", " ")
                .replace(":", ",")
                .replace(";", ",")
                .replace("\u2014", ", ");
    }

    /** The full upstream rule: replacements, then "[S1] " unless the text already says who speaks. */
    public static String normalize(String text) {
        String replaced = replaceCharacters(text);
        return namesSpeaker(replaced) ? replaced : DEFAULT_SPEAKER_TAG + replaced;
    }

    /** Upstream skips the tag when the text starts with '[' or '(' or contains S1 or S2 anywhere. */
    static boolean namesSpeaker(String text) {
        return text.startsWith("[") || text.startsWith("(") || text.contains("S1") || text.contains("S2");
    }
}
