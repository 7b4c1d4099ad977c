package speech.tts.echo;

/**
 * How many latents a chunk's text needs, so "Hello there." does not cost a 30-second window: its bytes
 * at a speaking rate on the slow side (12 characters per second, ≈ 1.8 latents per byte at 21.5
 * latents/s), a margin, and room for the end-of-speech window, rounded up to a multiple of
 * {@link #BUCKET} so requests of similar length share DiT calls; never more than the request allows.
 * Speech that still runs into the end is resampled once at twice the length ({@link #longer}).
 */
final class SpeechLength {

    static final double CHARACTERS_PER_SECOND = 12;
    static final double MARGIN = 1.25;
    static final int BUCKET = 32;

    private SpeechLength() {
    }

    /** @param bytes the chunk's text tokens; {@code max} the request's sequence length (the window). */
    static int forText(int bytes, double secondsPerLatent, int max) {
        double latents = bytes / CHARACTERS_PER_SECOND / secondsPerLatent * MARGIN + EndOfSpeech.WINDOW;
        return Math.min(max, roundUp((int) Math.ceil(latents)));
    }

    /** The length to resample at when speech ran into the end of {@code length}. */
    static int longer(int length, int max) {
        return Math.min(max, roundUp(2 * length));
    }

    private static int roundUp(int latents) {
        return (latents + BUCKET - 1) / BUCKET * BUCKET;
    }
}
