"""Decoder ms per call of exported Whisper decoders (format 2 and/or 3), interleaved in one run: min and median.

Usage: "$(bin/python-env)/bin/python" bench/decoder_calls.py MODEL_DIR [MODEL_DIR ...]   (ROUNDS=3 by default)
Random caches and one new token at offset 60, 1 and 8 rows, 2 intra-op threads: the graph's own cost per call,
without the service around it. Format 2 gathers every row's full caches; format 3 reads per-layer caches in place."""
import json, sys, time, statistics
import numpy as np, onnxruntime as ort
models = sys.argv[1:]
rng = np.random.default_rng(0)
def load(d):
    m = json.load(open(f"{d}/manifest.json")); dims = m["dims"]
    L, H, C, D, A = dims["n_text_layer"], dims["n_text_head"], dims["n_text_ctx"], dims["n_text_state"] // dims["n_text_head"], dims["n_audio_ctx"]
    o = ort.SessionOptions(); o.intra_op_num_threads = 2; o.inter_op_num_threads = 1; o.log_severity_level = 3
    s = ort.InferenceSession(f"{d}/decoder.onnx", o, providers=["CPUExecutionProvider"])
    v = m["format_version"]
    def feed(b):
        f = {"tokens": np.full((b, 1), 220, np.int64), "offsets": np.full(b, 60, np.int64), "slots": np.arange(b, dtype=np.int64)}
        if v == 2:
            f |= {"self_k": rng.standard_normal((8, L, H, C, D), dtype=np.float32) * .1, "windows": np.arange(b, dtype=np.int64),
                  "cross_k": rng.standard_normal((8, L, H, A, D), dtype=np.float32) * .1}
            f["self_v"], f["cross_v"] = f["self_k"], f["cross_k"]
        else:
            f |= {"window_rows": np.arange(b, dtype=np.int64)[:, None], "reads": np.zeros((b, 1), np.int64)}
            for i in range(L):
                f[f"self_k_{i}"] = f[f"self_v_{i}"] = rng.standard_normal((b, H, C, D), dtype=np.float32) * .1
                f[f"cross_k_{i}"] = f[f"cross_v_{i}"] = rng.standard_normal((b, H, A, D), dtype=np.float32) * .1
        return f
    return s, feed, f"{d.rstrip('/').split('/')[-1]} (format {v})"
sessions = [load(d) for d in models]
results = {}
for rnd in range(int(__import__("os").environ.get("ROUNDS", 3))):
    for s, feed, name in sessions:
        for b in (1, 8):
            f = feed(b)
            for _ in range(3): s.run(None, f)
            for _ in range(10):
                t = time.perf_counter(); s.run(None, f); results.setdefault((name, b), []).append((time.perf_counter() - t) * 1000)
for (name, b), xs in results.items():
    print(f"{name:32s} batch {b}: min {min(xs):7.1f} ms  median {statistics.median(xs):7.1f} ms  per row (min) {min(xs)/b:6.2f} ms")
