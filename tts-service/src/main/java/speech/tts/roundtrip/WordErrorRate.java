package speech.tts.roundtrip;

import java.text.Normalizer;
import java.util.ArrayList;
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
     * punctuation or symbol a word break, so "well-known," and "well known" are the same two words. Numbers
     * are spelt out on both sides ("3" and "three", "600,000" and "six hundred thousand" match), and the
     * symbols people write for words (× = % + &) become those words: the text says "12%", the speech
     * "twelve percent", and the transcript may write either.
     */
    public static List<String> words(String text) {
        if (text == null) {
            return List.of();
        }
        String folded = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT)
                .replace('\u2019', '\'').replace('\u2018', '\'')
                .replace("×", " times ").replace("=", " equals ").replace("%", " percent ").replace("+", " plus ").replace("&", " and ")
                .replaceAll("(?<=\\d),(?=\\d{3}\\b)", "")
                .replaceAll("(?<=\\d)\\.(?=\\d)", " point ");
        StringBuilder out = new StringBuilder(folded.length());
        for (int i = 0; i < folded.length(); i++) {
            char c = folded.charAt(i);
            boolean inWordApostrophe = c == '\'' && i > 0 && i + 1 < folded.length()
                    && Character.isLetterOrDigit(folded.charAt(i - 1)) && Character.isLetterOrDigit(folded.charAt(i + 1));
            out.append(Character.isLetterOrDigit(c) || Character.getType(c) == Character.NON_SPACING_MARK || inWordApostrophe ? c : ' ');
        }
        String normalised = out.toString().strip();
        if (normalised.isEmpty()) {
            return List.of();
        }
        List<String> words = new ArrayList<>();
        for (String w : normalised.split("\\s+")) {
            if (w.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                spell(w, words);
            } else {
                words.add(w);
            }
        }
        return words;
    }

    private static final String[] ONES = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
    private static final String[] TENS = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
    private static final String[] GROUPS = {"", "thousand", "million", "billion"};

    /** "600000" → six hundred thousand; a number past the billions, or with leading zeros, digit by digit. */
    private static void spell(String digits, List<String> out) {
        if (digits.length() > 12 || (digits.length() > 1 && digits.charAt(0) == '0')) {
            digits.chars().forEach(d -> out.add(ONES[d - '0']));
            return;
        }
        long n = Long.parseLong(digits);
        if (n == 0) {
            out.add(ONES[0]);
            return;
        }
        for (int g = GROUPS.length - 1; g >= 0; g--) {
            int part = (int) (n / (long) Math.pow(1000, g) % 1000);
            if (part == 0) {
                continue;
            }
            if (part >= 100) {
                out.add(ONES[part / 100]);
                out.add("hundred");
                part %= 100;
            }
            if (part >= 20) {
                out.add(TENS[part / 10]);
                part %= 10;
                if (part > 0) {
                    out.add(ONES[part]);
                }
            } else if (part > 0) {
                out.add(ONES[part]);
            }
            if (g > 0) {
                out.add(GROUPS[g]);
            }
        }
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
