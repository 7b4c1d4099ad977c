"""Export-time parity: the ONNX graphs under ONNX Runtime vs the upstream PyTorch functions.

References are upstream's own entry points (EchoDiT.get_kv_cache_text/_speaker, EchoDiT.forward with
3× concatenated caches, inference.ae_encode / ae_decode, DAC.encode for the codes), not the wrappers,
so the check covers the wrappers' rewrites too. Gate per float tensor: max|actual − expected| ≤
rel × max(1, max|expected|) and cosine ≥ min_cos; integer and boolean tensors must match exactly.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from . import upstream
from .graphs import GRAPHS, graph_modules

TOLERANCES = {  # precision -> (rel, min_cos)
    "fp32": (1e-3, 0.9999),
    # reduced precision: ORT (or the torch wrapper when ORT has no kernel) vs upstream torch in fp32 on
    # the same (rounded) weights, so the gate measures compute rounding only: 10-bit (fp16) / 7-bit
    # (bf16) mantissas through every block. Catches wrong wiring, not subtle drift.
    "fp16": (2e-2, 0.999),
    "bf16": (1e-1, 0.99),
}


def metrics(actual, expected) -> dict:
    a = np.asarray(actual)
    e = np.asarray(expected)
    if a.shape != e.shape:
        return {"shape": list(a.shape), "expected_shape": list(e.shape), "ok": False}
    if e.dtype == np.bool_ or np.issubdtype(e.dtype, np.integer):
        mismatches = int(np.sum(a != e))
        return {"mismatches": mismatches, "exact": True, "ok": mismatches == 0}
    a64, e64 = a.astype(np.float64).ravel(), e.astype(np.float64).ravel()
    diff = float(np.max(np.abs(a64 - e64))) if a64.size else 0.0
    scale = max(1.0, float(np.max(np.abs(e64))) if e64.size else 1.0)
    na, ne = np.linalg.norm(a64), np.linalg.norm(e64)
    cos = float(a64 @ e64 / (na * ne)) if na > 0 and ne > 0 else (1.0 if na == ne else 0.0)
    return {"max_abs_diff": diff, "scale": scale, "cosine": cos}


def gate(row: dict, rel: float, min_cos: float) -> dict:
    if "ok" not in row:
        row["ok"] = bool(row["max_abs_diff"] <= rel * row["scale"] and row["cosine"] >= min_cos)
    return row


def references(m, probes) -> dict[str, list[np.ndarray]]:
    """Upstream outputs for the probe inputs, in each graph's output order."""
    _, _, inference = upstream.modules()
    dit, dac = m.dit, m.dac
    if dit.in_proj.weight.dtype != torch.float32:  # fp32 reference on the rounded weights
        import copy
        dit = copy.deepcopy(dit).float()
    pca = inference.PCAState(m.pca.components, m.pca.mean, m.pca.latent_scale)
    out = {}
    with torch.no_grad():
        ids, tmask = probes["text_cond"]
        kv = dit.get_kv_cache_text(ids, tmask)
        out["text_cond"] = [torch.stack([k for k, _ in kv]), torch.stack([v for _, v in kv])]
        spk, smask = probes["speaker_cond"]
        kv = dit.get_kv_cache_speaker(spk.to(dit.in_proj.weight.dtype))
        out["speaker_cond"] = [torch.stack([k for k, _ in kv]), torch.stack([v for _, v in kv]),
                               smask[:, :: dit.speaker_patch_size]]
        x, t, dtm, dsm, tk, tv, sk, sv, scale = probes["dit_step"]
        b = x.shape[0]
        dt = dit.in_proj.weight.dtype
        kv_text = [(tk[i].to(dt).expand(b, -1, -1, -1), tv[i].to(dt).expand(b, -1, -1, -1)) for i in range(len(tk))]
        kv_spk = [((sk[i] * scale[i]).to(dt).expand(b, -1, -1, -1), (sv[i] * scale[i]).to(dt).expand(b, -1, -1, -1))
                  for i in range(len(sk))]
        frame_mask = dsm.repeat_interleave(dit.speaker_patch_size, dim=1)  # upstream subsamples [..., ::4]
        out["dit_step"] = [dit(x=x.to(dt), t=t.to(dt), text_mask=dtm, speaker_mask=frame_mask,
                               kv_cache_text=kv_text, kv_cache_speaker=kv_spk)]
        (audio,) = probes["dac_encode"]
        codes, _ = dac.encode(audio)
        out["dac_encode"] = [inference.ae_encode(dac, pca, audio), dac.encode_zq(audio).float(), codes]
        (latent,) = probes["dac_decode"]
        out["dac_decode"] = [inference.ae_decode(dac, pca, latent)]
    return {k: [t.detach().float().numpy() if t.is_floating_point() else t.numpy() for t in v]
            for k, v in out.items()}


def _feeds(name, probe, session) -> dict:
    feeds = {}
    for inp, value in zip(session.get_inputs(), probe):
        arr = value.detach().numpy()
        if arr.dtype == np.float64:
            arr = arr.astype(np.float32)
        if inp.type == "tensor(int64)":
            arr = arr.astype(np.int64)
        feeds[inp.name] = arr
    return feeds


def run(m, out: Path, probe_sets: dict[str, dict], precision: str, graphs, log=print) -> dict:
    """Every graph on every probe set (the traced sizes and other lengths) vs upstream."""
    import onnxruntime as ort
    rel, min_cos = TOLERANCES[precision]
    mods = None
    report = {"reference": "upstream echo_tts functions in PyTorch fp32, same weights",
              "tolerance": {"max_abs_rel": rel, "min_cosine": min_cos, "integers": "exact"},
              "graphs": {}, "failures": []}
    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    sessions = {}
    for set_name, probes in probe_sets.items():
        refs = references(m, probes)
        for name in graphs:
            entry = {"runtime": "onnxruntime-cpu", "outputs": {}}
            try:
                if name not in sessions:
                    sessions[name] = ort.InferenceSession(str(out / f"{name}.onnx"), opts,
                                                          providers=["CPUExecutionProvider"])
                sess = sessions[name]
                actual = sess.run(None, _feeds(name, probes[name], sess))
            except Exception as e:  # noqa: BLE001 - e.g. no fp16/bf16 kernel on the CPU EP
                msg = str(e).splitlines()[0][:300]
                if precision == "fp32":  # fp32 graphs must run: an error is a failure, with its message
                    report["failures"].append(f"{name} [{set_name}] ONNX Runtime error: {msg}")
                    report["graphs"].setdefault(name, {})[set_name] = {"runtime": "onnxruntime-cpu", "error": msg}
                    log(f"  parity {name} {set_name}: ONNX Runtime error: {msg} FAIL")
                    continue
                entry["runtime"] = "torch-wrapper (ONNX Runtime CPU cannot run this graph: " + msg + ")"
                log(f"  {name}: ONNX Runtime CPU cannot run the {precision} graph ({msg}); "
                    "comparing the exported torch wrapper with upstream instead")
                mods = mods or graph_modules(m)
                with torch.no_grad():
                    res = mods[name](*probes[name])
                res = res if isinstance(res, tuple) else (res,)
                actual = [r.float().numpy() if r.is_floating_point() else r.numpy() for r in res]
            entry["input_shapes"] = [list(v.shape) for v in probes[name]]
            for oname, a, e in zip(GRAPHS[name][1], actual, refs[name]):
                row = gate(metrics(a, e), rel, min_cos)
                entry["outputs"][oname] = row
                if not row["ok"]:
                    report["failures"].append(f"{name}.{oname} [{set_name}] {row}")
            report["graphs"].setdefault(name, {})[set_name] = entry
            log(f"  parity {name} {set_name} [{entry['runtime'][:40]}]: " + ", ".join(
                f"{k} " + (f"max|Δ|={r['max_abs_diff']:.2e} (tol {rel * r['scale']:.1e}) cos={r['cosine']:.7f}"
                           if "max_abs_diff" in r else f"mismatches={r['mismatches']}" if "mismatches" in r
                           else f"shape {r['shape']} != expected {r['expected_shape']}")
                + ("" if r["ok"] else " FAIL") for k, r in entry["outputs"].items()))
    report["passed"] = not report["failures"]
    return report
