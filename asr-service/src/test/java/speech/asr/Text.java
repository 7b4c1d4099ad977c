package speech.asr;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The normaliser used for every WER and text match in the tests: Unicode NFKC, lower case, every
 * character that is neither a letter nor a digit becomes a space (so "fellow-Americans," → "fellow americans"),
 * runs of spaces collapse. Numbers stay as written: "12%" → "12", "six" stays "six" (no number words to
 * digits), so a model that writes "6 × 10" where the reference says "6 × 10" matches, and "six" vs "6" counts as an error.
 */
public final class Text {

    private Text() {
    }

    public static String normalize(String text) {
        String s = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        s = s.replaceAll("(?<=\\p{L})'(?=\\p{L})", ""); // don't → dont, on both sides alike
        s = s.replaceAll("[^\\p{L}\\p{N}]+", " ");
        return s.strip();
    }

    private static final List<String> NUMBER_WORDS = List.of("zero", "one", "two", "three", "four", "five", "six", "seven",
            "eight", "nine", "ten", "eleven", "twelve");

    /** {@link #words} with "one".."twelve" written as digits and "×", "=" as words: for matching, not for WER. */
    public static List<String> spokenWords(String text) {
        List<String> out = new ArrayList<>();
        for (String w : words(text.replace("×", " times ").replace("=", " equals ").replaceAll("(?<=\\d),(?=\\d{3})", ""))) {
            int n = NUMBER_WORDS.indexOf(w);
            out.add(n >= 0 ? Integer.toString(n) : w);
        }
        return out;
    }

    public static List<String> words(String text) {
        String n = normalize(text);
        return n.isEmpty() ? List.of() : new ArrayList<>(Arrays.asList(n.split(" ")));
    }

    /** Word edit distance (substitutions + deletions + insertions). */
    public static int editDistance(List<String> ref, List<String> hyp) {
        int[] prev = new int[hyp.size() + 1];
        int[] cur = new int[hyp.size() + 1];
        for (int j = 0; j <= hyp.size(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= ref.size(); i++) {
            cur[0] = i;
            for (int j = 1; j <= hyp.size(); j++) {
                int sub = prev[j - 1] + (ref.get(i - 1).equals(hyp.get(j - 1)) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[hyp.size()];
    }
}
