package speech.tts.echo;

import ai.onnxruntime.OrtException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The long-form loop, top to bottom: text → chunks → (per batch of chunks) text K/V → Euler CFG
 * sampling with the chunks as lanes of the same DiT steps → each chunk cropped at its end of speech
 * → decode → chunks joined with short cross-fades.
 */
public final class Synthesizer {

    /**
     * @param maxChunkTokens   text budget per chunk (BOS and speaker tag included), ≤ the model's limit
     * @param maxBatchChunks   chunks sampled together as lanes of one DiT call
     * @param maxBatchKvBytes  memory budget of the per-lane K/V copies a multi-chunk batch needs
     * @param crossFadeSeconds seam overlap between chunks
     */
    public record Options(int maxChunkTokens, int maxBatchChunks, long maxBatchKvBytes, double crossFadeSeconds) {
    }

    /** Audio at the model's rate plus what it took. */
    public record Result(float[] audio, int sampleRate, int chunks, int ditCalls, long samplingNanos, long decodingNanos) {

        public double durationSeconds() {
            return audio.length / (double) sampleRate;
        }
    }

    private final EchoModel model;
    private final Conditioning conditioning;
    private final Codec codec;
    private final Options options;

    public Synthesizer(EchoModel model, Options options) {
        this.model = model;
        this.conditioning = model.conditioning();
        this.codec = model.codec();
        this.options = options;
    }

    /** Initial noise, drawn chunk by chunk in reading order. */
    @FunctionalInterface
    public interface Noise {
        float[] next(int values);
    }

    /** Gaussian noise from one generator per request, so a seed reproduces the whole request. */
    public static Noise seeded(long seed) {
        Random rng = new Random(seed);
        return values -> {
            float[] out = new float[values];
            for (int i = 0; i < values; i++) {
                out[i] = (float) rng.nextGaussian();
            }
            return out;
        };
    }

    public Result synthesize(String text, Conditioning.Speaker speaker, SamplerSettings settings, long seed) throws OrtException {
        return synthesize(text, speaker, settings, seeded(seed));
    }

    public Result synthesize(String text, Conditioning.Speaker speaker, SamplerSettings settings, Noise noiseSource) throws OrtException {
        EchoModel.Constants c = model.constants();
        ByteTokenizer tokenizer = model.tokenizer();
        List<String> prompts = new TextChunker(Math.min(options.maxChunkTokens(), c.maxTextLength())).split(text);
        int frameValues = settings.sequenceLength() * c.latentDim();
        List<float[]> pieces = new ArrayList<>();
        int[] ditCalls = {0};
        long samplingNanos = 0;
        long decodingNanos = 0;

        for (List<String> batch : batches(prompts, speaker)) {
            int chunks = batch.size();
            // Drawn in chunk order for the whole batch: how chunks are batched does not change the noise.
            float[] noise = noiseSource.next(chunks * frameValues);
            long start = System.nanoTime();
            Conditioning.Text textKv = conditioning.text(batch.stream().map(tokenizer::encodeNormalized).toList());
            float[] x;
            try (DitStep.Bound dit = model.ditStep().bind(textKv, speaker)) {
                EulerCfgSampler.Denoiser counted = (xs, lanes, t, scale) -> {
                    ditCalls[0]++;
                    return dit.velocity(xs, lanes, t, scale);
                };
                x = EulerCfgSampler.sample(counted, noise, chunks, c.layers(), settings);
            }
            long sampled = System.nanoTime();
            samplingNanos += sampled - start;

            for (int k = 0; k < chunks; k++) {
                float[] latent = Arrays.copyOfRange(x, k * frameValues, (k + 1) * frameValues);
                int end = EndOfSpeech.flatteningPoint(latent, settings.sequenceLength(), c.latentDim());
                if (end > 0) {
                    pieces.add(codec.decode(latent, end));
                }
            }
            decodingNanos += System.nanoTime() - sampled;
        }
        float[] audio = CrossFade.join(pieces, (int) Math.round(options.crossFadeSeconds() * c.sampleRate()));
        return new Result(audio, c.sampleRate(), prompts.size(), ditCalls[0], samplingNanos, decodingNanos);
    }

    /** Consecutive chunks grouped so their per-lane K/V copies (3 CFG lanes each) fit the budget. */
    private List<List<String>> batches(List<String> prompts, Conditioning.Speaker speaker) {
        int size = 1;
        if (model.perLaneConditioning() && prompts.size() > 1) {
            long[] shape = speaker.kv().shape(); // [Ld, 1, Lsp, H, D]
            int longest = prompts.stream().mapToInt(ByteTokenizer::length).max().orElse(1);
            long perLane = 2L * 4 * shape[0] * shape[3] * shape[4] * (longest + shape[2]);
            long fit = options.maxBatchKvBytes() / Math.max(1, 3 * perLane);
            size = (int) Math.max(1, Math.min(options.maxBatchChunks(), fit));
        }
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i += size) {
            out.add(prompts.subList(i, Math.min(prompts.size(), i + size)));
        }
        return out;
    }
}
