package speech.asr.whisper;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * openai/whisper's BeamSearchDecoder for one audio: keeps {@code beamSize} live sequences, collects
 * finished ones until {@code beamSize × patience} are found. The decoder reorders its KV cache by
 * {@link Step#sources()} after every update.
 */
final class BeamSearch {

    record Step(List<List<Integer>> tokens, double[] sumLogprobs, int[] sources, boolean completed) {
    }

    private final int beamSize;
    private final int maxCandidates;
    private final int eot;
    private final Map<List<Integer>, Double> finished = new LinkedHashMap<>();

    BeamSearch(int beamSize, double patience, int eot) {
        this.beamSize = beamSize;
        this.maxCandidates = (int) Math.round(beamSize * patience);
        this.eot = eot;
    }

    /** Extends every live sequence by its {@code beamSize + 1} likeliest tokens and keeps the best {@code beamSize}. */
    Step update(List<List<Integer>> tokens, double[][] logprobs, double[] sumLogprobs) {
        Map<List<Integer>, Double> scores = new LinkedHashMap<>();
        Map<List<Integer>, Integer> sources = new LinkedHashMap<>();
        for (int j = 0; j < tokens.size(); j++) {
            for (int token : Sampling.topK(logprobs[j], beamSize + 1)) {
                List<Integer> sequence = new ArrayList<>(tokens.get(j));
                sequence.add(token);
                scores.put(sequence, sumLogprobs[j] + logprobs[j][token]);
                sources.put(sequence, j);
            }
        }
        List<List<Integer>> next = new ArrayList<>();
        List<Integer> from = new ArrayList<>();
        double[] nextSums = new double[beamSize];
        Map<List<Integer>, Double> newlyFinished = new LinkedHashMap<>();
        for (List<Integer> sequence : sorted(scores)) {
            if (sequence.get(sequence.size() - 1) == eot) {
                newlyFinished.put(sequence, scores.get(sequence));
            } else {
                nextSums[next.size()] = scores.get(sequence);
                next.add(sequence);
                from.add(sources.get(sequence));
                if (next.size() == beamSize) {
                    break;
                }
            }
        }
        for (List<Integer> sequence : sorted(newlyFinished)) {
            if (finished.size() >= maxCandidates) {
                break;
            }
            finished.put(sequence, newlyFinished.get(sequence));
        }
        int[] src = from.stream().mapToInt(Integer::intValue).toArray();
        return new Step(next, java.util.Arrays.copyOf(nextSums, next.size()), src, finished.size() >= maxCandidates);
    }

    /** Finished sequences, topped up with the best live ones (plus end-of-text) when too few finished. */
    Map<List<Integer>, Double> finish(List<List<Integer>> tokens, double[] sumLogprobs) {
        Map<List<Integer>, Double> out = new LinkedHashMap<>(finished);
        Integer[] order = new Integer[tokens.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> sumLogprobs[i]).reversed());
        for (int j : order) {
            if (out.size() >= beamSize) {
                break;
            }
            List<Integer> sequence = new ArrayList<>(tokens.get(j));
            sequence.add(eot);
            out.put(sequence, sumLogprobs[j]);
        }
        return out;
    }

    private static List<List<Integer>> sorted(Map<List<Integer>, Double> scores) {
        List<List<Integer>> keys = new ArrayList<>(scores.keySet());
        keys.sort(Comparator.comparingDouble((List<Integer> s) -> scores.get(s)).reversed());
        return keys;
    }
}
