package speech.asr.whisper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Word timestamps of one decoded window, as openai/whisper's timing.py: the alignment heads'
 * cross-attention (alignment.onnx) normalised, median-filtered and averaged, dynamic time warping
 * against the text tokens, word boundaries at the tokenizer's word splits, punctuation merged into
 * its word, then {@code add_word_timestamps}' rules (over-long words at sentence and segment edges
 * cut to twice the median word, segment edges moved to their first and last word).
 */
public final class WordTimings {

    static final int MEDIAN_FILTER_WIDTH = 7;
    static final String PREPEND_PUNCTUATIONS = "\"'“¿([{-";
    static final String APPEND_PUNCTUATIONS = "\"'.。,，!！?？:：”)]}、";
    private static final String SENTENCE_END_MARKS = ".。!！?？";
    private static final double MAX_MEDIAN_DURATION = 0.7;
    /** Languages written without spaces: every complete character is a word. */
    private static final Set<String> SPACELESS = Set.of("zh", "ja", "th", "lo", "my", "yue");

    /** One word relative to the window start while the rules run (timing.py's WordTiming). */
    static final class Timing {
        String word;
        List<Integer> tokens;
        double start;
        double end;
        final double probability;

        Timing(String word, List<Integer> tokens, double start, double end, double probability) {
            this.word = word;
            this.tokens = tokens;
            this.start = start;
            this.end = end;
            this.probability = probability;
        }
    }

    /** The window's segments with their words and moved edges; the end of the last speech for the next window. */
    public record Result(List<Segment> segments, double lastSpeech) {
    }

    private WordTimings() {
    }

    /**
     * timing.find_alignment after the graph call.
     *
     * @param attention  alignment.onnx {@code attention} of one row: [heads][n_tokens][n_audio_ctx], for
     *                   tokens = sot sequence ({@code sotLength} ids), no_timestamps, the text, eot
     * @param tokenProbs alignment.onnx {@code token_probs} of that row: [n_tokens]
     * @param numFrames  mel frames of real audio in the window
     */
    static List<Timing> findAlignment(float[][][] attention, float[] tokenProbs, int sotLength, List<Integer> textTokens,
                                      int numFrames, WhisperTokenizer tokenizer, String language, double tokensPerSecond) {
        if (textTokens.isEmpty()) {
            return List.of();
        }
        int frames = Math.min(numFrames / 2, attention[0][0].length);
        int rows = textTokens.size() + 1; // no_timestamps and the text: timing.py's matrix[len(sot_sequence):-1]
        double[][] matrix = new double[rows][frames];
        for (float[][] head : attention) {
            double[][] w = standardized(head, frames);
            for (int t = 0; t < rows; t++) {
                double[] filtered = medianFilter(w[sotLength + t], MEDIAN_FILTER_WIDTH);
                for (int f = 0; f < frames; f++) {
                    matrix[t][f] -= filtered[f] / attention.length; // DTW minimises: -mean over heads
                }
            }
        }
        int[][] path = dtw(matrix);
        List<WhisperTokenizer.WordTokens> words = tokenizer.splitToWords(textTokens, SPACELESS.contains(language));
        double[] jumpTimes = new double[rows];
        int jumps = 0;
        for (int k = 0; k < path[0].length; k++) {
            if (k == 0 || path[0][k] != path[0][k - 1]) {
                jumpTimes[jumps++] = path[1][k] / tokensPerSecond;
            }
        }
        List<Timing> out = new ArrayList<>();
        int boundary = 0;
        for (WhisperTokenizer.WordTokens w : words) {
            int next = boundary + w.tokens().size();
            double probability = 0;
            for (int i = boundary; i < next; i++) {
                probability += tokenProbs[sotLength + i] / (next - boundary);
            }
            out.add(new Timing(w.word(), new ArrayList<>(w.tokens()), jumpTimes[boundary], jumpTimes[next], probability));
            boundary = next;
        }
        return out;
    }

    /** Each frame's weights renormalised over the real frames (timing.py's softmax over them), then standardised over tokens. */
    private static double[][] standardized(float[][] head, int frames) {
        int n = head.length;
        double[][] w = new double[n][frames];
        for (int t = 0; t < n; t++) {
            double sum = 0;
            for (int f = 0; f < frames; f++) {
                sum += head[t][f];
            }
            for (int f = 0; f < frames; f++) {
                w[t][f] = head[t][f] / sum;
            }
        }
        for (int f = 0; f < frames; f++) {
            double mean = 0;
            for (int t = 0; t < n; t++) {
                mean += w[t][f] / n;
            }
            double var = 0;
            for (int t = 0; t < n; t++) {
                var += (w[t][f] - mean) * (w[t][f] - mean) / n;
            }
            double std = Math.sqrt(var);
            for (int t = 0; t < n; t++) {
                w[t][f] = std > 0 ? (w[t][f] - mean) / std : 0;
            }
        }
        return w;
    }

    /** Median over a window of {@code width} (odd) around each value, reflect-padded at the ends. */
    static double[] medianFilter(double[] x, int width) {
        int pad = width / 2;
        if (x.length <= pad) {
            return x.clone();
        }
        double[] out = new double[x.length];
        double[] window = new double[width];
        for (int i = 0; i < x.length; i++) {
            for (int k = 0; k < width; k++) {
                int j = Math.abs(i - pad + k);
                window[k] = x[j < x.length ? j : 2 * (x.length - 1) - j];
            }
            Arrays.sort(window);
            out[i] = window[pad];
        }
        return out;
    }

    /** timing.dtw_cpu + backtrace: the cheapest monotonic path through {@code x}; [token indices, time indices]. */
    static int[][] dtw(double[][] x) {
        int n = x.length;
        int m = x[0].length;
        double[][] cost = new double[n + 1][m + 1];
        byte[][] trace = new byte[n + 1][m + 1];
        for (double[] row : cost) {
            Arrays.fill(row, Double.POSITIVE_INFINITY);
        }
        cost[0][0] = 0;
        for (int j = 1; j <= m; j++) {
            for (int i = 1; i <= n; i++) {
                double c0 = cost[i - 1][j - 1];
                double c1 = cost[i - 1][j];
                double c2 = cost[i][j - 1];
                double c;
                byte t;
                if (c0 < c1 && c0 < c2) {
                    c = c0;
                    t = 0;
                } else if (c1 < c0 && c1 < c2) {
                    c = c1;
                    t = 1;
                } else {
                    c = c2;
                    t = 2;
                }
                cost[i][j] = x[i - 1][j - 1] + c;
                trace[i][j] = t;
            }
        }
        Arrays.fill(trace[0], (byte) 2);
        for (int i = 0; i <= n; i++) {
            trace[i][0] = 1;
        }
        List<int[]> steps = new ArrayList<>();
        int i = n;
        int j = m;
        while (i > 0 || j > 0) {
            steps.add(new int[] {i - 1, j - 1});
            switch (trace[i][j]) {
                case 0 -> {
                    i--;
                    j--;
                }
                case 1 -> i--;
                default -> j--;
            }
        }
        int[][] path = new int[2][steps.size()];
        for (int k = 0; k < steps.size(); k++) {
            int[] step = steps.get(steps.size() - 1 - k);
            path[0][k] = step[0];
            path[1][k] = step[1];
        }
        return path;
    }

    /** timing.merge_punctuations: opening marks join the next word, closing marks the previous one. */
    static void mergePunctuations(List<Timing> alignment) {
        for (int i = alignment.size() - 2, j = alignment.size() - 1; i >= 0; i--) {
            Timing previous = alignment.get(i);
            Timing following = alignment.get(j);
            if (previous.word.startsWith(" ") && PREPEND_PUNCTUATIONS.contains(previous.word.strip())) {
                following.word = previous.word + following.word;
                following.tokens = concat(previous.tokens, following.tokens);
                previous.word = "";
                previous.tokens = List.of();
            } else {
                j = i;
            }
        }
        for (int i = 0, j = 1; j < alignment.size(); j++) {
            Timing previous = alignment.get(i);
            Timing following = alignment.get(j);
            if (!previous.word.endsWith(" ") && APPEND_PUNCTUATIONS.contains(following.word)) {
                previous.word = previous.word + following.word;
                previous.tokens = concat(previous.tokens, following.tokens);
                following.word = "";
                following.tokens = List.of();
            } else {
                i = j;
            }
        }
    }

    /**
     * timing.add_word_timestamps for the segments of one window (their text tokens, in order, are what
     * was aligned). Times become absolute ({@code timeOffset} = the window's start), rounded to 10 ms.
     *
     * @param lastSpeech end of the speech before this window (seconds from the start of the file)
     */
    static Result addWordTimestamps(List<Segment> segments, List<Timing> alignment, double timeOffset, double lastSpeech,
                                    int eot) {
        double[] durations = alignment.stream().mapToDouble(t -> t.end - t.start).filter(d -> d != 0).sorted().toArray();
        double median = durations.length == 0 ? 0 : durations.length % 2 == 1 ? durations[durations.length / 2]
                : (durations[durations.length / 2 - 1] + durations[durations.length / 2]) / 2;
        double medianDuration = Math.min(MAX_MEDIAN_DURATION, median);
        double maxDuration = medianDuration * 2;
        if (durations.length > 0) {
            for (int i = 1; i < alignment.size(); i++) {
                Timing t = alignment.get(i);
                if (t.end - t.start > maxDuration) {
                    if (SENTENCE_END_MARKS.contains(t.word)) {
                        t.end = t.start + maxDuration;
                    } else if (SENTENCE_END_MARKS.contains(alignment.get(i - 1).word)) {
                        t.start = t.end - maxDuration;
                    }
                }
            }
        }
        mergePunctuations(alignment);

        List<Segment> out = new ArrayList<>();
        int wordIndex = 0;
        for (Segment segment : segments) {
            long textTokens = segment.tokens().stream().filter(id -> id < eot).count();
            int saved = 0;
            List<double[]> times = new ArrayList<>();
            List<Timing> words = new ArrayList<>();
            while (wordIndex < alignment.size() && saved < textTokens) {
                Timing timing = alignment.get(wordIndex++);
                if (!timing.word.isEmpty()) {
                    words.add(timing);
                    times.add(new double[] {round(timeOffset + timing.start), round(timeOffset + timing.end)});
                }
                saved += timing.tokens.size();
            }
            double start = segment.start();
            double end = segment.end();
            if (!words.isEmpty()) {
                double[] first = times.getFirst();
                if (first[1] - lastSpeech > medianDuration * 4 && (first[1] - first[0] > maxDuration
                        || (times.size() > 1 && times.get(1)[1] - first[0] > maxDuration * 2))) {
                    if (times.size() > 1 && times.get(1)[1] - times.get(1)[0] > maxDuration) {
                        double boundary = Math.max(times.get(1)[1] / 2, times.get(1)[1] - maxDuration);
                        first[1] = boundary;
                        times.get(1)[0] = boundary;
                    }
                    first[0] = Math.max(0, first[1] - maxDuration);
                }
                if (start < first[1] && start - 0.5 > first[0]) {
                    first[0] = Math.max(0, Math.min(first[1] - medianDuration, start));
                } else {
                    start = first[0];
                }
                double[] last = times.getLast();
                if (end > last[0] && end + 0.5 < last[1]) {
                    last[1] = Math.max(last[0] + medianDuration, end);
                } else {
                    end = last[1];
                }
                // A first or last word kept longer than its segment widens the segment: words stay inside it.
                start = Math.min(start, first[0]);
                end = Math.max(end, last[1]);
                lastSpeech = end;
            }
            List<Word> timed = new ArrayList<>();
            for (int k = 0; k < words.size(); k++) {
                timed.add(new Word(words.get(k).word, times.get(k)[0], times.get(k)[1], words.get(k).probability));
            }
            out.add(segment.withWords(start, end, timed));
        }
        return new Result(out, lastSpeech);
    }

    private static List<Integer> concat(List<Integer> a, List<Integer> b) {
        List<Integer> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static double round(double seconds) {
        return Math.round(seconds * 100) / 100.0;
    }
}
