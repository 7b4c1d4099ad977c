package speech.asr.whisper;

import speech.runtime.engine.Job;
import speech.runtime.engine.Lane;

/**
 * Work for the decoder loop over one encoded window: its rows (slots) all hold the same number of
 * positions. The first step feeds {@link #prompt()} on the first row (its cache is then copied to
 * the other rows); every later step feeds one token per row. The step's output is, per row, the
 * logits asked for: on the first step those of {@link #promptReads()}, afterwards the last position.
 */
abstract class DecoderLane extends Lane<float[][]> {

    private final int window;
    private int positions;

    DecoderLane(Job<?, ?> job, int window) {
        super(job);
        this.window = window;
    }

    /** The cross K/V slot this lane reads. */
    final int window() {
        return window;
    }

    /** Tokens already in each row's self K/V cache. */
    final int positions() {
        return positions;
    }

    final boolean prefilled() {
        return positions > 0;
    }

    /** Tokens of the first step (one row); positions of them whose logits come back. */
    abstract int[] prompt();

    abstract int[] promptReads();

    /** The next token of every row, after the first step. */
    abstract int[] nextTokens();

    /** Rows whose cache must first continue another row's: sources[i] → row i, or null. Reset when read. */
    int[] takeReorder() {
        return null;
    }

    /** Called by the decoder step once the call wrote {@code n} new positions. */
    final void wrote(int n) {
        positions += n;
    }
}
