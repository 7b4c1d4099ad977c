package speech.tts.echo;

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
 * row per row (Bc = B) gathered once per batch composition and kept while it does not change; a lone
 * one-chunk lane passes its own batch-1 K/V.
 */
final class DitBatch implements StepModel<DitLane, float[]> {

    private record Group(int s, List<Float> speakerKvScale, int lane) {
    }

    private final DitStep dit;
    private final int latentDim;
    /** Gathered K/V per composition (lanes and their row counts in order), for the compositions of the last step. */
    private Map<List<Object>, Conditioning.KeysValues[]> gathered = new HashMap<>();

    DitBatch(DitStep dit, int latentDim) {
        this.dit = dit;
        this.latentDim = latentDim;
    }

    @Override
    public List<float[]> step(List<DitLane> lanes) throws InterruptedException {
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
        Map<List<Object>, Conditioning.KeysValues[]> kept = new HashMap<>();
        for (Map.Entry<Group, List<Integer>> g : groups.entrySet()) {
            List<DitLane> members = g.getValue().stream().map(lanes::get).toList();
            List<DitLane.Call> memberCalls = g.getValue().stream().map(i -> calls[i]).toList();
            float[] v = dit.velocity(rows(g.getKey().s(), members, memberCalls, kept));
            int offset = 0;
            for (int m = 0; m < members.size(); m++) {
                int n = memberCalls.get(m).x().length;
                out[g.getValue().get(m)] = Arrays.copyOfRange(v, offset, offset + n);
                offset += n;
            }
            Set<AtomicInteger> requests = Collections.newSetFromMap(new IdentityHashMap<>());
            members.forEach(lane -> requests.add(lane.requestCalls));
            requests.forEach(AtomicInteger::incrementAndGet);
        }
        gathered = kept;
        return Arrays.asList(out);
    }

    private DitStep.Rows rows(int s, List<DitLane> lanes, List<DitLane.Call> calls, Map<List<Object>, Conditioning.KeysValues[]> kept) {
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
        Conditioning.KeysValues[] kv;
        if (shared) {
            kv = new Conditioning.KeysValues[] {lanes.getFirst().text.kv(), lanes.getFirst().speaker.kv()};
        } else {
            kv = gathered.get(composition);
            if (kv == null) {
                kv = gather(lanes, calls, b, lt, lsp);
            }
            kept.put(composition, kv);
        }
        return new DitStep.Rows(x, s, t, textMask, speakerMask, kv[0], kv[1], calls.getFirst().speakerKvScale());
    }

    /** Text and speaker K/V with one row per row, each lane's keys zero-padded (and masked) to the longest. */
    private static Conditioning.KeysValues[] gather(List<DitLane> lanes, List<DitLane.Call> calls, int b, int lt, int lsp) {
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
        return new Conditioning.KeysValues[] {Conditioning.KeysValues.rows(text, textRows, lt),
                Conditioning.KeysValues.rows(speaker, Collections.nCopies(b, 0), lsp)};
    }
}
