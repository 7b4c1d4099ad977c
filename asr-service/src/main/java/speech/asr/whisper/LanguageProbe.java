package speech.asr.whisper;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import speech.runtime.engine.Job;

/** One decoder step on {@code [sot]}: the probability of every language (multilingual models). */
final class LanguageProbe extends DecoderLane {

    private final WhisperManifest spec;
    private final CompletableFuture<Map<String, Double>> result = new CompletableFuture<>();

    LanguageProbe(Job<?, ?> job, int window, WhisperManifest spec) {
        super(job, window);
        this.spec = spec;
    }

    CompletableFuture<Map<String, Double>> result() {
        return result;
    }

    @Override
    int[] prompt() {
        return new int[] {spec.special().sot()};
    }

    @Override
    int[] promptReads() {
        return new int[] {0};
    }

    @Override
    int[] nextTokens() {
        throw new IllegalStateException("a language probe runs one step");
    }

    @Override
    protected boolean advance(float[][] logits) {
        float[] onlyLanguages = new float[logits[0].length];
        java.util.Arrays.fill(onlyLanguages, Float.NEGATIVE_INFINITY);
        spec.languages().values().forEach(id -> onlyLanguages[id] = logits[0][id]);
        double[] logp = Sampling.logSoftmax(onlyLanguages);
        Map<String, Double> out = new LinkedHashMap<>();
        spec.languages().entrySet().stream()
                .sorted((a, b) -> Double.compare(logp[b.getValue()], logp[a.getValue()]))
                .forEach(e -> out.put(e.getKey(), Math.exp(logp[e.getValue()])));
        result.complete(out);
        return true;
    }

    @Override
    protected void dropped(Throwable reason) {
        result.completeExceptionally(reason);
    }
}
