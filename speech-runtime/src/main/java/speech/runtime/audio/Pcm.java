package speech.runtime.audio;

/** Mono float PCM in [-1, 1] at a sample rate. */
public record Pcm(float[] samples, int sampleRate) {

    public double durationSeconds() {
        return samples.length / (double) sampleRate;
    }

    public Pcm slice(int from, int to) {
        return new Pcm(java.util.Arrays.copyOfRange(samples, from, to), sampleRate);
    }

    public float peak() {
        float peak = 0f;
        for (float s : samples) {
            peak = Math.max(peak, Math.abs(s));
        }
        return peak;
    }
}
