package speech.asr.whisper;

import java.util.ArrayList;
import java.util.List;

/**
 * Long audio → pieces of at most one window, cut in silences (≈ faster-whisper's vad.py, but energy
 * based). Each cut lies in the quietest stretch of a search window that ends at the window limit:
 * the candidate with the lowest loudest-frame over {@code quietSeconds}, so a cut never lands inside a word
 * when a pause exists, and in the middle of the quietest pause when several tie.
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

    /**
     * @param maxSeconds    longest piece (the model's window)
     * @param searchSeconds cuts are searched in the last {@code searchSeconds} before the limit
     * @param quietSeconds  a cut point needs this much quiet around it
     */
    public SilenceSplitter(int sampleRate, double maxSeconds, double searchSeconds, double quietSeconds) {
        this.sampleRate = sampleRate;
        this.maxSamples = (int) Math.floor(maxSeconds * sampleRate);
        this.searchSamples = (int) Math.min(maxSamples - 1, Math.round(searchSeconds * sampleRate));
        this.frame = sampleRate / 100; // 10 ms energy frames
        this.quietFrames = Math.max(1, (int) Math.round(quietSeconds * 100));
    }

    /** Pieces of the model's window, searching the last 10 s before it for a 0.3 s quiet stretch. */
    public static SilenceSplitter of(WhisperManifest spec) {
        return new SilenceSplitter(spec.audio().sampleRate(), spec.audio().chunkLength(), 10.0, 0.3);
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

    /** The centre of the quietest {@code quietFrames} stretch inside {@code [from, to)}. */
    int quietestPoint(float[] samples, int from, int to) {
        int frames = (to - from) / frame;
        double[] energy = new double[frames];
        for (int f = 0; f < frames; f++) {
            double sum = 0;
            for (int i = from + f * frame, end = i + frame; i < end; i++) {
                sum += (double) samples[i] * samples[i];
            }
            energy[f] = sum / frame;
        }
        int windows = Math.max(1, frames - quietFrames + 1);
        double[] loudest = new double[windows];
        for (int w = 0; w < windows; w++) {
            double max = 0;
            for (int f = w; f < Math.min(frames, w + quietFrames); f++) {
                max = Math.max(max, energy[f]);
            }
            loudest[w] = max;
        }
        double min = Double.MAX_VALUE;
        for (double v : loudest) {
            min = Math.min(min, v);
        }
        double tie = min * 1.05 + 1e-12;
        // The last run of (near-)quietest windows, so pieces stay long; its middle, so the cut is centred.
        int runEnd = windows - 1;
        while (loudest[runEnd] > tie) {
            runEnd--;
        }
        int runStart = runEnd;
        while (runStart > 0 && loudest[runStart - 1] <= tie) {
            runStart--;
        }
        int middle = (runStart + runEnd) / 2;
        int centre = from + (middle * frame) + quietFrames * frame / 2;
        return Math.min(centre, to);
    }

    public int sampleRate() {
        return sampleRate;
    }
}
