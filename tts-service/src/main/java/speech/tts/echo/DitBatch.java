package speech.tts.echo;

import ai.onnxruntime.OrtException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import speech.runtime.engine.StepModel;

/**
 * The scheduler's step for {@code dit_step}: the calls of every running chunk lane, whatever request and
 * step they are at, become rows of as few graph calls as the graph allows. Rows carry their own t and
 * key masks (CFG lanes: [cond, text-uncond, speaker-uncond] for a request inside its CFG interval, one
 * row outside); lanes share a call when their sequence length and speaker scale agree. K/V go in one
 * row per row (Bc = B) gathered once per batch composition (a lone one-chunk lane passes its own
 * batch-1 K/V) and bound once to the graph ({@link DitStep.Resident}, on the device under CUDA) for
 * as long as the composition does not change: a step writes only x, t and the masks.
 * Used by the scheduler's loop thread only; close it after the scheduler.
 */
final class DitBatch implements StepModel<DitLane, float[]>, AutoCloseable {

    private record Group(int s, List<Float> speakerKvScale, int lane) {
    }

    private final DitStep dit;
    private final int latentDim;
    /** Bound K/V per composition (lanes and their row counts in order), for the compositions of the last step. */
    private Map<List<Object>, DitStep.Resident> resident = new HashMap<>();
    private long bindings;

    DitBatch(DitStep dit, int latentDim) {
        this.dit = dit;
        this.latentDim = latentDim;
    }

    @Override
    public List<float[]> step(List<DitLane> lanes) throws InterruptedException, OrtException {
        DitLane.Call[] calls = new DitLane.Call[lanes.size()];
        Map<Group, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < lanes.size(); i++) {
            calls[i] = lanes.get(i).nextCall();
            if (calls[i] == null) {
                continue;
            }
            int s = calls[i].x().length / (calls[i].lanes().count() * latentDim);
            List<Float> scale = new ArrayList<>();
            for (float f : calls[i].speakerKvScale()) {
                scale.add(f);
            }
            Group key = new Group(s, scale, dit.perLaneConditioning() ? -1 : i);
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
        }
        float[][] out = new float[lanes.size()][];
        Map<List<Object>, DitStep.Resident> kept = new HashMap<>();
        try {
            for (Map.Entry<Group, List<Integer>> g : groups.entrySet()) {
                stepGroup(g.getKey().s(), g.getValue(), lanes, calls, out, kept);
            }
        } finally {
            // A composition that did not step again has changed (a lane joined or left): unbind its K/V.
            resident.forEach((composition, r) -> {
                if (kept.get(composition) != r) {
                    r.close();
                }
            });
            resident = kept;
        }
        return Arrays.asList(out);
    }

    private void stepGroup(int s, List<Integer> indices, List<DitLane> lanes, DitLane.Call[] calls, float[][] out,
                           Map<List<Object>, DitStep.Resident> kept) throws OrtException {
        List<DitLane> members = indices.stream().map(lanes::get).toList();
        List<DitLane.Call> memberCalls = indices.stream().map(i -> calls[i]).toList();
        float[] v = velocity(s, members, memberCalls, kept);
        int offset = 0;
        for (int m = 0; m < members.size(); m++) {
            int n = memberCalls.get(m).x().length;
            out[indices.get(m)] = Arrays.copyOfRange(v, offset, offset + n);
            offset += n;
        }
        Set<AtomicInteger> requests = Collections.newSetFromMap(new IdentityHashMap<>());
        members.forEach(lane -> requests.add(lane.requestCalls));
        requests.forEach(AtomicInteger::incrementAndGet);
    }

    /** How many times K/V were bound: once per batch composition, not per step. */
    long bindings() {
        return bindings;
    }

    /** Closes the K/V bound for the last step's compositions. */
    @Override
    public void close() {
        resident.values().forEach(DitStep.Resident::close);
        resident = new HashMap<>();
    }

    private float[] velocity(int s, List<DitLane> lanes, List<DitLane.Call> calls, Map<List<Object>, DitStep.Resident> kept)
            throws OrtException {
        int b = calls.stream().mapToInt(c -> c.lanes().count()).sum();
        boolean shared = lanes.size() == 1 && lanes.getFirst().text.kv().batch() == 1;
        int lt = lanes.stream().mapToInt(l -> l.text.kv().length()).max().orElseThrow();
        int lsp = lanes.stream().mapToInt(l -> l.speaker.patchMask().length).max().orElseThrow();
        float[] x = new float[b * s * latentDim];
        float[] t = new float[b];
        boolean[] textMask = new boolean[b * lt];
        boolean[] speakerMask = new boolean[b * lsp];
        List<Object> composition = new ArrayList<>();
        int row = 0;
        for (int m = 0; m < lanes.size(); m++) {
            DitLane lane = lanes.get(m);
            DitLane.Call call = calls.get(m);
            System.arraycopy(call.x(), 0, x, row * s * latentDim, call.x().length);
            int laneLt = lane.text.kv().length();
            boolean[] patches = lane.speaker.patchMask();
            for (int r = 0; r < call.lanes().count(); r++, row++) {
                t[row] = call.t();
                if (call.lanes().textOn()[r]) {
                    System.arraycopy(lane.text.mask(), call.lanes().chunk(r) * laneLt, textMask, row * lt, laneLt);
                }
                if (call.lanes().speakerOn()[r]) {
                    System.arraycopy(patches, 0, speakerMask, row * lsp, patches.length);
                }
            }
            composition.add(lane);
            composition.add(call.lanes().count());
        }
        DitStep.Resident kv = resident.get(composition);
        if (kv == null) {
            bindings++;
            kv = shared ? dit.resident(lanes.getFirst().text.kv(), lanes.getFirst().speaker.kv()) : gather(lanes, calls, b, lt, lsp);
        }
        kept.put(composition, kv);
        return kv.velocity(new DitStep.Rows(x, s, t, textMask, speakerMask, kv.text(), kv.speaker(), calls.getFirst().speakerKvScale()));
    }

    /** Text and speaker K/V with one row per row, each lane's keys zero-padded (and masked) to the longest. */
    private DitStep.Resident gather(List<DitLane> lanes, List<DitLane.Call> calls, int b, int lt, int lsp) throws OrtException {
        List<Conditioning.KeysValues> text = new ArrayList<>();
        List<Integer> textRows = new ArrayList<>();
        List<Conditioning.KeysValues> speaker = new ArrayList<>();
        for (int m = 0; m < lanes.size(); m++) {
            for (int r = 0; r < calls.get(m).lanes().count(); r++) {
                text.add(lanes.get(m).text.kv());
                textRows.add(calls.get(m).lanes().chunk(r));
                speaker.add(lanes.get(m).speaker.kv());
            }
        }
        return dit.resident(Conditioning.KeysValues.rows(text, textRows, lt), Conditioning.KeysValues.rows(speaker, Collections.nCopies(b, 0), lsp));
    }
}
