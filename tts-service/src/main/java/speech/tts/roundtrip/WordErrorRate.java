package speech.tts.roundtrip;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How far a transcript is from the text that was spoken: word error rate (WER) and character error rate
 * (CER), each the Levenshtein distance over the normalised reference's length. Normalising first
 * (case, punctuation, dashes, spacing) keeps a comma or a capital from counting as a wrong word.
 */
public final class WordErrorRate {

    /** WER and CER of one transcript against its reference; 0 is a perfect match, above 1 means more inserted than said. */
    public record Rates(double wer, double cer) {
    }

    private WordErrorRate() {
    }

    public static Rates of(String reference, String hypothesis) {
        List<String> ref = words(reference);
        List<String> hyp = words(hypothesis);
        String refChars = String.join(" ", ref);
        String hypChars = String.join(" ", hyp);
        return new Rates(rate(distance(ref.toArray(), hyp.toArray()), ref.size(), hyp.size()),
                rate(distance(codePoints(refChars), codePoints(hypChars)), refChars.codePointCount(0, refChars.length()),
                        hypChars.codePointCount(0, hypChars.length())));
    }

    /**
     * Lower case, compatibility forms folded (NFKC), apostrophes kept inside words ("don't"), every other
     * punctuation or symbol a word break, so "well-known," and "well known" are the same two words.
     */
    public static List<String> words(String text) {
        if (text == null) {
            return List.of();
        }
        String folded = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT)
                .replace('\u2019', '\'').replace('\u2018', '\'');
        StringBuilder out = new StringBuilder(folded.length());
        for (int i = 0; i < folded.length(); i++) {
            char c = folded.charAt(i);
            boolean inWordApostrophe = c == '\'' && i > 0 && i + 1 < folded.length()
                    && Character.isLetterOrDigit(folded.charAt(i - 1)) && Character.isLetterOrDigit(folded.charAt(i + 1));
            out.append(Character.isLetterOrDigit(c) || Character.getType(c) == Character.NON_SPACING_MARK || inWordApostrophe ? c : ' ');
        }
        String normalised = out.toString().strip();
        return normalised.isEmpty() ? List.of() : List.of(normalised.split("\\s+"));
    }

    /** An empty reference: nothing inserted is a perfect 0, anything inserted the worst 1. */
    private static double rate(int edits, int referenceLength, int hypothesisLength) {
        if (referenceLength == 0) {
            return hypothesisLength == 0 ? 0.0 : 1.0;
        }
        return (double) edits / referenceLength;
    }

    private static Object[] codePoints(String s) {
        return s.codePoints().boxed().toArray();
    }

    /** Substitutions + insertions + deletions turning {@code a} into {@code b}; two rows of the usual table. */
    static int distance(Object[] a, Object[] b) {
        int[] previous = new int[b.length + 1];
        int[] current = new int[b.length + 1];
        Arrays.setAll(previous, j -> j);
        for (int i = 1; i <= a.length; i++) {
            current[0] = i;
            for (int j = 1; j <= b.length; j++) {
                int substitution = previous[j - 1] + (a[i - 1].equals(b[j - 1]) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length];
    }
}
