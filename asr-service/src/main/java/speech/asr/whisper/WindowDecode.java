package speech.asr.whisper;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import speech.runtime.engine.Job;

/**
 * One decoding attempt of one window at one temperature, as a decoder lane: greedy (1 row) at
 * temperature 0, beam search ({@code beamSize} rows) when asked at 0, best-of-n sampling (n rows)
 * above it. openai/whisper's DecodingTask: prompt, then one token per row per step until every row
 * ended or half the context is used; the candidates are ranked by mean log-probability.
 */
final class WindowDecode extends DecoderLane {

    private final WhisperModel model;
    private final WhisperManifest.SpecialTokens special;
    private final int[] initial;
    private final int sampleBegin;
    private final int sot;
    private final double temperature;
    private final int rows;
    private final LogitRules rules;
    private final BeamSearch search;
    private final SplittableRandom random;
    private final String language;
    private final CompletableFuture<DecodeResult> result = new CompletableFuture<>();

    private List<List<Integer>> tokens = new ArrayList<>();
    private double[] sumLogprobs;
    private double noSpeechProb;
    private int selections;
    private int[] reorder;

    WindowDecode(Job<?, ?> job, int window, WhisperModel model, List<Integer> initialTokens, DecodingOptions o,
                 String language, double temperature) {
        super(job, window);
        this.model = model;
        this.special = model.spec().special();
        this.initial = initialTokens.stream().mapToInt(Integer::intValue).toArray();
        this.sampleBegin = initial.length;
        this.sot = initialTokens.indexOf(special.sot());
        this.temperature = temperature;
        boolean beam = temperature == 0 && o.beamSize() > 1;
        this.rows = beam ? o.beamSize() : temperature > 0 ? o.bestOf() : 1;
        this.rules = new LogitRules(model.spec(), o);
        this.search = beam ? new BeamSearch(rows, o.patience(), special.eot()) : null;
        this.random = new SplittableRandom(o.seed());
        this.language = language;
        this.sumLogprobs = new double[rows];
        for (int k = 0; k < rows; k++) {
            tokens.add(new ArrayList<>(initialTokens));
        }
    }

    CompletableFuture<DecodeResult> result() {
        return result;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    int[] prompt() {
        return initial;
    }

    /** The start-of-transcript position (its logits give the no-speech probability) and the last. */
    @Override
    int[] promptReads() {
        return new int[] {sot, initial.length - 1};
    }

    @Override
    int[] nextTokens() {
        int[] next = new int[rows];
        for (int k = 0; k < rows; k++) {
            List<Integer> row = tokens.get(k);
            next[k] = row.get(row.size() - 1);
        }
        return next;
    }

    @Override
    int[] takeReorder() {
        int[] r = reorder;
        reorder = null;
        return r;
    }

    @Override
    protected boolean advance(float[][] output) {
        float[][] logits;
        if (selections == 0) {
            noSpeechProb = Math.exp(output[0][special.noSpeech()] - Sampling.logSumExp(output[0]));
            logits = new float[rows][];
            for (int k = 0; k < rows; k++) {
                logits[k] = output[1].clone();
            }
        } else {
            logits = output;
        }
        selections++;
        if (select(logits) || selections >= model.spec().dims().nTextCtx() / 2) {
            result.complete(finish());
            return true;
        }
        return false;
    }

    /** Picks every row's next token; true when decoding is complete. */
    private boolean select(float[][] logits) {
        int eot = special.eot();
        for (int k = 0; k < rows; k++) {
            rules.apply(logits[k], tokens.get(k), sampleBegin);
        }
        boolean completed;
        if (search != null) {
            double[][] logprobs = new double[rows][];
            for (int k = 0; k < rows; k++) {
                logprobs[k] = Sampling.logSoftmax(logits[k]);
            }
            BeamSearch.Step b = search.update(tokens, logprobs, sumLogprobs);
            tokens = b.tokens();
            sumLogprobs = b.sumLogprobs();
            reorder = isIdentity(b.sources()) ? null : b.sources();
            completed = b.completed();
        } else {
            // One row needs only its chosen token's log-prob, logits[next] - logZ: no log-softmax array.
            completed = true;
            for (int k = 0; k < rows; k++) {
                List<Integer> row = tokens.get(k);
                boolean ended = row.get(row.size() - 1) == eot;
                int next = ended ? eot : temperature == 0 ? Sampling.argmax(logits[k]) : Sampling.sample(logits[k], temperature, random);
                if (!ended) {
                    sumLogprobs[k] += logits[k][next] - Sampling.logSumExp(logits[k]);
                }
                row.add(next);
                completed &= next == eot;
            }
        }
        return completed || tokens.get(0).size() >= model.spec().dims().nTextCtx();
    }

    private DecodeResult finish() {
        Map<List<Integer>, Double> candidates = search != null ? search.finish(tokens, sumLogprobs) : candidates();
        List<Integer> best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        double bestSum = 0;
        for (Map.Entry<List<Integer>, Double> c : candidates.entrySet()) {
            List<Integer> sampled = sampled(c.getKey());
            double score = c.getValue() / Math.max(1, sampled.size()); // openai's ranker without length penalty
            if (best == null || score > bestScore) {
                best = sampled;
                bestScore = score;
                bestSum = c.getValue();
            }
        }
        String text = model.tokenizer().decode(best).strip();
        return new DecodeResult(List.copyOf(best), text, language, temperature, bestSum / (best.size() + 1),
                noSpeechProb, Fallback.compressionRatio(text));
    }

    private Map<List<Integer>, Double> candidates() {
        Map<List<Integer>, Double> out = new LinkedHashMap<>();
        for (int k = 0; k < tokens.size(); k++) {
            out.putIfAbsent(tokens.get(k), sumLogprobs[k]);
        }
        return out;
    }

    // The sampled ids after the prompt, cut at the first end-of-text.
    private List<Integer> sampled(List<Integer> sequence) {
        List<Integer> s = sequence.subList(sampleBegin, sequence.size());
        int end = s.indexOf(special.eot());
        return Collections.unmodifiableList(new ArrayList<>(end < 0 ? s : s.subList(0, end)));
    }

    private static boolean isIdentity(int[] sources) {
        for (int i = 0; i < sources.length; i++) {
            if (sources[i] != i) {
                return false;
            }
        }
        return true;
    }

    @Override
    protected void dropped(Throwable reason) {
        result.completeExceptionally(reason);
    }

    /** [sot_prev, prompt…] sot [language task] [no_timestamps], as openai's DecodingTask builds it. */
    static List<Integer> initialTokens(WhisperModel model, List<Integer> prompt, DecodingOptions o, String language) {
        WhisperManifest spec = model.spec();
        WhisperManifest.SpecialTokens special = spec.special();
        List<Integer> out = new ArrayList<>();
        if (!prompt.isEmpty()) {
            out.add(special.sotPrev());
            int keep = spec.dims().nTextCtx() / 2 - 1;
            out.addAll(prompt.subList(Math.max(0, prompt.size() - keep), prompt.size()));
        }
        out.add(special.sot());
        if (spec.multilingual()) {
            Integer lang = spec.languages().get(language);
            if (lang == null) {
                throw new IllegalArgumentException("model " + model.id() + " does not know language " + language);
            }
            out.add(lang);
            out.add(o.task() == Task.TRANSLATE ? special.translate() : special.transcribe());
        }
        if (o.withoutTimestamps()) {
            out.add(special.noTimestamps());
        }
        return out;
    }
}
