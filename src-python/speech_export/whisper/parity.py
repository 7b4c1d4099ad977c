"""Exported graphs (ONNX Runtime) vs the PyTorch model on a real clip.

- encoder: cross_k / cross_v max abs diff against the decoder layers' k/v projections in torch.
- decoder: first call with offset 0 over the whole prompt, then a greedy decode one token per call,
  the new K/V rows written into a fixed-capacity slot cache the way the Java service does (contract.OneRow);
  every step's logits are compared with transformers' own cached decoding of the same prefix.
- the greedy tokens of ORT and torch must agree for the compared steps (a transcript-level check,
  which is what matters for the int8 graphs whose logits drift more)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch

from ..parity import Row, check
from . import alignment
from .audio import decode_audio, log_mel
from .contract import OneRow

# Absolute tolerances (max abs diff): encoder cross K/V, decoder logits.
TOLERANCES = {
    "fp32": {"encoder": 5e-3, "decoder_logits": 1e-3},  # cross K/V reach |x| ~ 50 (base): 1e-4 relative
    # fp16 weights and activations: ~3 significant digits on values of magnitude ~10.
    "fp16": {"encoder": 5e-2, "decoder_logits": 2.5e-1},
    # int8 weights (per channel) with dynamically quantized activations: cross K/V (|x| up to ~50)
    # move by ~1.5 and logits by 1 to 6 on tiny.en, depending on the CPU's int8 kernels (AVX2 without
    # VNNI saturates u8*s8 sums: 5.65 seen on such a machine); the greedy tokens are what is held to (must match).
    "int8": {"encoder": 3.0, "decoder_logits": 8.0},
}
for _precision, _tol in alignment.TOLERANCES.items():
    TOLERANCES[_precision]["alignment"] = _tol


def tolerances(precision: str, quantization: str | None, override: float | None) -> dict[str, float]:
    tol = dict(TOLERANCES["int8" if quantization == "int8" else precision])
    if override is not None:
        tol = {k: override for k in tol}
    return tol


def prompt(gen_config, special: dict, languages: dict) -> list[int]:
    ids = [special["sot"]]
    if languages:
        ids += [languages.get("en", next(iter(languages.values()))), special["transcribe"]]
    return ids + [special["no_timestamps"]]


def session(path: Path) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def run(folder: Path, model, audio_path: Path, special: dict, languages: dict, steps: int,
        tol: dict[str, float], alignment_heads: list[list[int]] | None = None) -> dict:
    """Runs the comparison; raises ParityError (with the numbers) when over tolerance.
    Returns the manifest's `parity` record. With `alignment_heads`, alignment.onnx is checked too, on the
    prompt and the greedy tokens with end-of-text (what the service aligns)."""
    n_mels = model.config.num_mel_bins
    feats = log_mel(decode_audio(audio_path), n_mels)
    enc, dec = session(folder / "encoder.onnx"), session(folder / "decoder.onnx")
    n_layer = model.config.decoder_layers
    cross = enc.run(None, {"input_features": feats})
    cross_k, cross_v = np.stack(cross[:n_layer], 1), np.stack(cross[n_layer:], 1)  # [batch, layer, head, ctx, head_dim]

    with torch.no_grad():
        h = model.model.encoder(torch.from_numpy(feats)).last_hidden_state
        ref_k = torch.stack([l.encoder_attn.k_proj(h) for l in model.model.decoder.layers])
        ref_v = torch.stack([l.encoder_attn.v_proj(h) for l in model.model.decoder.layers])
        n_head = model.config.decoder_attention_heads
        # [layer, batch, ctx, d] -> [batch, layer, head, ctx, head_dim]
        shape = lambda t: t.view(t.shape[0], t.shape[1], t.shape[2], n_head, -1).transpose(2, 3).transpose(0, 1).numpy()  # noqa: E731
        ref_k, ref_v = shape(ref_k), shape(ref_v)

        # Reference: transformers' own cached decoding (its DynamicCache), fed the same tokens as ORT.
        ref_cache = None

        def torch_logits(new_tokens: list[int]) -> np.ndarray:
            nonlocal ref_cache
            out = model(encoder_outputs=(h,), decoder_input_ids=torch.tensor([new_tokens]),
                        past_key_values=ref_cache, use_cache=True)
            ref_cache = out.past_key_values
            return out.logits[0].numpy()

        row = OneRow(dec, cross, n_layer, model.config.max_target_positions)
        ort_step = row.step

        tokens = prompt(model.generation_config, special, languages)
        logits = ort_step(tokens, 0)
        ref = torch_logits(tokens)
        first_diff = float(np.abs(logits[0] - ref).max())
        step_diff, ort_tokens, torch_tokens = 0.0, [], []
        for _ in range(steps):
            step_diff = max(step_diff, float(np.abs(logits[0, -1] - ref[-1]).max()))
            nxt, ref_nxt = int(logits[0, -1].argmax()), int(ref[-1].argmax())
            ort_tokens.append(nxt)
            torch_tokens.append(ref_nxt)
            if nxt != ref_nxt or nxt == special["eot"]:
                break
            logits = ort_step([nxt], len(tokens))
            tokens.append(nxt)
            ref = torch_logits([nxt])

    rows = [Row("encoder.cross_k", float(np.abs(cross_k - ref_k).max()), tol["encoder"], cross_k.shape),
            Row("encoder.cross_v", float(np.abs(cross_v - ref_v).max()), tol["encoder"], cross_v.shape),
            Row("decoder.logits(past=0)", first_diff, tol["decoder_logits"], logits.shape),
            Row(f"decoder.logits({len(ort_tokens)} steps)", step_diff, tol["decoder_logits"], logits.shape),
            # 0 when ORT's greedy tokens equal torch's at every compared step.
            Row("greedy tokens mismatch", float(sum(a != b for a, b in zip(ort_tokens, torch_tokens))), 0.0, ())]
    if alignment_heads:
        text = [t for t in ort_tokens if t < special["eot"]]
        rows += alignment.parity_rows(session(folder / "alignment.onnx"), model, alignment_heads, special["eot"],
                                      prompt(model.generation_config, special, languages) + text + [special["eot"]],
                                      h, cross, tol["alignment"])
    check(rows, title=f"parity on {Path(audio_path).name}")
    diffs = {"encoder": max(rows[0].max_abs_diff, rows[1].max_abs_diff),
             "decoder_logits": max(first_diff, step_diff), "decoder_logits_first_call": first_diff}
    if alignment_heads:
        diffs["alignment"] = max(rows[-2].max_abs_diff, rows[-1].max_abs_diff)
    return {"clip": Path(audio_path).name, "steps": len(ort_tokens), "tokens": ort_tokens,
            "max_abs_diff": diffs, "tolerance": tol}
