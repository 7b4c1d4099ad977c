package speech.asr.whisper;

import ai.onnxruntime.OrtException;
import java.util.ArrayList;
import java.util.List;
import speech.runtime.engine.StepModel;

/**
 * The decoder loop's step: one decoder.onnx call advances every running lane's rows by one token;
 * a lane's first step (its prompt, several tokens on one row) is a call of its own, after which its
 * cache is copied to the lane's other rows. All K/V stay in {@link DecoderState}.
 */
public final class DecoderStep implements StepModel<DecoderLane, float[][]> {

    private final DecoderState state;

    public DecoderStep(DecoderState state) {
        this.state = state;
    }

    @Override
    public List<float[][]> step(List<DecoderLane> lanes) throws OrtException {
        float[][][] outputs = new float[lanes.size()][][];
        List<Integer> decoding = new ArrayList<>();
        for (int i = 0; i < lanes.size(); i++) {
            DecoderLane lane = lanes.get(i);
            if (lane.prefilled()) {
                int[] sources = lane.takeReorder();
                if (sources != null) {
                    int[] slots = lane.slots();
                    int[] from = new int[sources.length];
                    for (int k = 0; k < sources.length; k++) {
                        from[k] = slots[sources[k]];
                    }
                    state.copyRows(from, slots, lane.positions());
                }
                decoding.add(i);
            } else {
                outputs[i] = prompt(lane);
            }
        }
        if (!decoding.isEmpty()) {
            decodeOneToken(lanes, decoding, outputs);
        }
        return List.of(outputs);
    }

    /** The lane's prompt on its first row, then that row's cache copied to the others. */
    private float[][] prompt(DecoderLane lane) throws OrtException {
        int[] prompt = lane.prompt();
        long[] tokens = new long[prompt.length];
        for (int t = 0; t < prompt.length; t++) {
            tokens[t] = prompt[t];
        }
        int[] slots = lane.slots();
        float[][] out = state.run(tokens, new int[] {0}, new int[] {slots[0]}, new int[] {lane.window()},
                new int[][] {lane.promptReads()})[0];
        if (slots.length > 1) {
            int[] sources = new int[slots.length - 1];
            java.util.Arrays.fill(sources, slots[0]);
            state.copyRows(sources, java.util.Arrays.copyOfRange(slots, 1, slots.length), prompt.length);
        }
        lane.wrote(prompt.length);
        return out;
    }

    /** One call over every row of the lanes at {@code which}: their next token each. */
    private void decodeOneToken(List<DecoderLane> lanes, List<Integer> which, float[][][] outputs) throws OrtException {
        int batch = which.stream().mapToInt(i -> lanes.get(i).rows()).sum();
        long[] tokens = new long[batch];
        int[] offsets = new int[batch];
        int[] slots = new int[batch];
        int[] windows = new int[batch];
        int[][] reads = new int[batch][];
        int row = 0;
        for (int i : which) {
            DecoderLane lane = lanes.get(i);
            int[] next = lane.nextTokens();
            int[] laneSlots = lane.slots();
            for (int k = 0; k < lane.rows(); k++, row++) {
                tokens[row] = next[k];
                offsets[row] = lane.positions();
                slots[row] = laneSlots[k];
                windows[row] = lane.window();
                reads[row] = new int[] {0};
            }
        }
        float[][][] logits = state.run(tokens, offsets, slots, windows, reads);
        row = 0;
        for (int i : which) {
            DecoderLane lane = lanes.get(i);
            float[][] mine = new float[lane.rows()][];
            for (int k = 0; k < lane.rows(); k++, row++) {
                mine[k] = logits[row][0];
            }
            lane.wrote(1);
            outputs[i] = mine;
        }
    }
}
