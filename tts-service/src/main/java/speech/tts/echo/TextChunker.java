package speech.tts.echo;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Long text → prompts the model can speak in one window. Text that fits stays one prompt, exactly
 * as upstream normalises it. Longer text is cut at sentence ends (then commas, then spaces) into
 * chunks whose tokens, speaker tag and BOS included, fit the budget. A chunk without its own tag
 * carries the last tag seen, so a dialogue does not fall back to speaker 1 at a chunk seam.
 */
public final class TextChunker {

    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+");
    private static final Pattern CLAUSE_END = Pattern.compile("(?<=,)\\s+");
    private static final Pattern SPACE = Pattern.compile("\\s+");
    private static final Pattern SPEAKER_TAG = Pattern.compile("\\[S\\d+]");

    private final int budget;

    /** @param budget max tokens per chunk (BOS included), at most the model's text limit */
    public TextChunker(int budget) {
        this.budget = budget;
    }

    /** Normalised prompts, in reading order; never empty for non-blank text. */
    public List<String> split(String rawText) {
        String whole = TextNormalizer.normalize(rawText);
        if (ByteTokenizer.length(whole) <= budget) {
            return List.of(whole);
        }
        List<String> chunks = new ArrayList<>();
        String tag = TextNormalizer.DEFAULT_SPEAKER_TAG.trim();
        StringBuilder current = new StringBuilder();
        String currentTag = tag;
        for (String piece : pieces(TextNormalizer.replaceCharacters(rawText).trim())) {
            String candidate = current.isEmpty() ? piece : current + " " + piece;
            if (!current.isEmpty() && ByteTokenizer.length(prompt(candidate, currentTag)) > budget) {
                chunks.add(prompt(current.toString(), currentTag));
                current.setLength(0);
                currentTag = tag;
                candidate = piece;
            }
            current.setLength(0);
            current.append(candidate);
            tag = lastTag(piece, tag);
        }
        if (!current.isEmpty()) {
            chunks.add(prompt(current.toString(), currentTag));
        }
        return chunks;
    }

    // Sentences, each small enough on its own (long ones cut at commas, then words, then characters).
    private List<String> pieces(String text) {
        List<String> out = new ArrayList<>();
        for (String sentence : SENTENCE_END.split(text)) {
            cut(sentence, List.of(CLAUSE_END, SPACE), out);
        }
        out.removeIf(String::isBlank);
        return out;
    }

    private void cut(String text, List<Pattern> separators, List<String> out) {
        // Room for the longest tag a chunk can receive ("[S99] ") keeps every piece placeable.
        if (ByteTokenizer.length(text) + 8 <= budget) {
            out.add(text);
            return;
        }
        if (separators.isEmpty()) {
            hardCut(text, out);
            return;
        }
        StringBuilder part = new StringBuilder();
        for (String word : separators.get(0).split(text)) {
            String candidate = part.isEmpty() ? word : part + " " + word;
            if (!part.isEmpty() && ByteTokenizer.length(candidate) + 8 > budget) {
                cut(part.toString(), separators.subList(1, separators.size()), out);
                part.setLength(0);
                candidate = word;
            }
            part.setLength(0);
            part.append(candidate);
        }
        cut(part.toString(), separators.subList(1, separators.size()), out);
    }

    // A single "word" over the budget: cut at code point boundaries, never inside a UTF-8 sequence.
    private void hardCut(String text, List<String> out) {
        StringBuilder part = new StringBuilder();
        text.codePoints().forEach(cp -> {
            if (ByteTokenizer.length(part.toString() + Character.toString(cp)) + 8 > budget) {
                out.add(part.toString());
                part.setLength(0);
            }
            part.appendCodePoint(cp);
        });
        out.add(part.toString());
    }

    private static String prompt(String chunk, String tag) {
        return chunk.startsWith("[") || chunk.startsWith("(") ? chunk : tag + " " + chunk;
    }

    private static String lastTag(String piece, String previous) {
        Matcher m = SPEAKER_TAG.matcher(piece);
        String tag = previous;
        while (m.find()) {
            tag = m.group();
        }
        return tag;
    }
}
