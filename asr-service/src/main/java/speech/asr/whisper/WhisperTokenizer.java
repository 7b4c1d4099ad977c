package speech.asr.whisper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2 byte-level BPE as in a Hugging Face tokenizer.json (≈ faster-whisper's tokenizer.py).
 * Decoding maps ids back to bytes and then UTF-8, so a character split over two tokens survives;
 * ids at or above {@code eot} (specials, languages, timestamps) carry no text.
 */
public final class WhisperTokenizer {

    // GPT-2's pre-tokenizer: contractions, letters, digits, other symbols, spaces.
    private static final Pattern WORDS = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");
    // Python's string.punctuation: a piece made only of (a run of) these starts a word of its own.
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    private static final int REPLACEMENT = 0xFFFD;
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        // bytes_to_unicode(): printable bytes map to themselves, the rest to 256 + n.
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = (char) (printable ? b : 256 + n++);
            CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = b;
        }
    }

    private final Map<String, Integer> vocab;
    private final String[] idToToken;
    private final Map<String, Integer> mergeRanks;
    private final int eot;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    private WhisperTokenizer(Map<String, Integer> vocab, String[] idToToken, Map<String, Integer> mergeRanks, int eot) {
        this.vocab = vocab;
        this.idToToken = idToToken;
        this.mergeRanks = mergeRanks;
        this.eot = eot;
    }

    public static WhisperTokenizer load(Path tokenizerJson, int eot) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(tokenizerJson.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode model = root.path("model");
        Map<String, Integer> vocab = new HashMap<>();
        model.path("vocab").fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        root.path("added_tokens").forEach(t -> vocab.put(t.path("content").asText(), t.path("id").asInt()));
        int maxId = vocab.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        String[] idToToken = new String[maxId + 1];
        vocab.forEach((token, id) -> idToToken[id] = token);
        Map<String, Integer> ranks = new HashMap<>();
        int rank = 0;
        for (JsonNode merge : model.path("merges")) {
            // Older files write "a b", newer ones ["a", "b"].
            String key = merge.isArray() ? merge.get(0).asText() + " " + merge.get(1).asText() : merge.asText();
            ranks.put(key, rank++);
        }
        return new WhisperTokenizer(vocab, idToToken, ranks, eot);
    }

    /** The text of the ids, skipping every special or timestamp id. */
    public String decode(List<Integer> ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            if (id >= eot || id < 0 || id >= idToToken.length || idToToken[id] == null) {
                continue;
            }
            for (char c : idToToken[id].toCharArray()) {
                bytes.write(c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : '?');
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** A word and the ids it was decoded from. */
    public record WordTokens(String word, List<Integer> tokens) {
    }

    /**
     * Text ids (below eot) grouped into words, as openai's {@code split_to_word_tokens}: at spaces and
     * punctuation, or at every complete character for languages written without spaces.
     */
    public List<WordTokens> splitToWords(List<Integer> ids, boolean spaceless) {
        List<WordTokens> subwords = splitOnUnicode(ids);
        if (spaceless) {
            return subwords;
        }
        List<WordTokens> words = new ArrayList<>();
        for (WordTokens sub : subwords) {
            boolean startsWord = sub.word().startsWith(" ") || PUNCTUATION.contains(sub.word().strip());
            if (startsWord || words.isEmpty()) {
                words.add(new WordTokens(sub.word(), new ArrayList<>(sub.tokens())));
            } else {
                WordTokens last = words.removeLast();
                List<Integer> tokens = new ArrayList<>(last.tokens());
                tokens.addAll(sub.tokens());
                words.add(new WordTokens(last.word() + sub.word(), tokens));
            }
        }
        return words;
    }

    // A group ends once its bytes decode without a replacement character the whole text does not have.
    private List<WordTokens> splitOnUnicode(List<Integer> ids) {
        int[] full = decode(ids).codePoints().toArray();
        List<WordTokens> out = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        int offset = 0;
        for (int id : ids) {
            current.add(id);
            int[] decoded = decode(current).codePoints().toArray();
            int replacement = indexOf(decoded, REPLACEMENT);
            if (replacement < 0 || (offset + replacement < full.length && full[offset + replacement] == REPLACEMENT)) {
                out.add(new WordTokens(new String(decoded, 0, decoded.length), List.copyOf(current)));
                current = new ArrayList<>();
                offset += decoded.length;
            }
        }
        return out;
    }

    private static int indexOf(int[] codePoints, int wanted) {
        for (int i = 0; i < codePoints.length; i++) {
            if (codePoints[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** Ids of plain text (no special tokens), as the Hugging Face tokenizer encodes it. */
    public List<Integer> encode(String text) {
        List<Integer> ids = new ArrayList<>();
        Matcher m = WORDS.matcher(text);
        while (m.find()) {
            for (int id : cache.computeIfAbsent(m.group(), this::bpe)) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** The id of a token string such as {@code "<|en|>"} or {@code " the"}, if the vocabulary has it. */
    public Integer id(String token) {
        return vocab.get(token);
    }

    /** The raw token string of an id (byte-level characters), for logs and tests. */
    public String token(int id) {
        return id >= 0 && id < idToToken.length ? idToToken[id] : null;
    }

    private int[] bpe(String word) {
        byte[] utf8 = word.getBytes(StandardCharsets.UTF_8);
        List<String> parts = new ArrayList<>(utf8.length);
        for (byte b : utf8) {
            parts.add(String.valueOf(BYTE_TO_CHAR[b & 0xFF]));
        }
        while (parts.size() > 1) {
            int best = -1;
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < parts.size(); i++) {
                Integer r = mergeRanks.get(parts.get(i) + " " + parts.get(i + 1));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            // Merge every occurrence of the best pair, left to right, as the reference BPE does.
            String left = parts.get(best);
            String right = parts.get(best + 1);
            List<String> merged = new ArrayList<>(parts.size());
            for (int i = 0; i < parts.size(); i++) {
                if (i + 1 < parts.size() && parts.get(i).equals(left) && parts.get(i + 1).equals(right)) {
                    merged.add(left + right);
                    i++;
                } else {
                    merged.add(parts.get(i));
                }
            }
            parts = merged;
        }
        int[] ids = new int[parts.size()];
        for (int i = 0; i < ids.length; i++) {
            Integer id = vocab.get(parts.get(i));
            if (id == null) {
                throw new IllegalStateException("token " + parts.get(i) + " is not in the vocabulary");
            }
            ids[i] = id;
        }
        return ids;
    }
}
