package speech.tts.echo;

/**
 * Upstream's {@code find_flattening_point}: the first frame whose 20-frame window (the latent
 * padded with 20 zero frames) is flat, i.e. unbiased std &lt; 0.05 and |mean| &lt; 0.1 over all values.
 * The codec is causal, so cropping the latent there before decoding gives the same audio as
 * decoding everything and cropping (docs/echo-tts-graphs.md#end-of-speech).
 */
public final class EndOfSpeech {

    static final int WINDOW = 20;
    static final double MAX_STD = 0.05;
    static final double MAX_ABS_MEAN = 0.1;

    private EndOfSpeech() {
    }

    /** @param latent [frames, dim] row-major; returns a frame index in 0..frames (frames = never flat). */
    public static int flatteningPoint(float[] latent, int frames, int dim) {
        int n = WINDOW * dim;
        for (int i = 0; i < frames; i++) {
            double sum = 0;
            double sumSq = 0;
            int end = Math.min(frames, i + WINDOW);
            for (int k = i * dim; k < end * dim; k++) {
                sum += latent[k];
                sumSq += (double) latent[k] * latent[k];
            }
            // Frames past the end are the appended zeros: they count in n but add nothing to the sums.
            double mean = sum / n;
            double variance = Math.max(0, (sumSq - n * mean * mean) / (n - 1));
            if (Math.sqrt(variance) < MAX_STD && Math.abs(mean) < MAX_ABS_MEAN) {
                return i;
            }
        }
        return frames;
    }
}
