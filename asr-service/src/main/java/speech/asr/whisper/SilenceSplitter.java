package speech.asr.whisper;

import java.util.ArrayList;
import java.util.List;

/**
 * Long audio → pieces of at most one window, cut in silences (≈ faster-whisper's vad.py, but energy
 * based). Each cut lies in the quietest stretch of a search window that ends at the window limit:
 * the stretch of {@code quietSeconds} whose loudest 10 ms frame is the quietest, so a cut never lands
 * inside a word when a pause exists. The cut sits {@code leadSeconds} before that pause ends: a window
 * that opens on half a second of silence makes Whisper (tiny above all) skip its first sentence.
 */
public final class SilenceSplitter {

    /** Samples {@code [start, end)} of the whole file. */
    public record Piece(int start, int end) {
        public int length() {
            return end - start;
        }
    }

    private final int sampleRate;
    private final int maxSamples;
    private final int searchSamples;
    private final int frame;
    private final int quietFrames;
    private final int leadSamples;

    /**
     * @param maxSeconds    longest piece (the model's window)
     * @param searchSeconds cuts are searched in the last {@code searchSeconds} before the limit
     * @param quietSeconds  a cut point needs this much quiet before it
     * @param leadSeconds   silence left between the cut and the end of the pause
     */
    public SilenceSplitter(int sampleRate, double maxSeconds, double searchSeconds, double quietSeconds, double leadSeconds) {
        this.sampleRate = sampleRate;
        this.maxSamples = (int) Math.floor(maxSeconds * sampleRate);
        this.searchSamples = (int) Math.min(maxSamples - 1, Math.round(searchSeconds * sampleRate));
        this.frame = sampleRate / 100; // 10 ms energy frames
        this.quietFrames = Math.max(1, (int) Math.round(quietSeconds * 100));
        this.leadSamples = (int) Math.round(Math.min(leadSeconds, quietSeconds / 2) * sampleRate);
    }

    /** Pieces of the model's window, searching the last 10 s before it for a 0.5 s pause (longer than a pause between words), cut 0.1 s before it ends. */
    public static SilenceSplitter of(WhisperManifest spec) {
        return new SilenceSplitter(spec.audio().sampleRate(), spec.audio().chunkLength(), 10.0, 0.5, 0.1);
    }

    public List<Piece> split(float[] samples) {
        List<Piece> pieces = new ArrayList<>();
        int start = 0;
        while (samples.length - start > maxSamples) {
            int cut = quietestPoint(samples, start + maxSamples - searchSamples, start + maxSamples);
            pieces.add(new Piece(start, cut));
            start = cut;
        }
        if (samples.length > start) {
            pieces.add(new Piece(start, samples.length));
        }
        return pieces;
    }

    /** Just before the end of the last quietest {@code quietFrames} stretch inside {@code [from, to)}. */
    int quietestPoint(float[] samples, int from, int to) {
        int[] pause = quietestPause(samples, from, to, quietFrames);
        return Math.min(pause[1] - leadSamples, to);
    }

    /**
     * The pause nearest in quietness: samples {@code [start, end)} of the last run of the quietest
     * {@code frames}-long stretches inside {@code [from, to)}.
     */
    int[] quietestPause(float[] samples, int from, int to, int frames) {
        from = Math.max(0, from);
        to = Math.min(samples.length, to);
        int n = Math.max(0, (to - from) / frame);
        if (n == 0) {
            return new int[] {from, to};
        }
        double[] energy = new double[n];
        for (int f = 0; f < n; f++) {
            double sum = 0;
            for (int i = from + f * frame, end = i + frame; i < end; i++) {
                sum += (double) samples[i] * samples[i];
            }
            energy[f] = sum / frame;
        }
        int span = Math.min(frames, n);
        int windows = n - span + 1;
        double[] loudest = new double[windows];
        for (int w = 0; w < windows; w++) {
            double max = 0;
            for (int f = w; f < w + span; f++) {
                max = Math.max(max, energy[f]);
            }
            loudest[w] = max;
        }
        double min = Double.MAX_VALUE;
        for (double v : loudest) {
            min = Math.min(min, v);
        }
        double tie = min * 1.05 + 1e-12;
        // The last (near-)quietest stretch, so pieces stay long; the run of quiet stretches around it is the pause.
        int last = windows - 1;
        while (loudest[last] > tie) {
            last--;
        }
        int first = last;
        while (first > 0 && loudest[first - 1] <= tie) {
            first--;
        }
        return new int[] {from + first * frame, from + (last + span) * frame};
    }

    /**
     * Moves the boundary between two touching segments into the quietest pause within {@code radiusSeconds}
     * of it: Whisper's timestamps (tiny's above all) come in coarse steps and often split before the pause.
     */
    public double[] alignBoundary(float[] samples, double boundary, double radiusSeconds, double notBefore, double notAfter) {
        int from = (int) Math.round(Math.max(notBefore, boundary - radiusSeconds) * sampleRate);
        int to = (int) Math.round(Math.min(notAfter, boundary + radiusSeconds) * sampleRate);
        if (to - from < 2 * frame * 10) {
            return new double[] {boundary, boundary};
        }
        int[] pause = quietestPause(samples, from, to, 10); // 0.1 s of quiet
        double end = Math.max(pause[0], pause[1] - leadSamples);
        return new double[] {pause[0] / (double) sampleRate, end / (double) sampleRate};
    }

    public int sampleRate() {
        return sampleRate;
    }
}
