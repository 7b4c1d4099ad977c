package speech.asr.whisper;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import speech.runtime.ort.Graph;
import speech.runtime.ort.GraphContract;
import speech.runtime.ort.Tensors;

/**
 * The token loop over decoder.onnx with a growing self-attention cache: one call per new token.
 * Greedy at temperature 0, best-of-n sampling above it, beam search when {@code beamSize > 1} at 0.
 * All per-call state (tokens, cache, scores) is local, so one model serves many calls at once.
 * The only user of decoder.onnx.
 */
public final class Decoder implements AutoCloseable {

    private static final String TOKENS = "tokens";
    private static final String SELF_K = "self_k";
    private static final String SELF_V = "self_v";
    private static final String CROSS_K = "cross_k";
    private static final String CROSS_V = "cross_v";
    private static final String LOGITS = "logits";
    private static final String NEW_SELF_K = "new_self_k";
    private static final String NEW_SELF_V = "new_self_v";
    static final GraphContract CONTRACT = new GraphContract("decoder",
            Set.of(TOKENS, SELF_K, SELF_V, CROSS_K, CROSS_V), Set.of(LOGITS, NEW_SELF_K, NEW_SELF_V));

    private final Graph graph;
    private final String modelId;
    private final WhisperManifest spec;
    private final WhisperManifest.SpecialTokens special;
    private final WhisperTokenizer tokenizer;

    /** Takes ownership of the graph (opened with {@link #CONTRACT}). */
    Decoder(Graph graph, String modelId, WhisperManifest spec, WhisperTokenizer tokenizer) {
        this.graph = graph;
        this.modelId = modelId;
        this.spec = spec;
        this.special = spec.special();
        this.tokenizer = tokenizer;
    }

    /** Decodes one window at one temperature; {@code prompt} is earlier text (ids) given as context. */
    public DecodeResult decode(Encoder.CrossKv cross, List<Integer> prompt, DecodingOptions o, String language,
                               double temperature) throws OrtException {
        List<Integer> initial = initialTokens(prompt, o, language);
        int sampleBegin = initial.size();
        int sot = initial.indexOf(special.sot());
        boolean beam = temperature == 0 && o.beamSize() > 1;
        int n = beam ? o.beamSize() : temperature > 0 ? o.bestOf() : 1;
        LogitRules rules = new LogitRules(spec, o);
        BeamSearch search = beam ? new BeamSearch(n, o.patience(), special.eot()) : null;
        SplittableRandom random = new SplittableRandom(o.seed());
        int eot = special.eot();

        List<List<Integer>> tokens = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            tokens.add(new ArrayList<>(initial));
        }
        double[] sumLogprobs = new double[n];
        double noSpeechProb;
        try (Encoder.Pair crossOne = cross.tensors(1); Encoder.Pair crossN = n == 1 ? null : cross.tensors(n)) {
            // Prompt first (only its cache is kept), then the start-of-transcript sequence, whose first
            // position's logits give the no-speech probability. Both on one row, then copied to n rows.
            KvCache cache = KvCache.empty(spec.dims().nTextLayer(), 1, spec.dims().nTextHead(), spec.dims().headDim());
            if (sot > 0) {
                cache = run(List.of(initial.subList(0, sot)), cache, crossOne, false).cache();
            }
            Step step = run(List.of(initial.subList(sot, initial.size())), cache, crossOne, true);
            noSpeechProb = Math.exp(Sampling.logSoftmax(step.first()[0])[special.noSpeech()]);
            float[][] logits = n == 1 ? step.last() : repeat(step.last()[0], n);
            cache = n == 1 ? step.cache() : step.cache().reorder(new int[n]);

            for (int i = 0; i < spec.dims().nTextCtx() / 2; i++) {
                double[][] logprobs = new double[n][];
                for (int k = 0; k < n; k++) {
                    rules.apply(logits[k], tokens.get(k), sampleBegin);
                    logprobs[k] = Sampling.logSoftmax(logits[k]);
                }
                boolean completed;
                if (beam) {
                    BeamSearch.Step b = search.update(tokens, logprobs, sumLogprobs);
                    tokens = b.tokens();
                    sumLogprobs = b.sumLogprobs();
                    cache = cache.reorder(b.sources());
                    completed = b.completed();
                } else {
                    completed = true;
                    for (int k = 0; k < n; k++) {
                        List<Integer> row = tokens.get(k);
                        boolean ended = row.get(row.size() - 1) == eot;
                        int next = ended ? eot : temperature == 0 ? Sampling.argmax(logits[k]) : Sampling.sample(logits[k], temperature, random);
                        if (!ended) {
                            sumLogprobs[k] += logprobs[k][next];
                        }
                        row.add(next);
                        completed &= next == eot;
                    }
                }
                if (completed || tokens.get(0).size() >= spec.dims().nTextCtx()) {
                    break;
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new java.util.concurrent.CancellationException("decoding was cancelled");
                }
                List<List<Integer>> last = new ArrayList<>();
                for (List<Integer> row : tokens) {
                    last.add(List.of(row.get(row.size() - 1)));
                }
                step = run(last, cache, n == 1 ? crossOne : crossN, false);
                logits = step.last();
                cache = step.cache();
            }
        }

        Map<List<Integer>, Double> candidates = beam ? search.finish(tokens, sumLogprobs) : rows(tokens, sumLogprobs);
        List<Integer> best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        double bestSum = 0;
        for (Map.Entry<List<Integer>, Double> c : candidates.entrySet()) {
            List<Integer> sampled = sampled(c.getKey(), sampleBegin);
            double score = c.getValue() / Math.max(1, sampled.size()); // openai's ranker without length penalty
            if (best == null || score > bestScore) {
                best = sampled;
                bestScore = score;
                bestSum = c.getValue();
            }
        }
        String text = tokenizer.decode(best).strip();
        return new DecodeResult(List.copyOf(best), text, language, temperature, bestSum / (best.size() + 1),
                noSpeechProb, Fallback.compressionRatio(text));
    }

    /** Probability of every language after start-of-transcript (multilingual models only). */
    public Map<String, Double> detectLanguage(Encoder.CrossKv cross) throws OrtException {
        if (spec.languages().isEmpty()) {
            throw new IllegalStateException("model " + modelId + " is English-only");
        }
        float[] logits;
        try (Encoder.Pair crossOne = cross.tensors(1)) {
            KvCache empty = KvCache.empty(spec.dims().nTextLayer(), 1, spec.dims().nTextHead(), spec.dims().headDim());
            logits = run(List.of(List.of(special.sot())), empty, crossOne, false).last()[0];
        }
        float[] onlyLanguages = new float[logits.length];
        java.util.Arrays.fill(onlyLanguages, Float.NEGATIVE_INFINITY);
        spec.languages().values().forEach(id -> onlyLanguages[id] = logits[id]);
        double[] logp = Sampling.logSoftmax(onlyLanguages);
        Map<String, Double> out = new LinkedHashMap<>();
        spec.languages().entrySet().stream()
                .sorted((a, b) -> Double.compare(logp[b.getValue()], logp[a.getValue()]))
                .forEach(e -> out.put(e.getKey(), Math.exp(logp[e.getValue()])));
        return out;
    }

    /** [sot_prev, prompt…] sot [language task] [no_timestamps], as openai's DecodingTask builds it. */
    List<Integer> initialTokens(List<Integer> prompt, DecodingOptions o, String language) {
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
                throw new IllegalArgumentException("model " + modelId + " does not know language " + language);
            }
            out.add(lang);
            out.add(o.task() == Task.TRANSLATE ? special.translate() : special.transcribe());
        }
        if (o.withoutTimestamps()) {
            out.add(special.noTimestamps());
        }
        return out;
    }

    private record Step(float[][] last, float[][] first, KvCache cache) {
    }

    /**
     * One decoder.onnx call over the new tokens of every row.
     * <ul>
     * <li>in  {@code tokens} i64 [batch, n_tokens]</li>
     * <li>in  {@code self_k}, {@code self_v} f32 [n_text_layer, batch, n_text_head, past, head_dim] (past may be 0)</li>
     * <li>in  {@code cross_k}, {@code cross_v} f32 [n_text_layer, batch, n_text_head, n_audio_ctx, head_dim]</li>
     * <li>out {@code logits} f32 [batch, n_tokens, n_vocab]: only the last (and, if asked, the first) position is read</li>
     * <li>out {@code new_self_k}, {@code new_self_v} f32 [n_text_layer, batch, n_text_head, past + n_tokens, head_dim]</li>
     * </ul>
     */
    private Step run(List<List<Integer>> rows, KvCache cache, Encoder.Pair cross, boolean wantFirst) throws OrtException {
        int batch = rows.size();
        int len = rows.get(0).size();
        long[] ids = new long[batch * len];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < len; t++) {
                ids[b * len + t] = rows.get(b).get(t);
            }
        }
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try (OnnxTensor tokens = Tensors.longs(ids, batch, len);
             OnnxTensor selfK = Tensors.floats(cache.k(), cache.shape());
             OnnxTensor selfV = Tensors.floats(cache.v(), cache.shape())) {
            inputs.put(TOKENS, tokens);
            inputs.put(SELF_K, selfK);
            inputs.put(SELF_V, selfV);
            inputs.put(CROSS_K, cross.k());
            inputs.put(CROSS_V, cross.v());
            try (OrtSession.Result out = graph.run(inputs)) {
                long[] kShape = Tensors.shape(out, NEW_SELF_K);
                KvCache next = new KvCache(Tensors.floats(out, NEW_SELF_K), Tensors.floats(out, NEW_SELF_V), cache.layers(),
                        batch, cache.heads(), (int) kShape[3], cache.headDim());
                FloatBuffer logits = ((OnnxTensor) Tensors.output(out, LOGITS)).getFloatBuffer();
                int vocab = logits.remaining() / (batch * len);
                float[][] last = new float[batch][];
                float[][] first = new float[batch][];
                for (int b = 0; b < batch; b++) {
                    last[b] = slice(logits, (b * len + len - 1) * vocab, vocab);
                    first[b] = wantFirst ? slice(logits, b * len * vocab, vocab) : null;
                }
                return new Step(last, first, next);
            }
        }
    }

    /** Waits for running calls, then frees the session. */
    @Override
    public void close() throws OrtException {
        graph.close();
    }

    private static float[] slice(FloatBuffer buffer, int offset, int length) {
        float[] out = new float[length];
        buffer.get(offset, out, 0, length);
        return out;
    }

    private static float[][] repeat(float[] row, int n) {
        float[][] out = new float[n][];
        for (int k = 0; k < n; k++) {
            out[k] = row.clone();
        }
        return out;
    }

    private static Map<List<Integer>, Double> rows(List<List<Integer>> tokens, double[] sums) {
        Map<List<Integer>, Double> out = new LinkedHashMap<>();
        for (int k = 0; k < tokens.size(); k++) {
            out.putIfAbsent(tokens.get(k), sums[k]);
        }
        return out;
    }

    // The sampled ids after the prompt, cut at the first end-of-text.
    private List<Integer> sampled(List<Integer> sequence, int sampleBegin) {
        List<Integer> s = sequence.subList(sampleBegin, sequence.size());
        int end = s.indexOf(special.eot());
        return Collections.unmodifiableList(new ArrayList<>(end < 0 ? s : s.subList(0, end)));
    }
}
