"""Echo-TTS → dac_encode / text_cond / speaker_cond / dit_step / dac_decode ONNX graphs + manifest.json.

See docs/echo-tts-graphs.md for the contract this writes."""

from __future__ import annotations

import tempfile
import time
import warnings
from pathlib import Path

import torch
from safetensors.torch import save_file

from .. import model_license, onnx_files
from ..manifest import write_manifest
from ..parity import ParityError
from . import upstream
from .checkpoint import Models, load_models
from .graphs import GRAPHS, SpeakerCond, TextCond, graph_modules
from .parity import run as run_parity
from .random_weights import random_models

OPSET = 17

CONSTANTS = {
    "sample_rate": 44100, "samples_per_latent": 2048, "patch_size": 4, "max_text_length": 768,
    "max_latent_length": 640, "speaker_chunk_samples": 1310720, "max_speaker_frames": 6400,
    "latent_dim": 80, "bos_token": 0,
}


# ---------------------------------------------------------------- probe inputs (trace + parity)

def probe_inputs(m: Models, seed: int = 0, small: bool = False, variant: bool = False) -> dict[str, tuple]:
    """Small inputs that exercise padding, CFG masks, no-speaker lanes and force-speaker scales.
    Sizes differ per axis so the tracer cannot confuse them. `small` keeps tracing the full-size
    model cheap (fp16 matmuls are slow on CPUs without AVX512-FP16). `variant` gives other lengths
    than the traced ones: parity runs both, so a length baked into a graph fails the export."""
    g = torch.Generator().manual_seed(seed + (1000 if variant else 0))
    n_layers = len(m.dit.blocks)
    lt, ts, s, enc_frames, dec_frames = {(False, False): (24, 32, 20, 12, 10), (False, True): (31, 44, 27, 20, 17),
                                         (True, False): (12, 24, 5, 12, 10), (True, True): (9, 16, 7, 8, 6)}[small, variant]
    ids = torch.randint(1, 256, (2, lt), generator=g)
    ids[:, 0] = 0
    tmask = torch.ones(2, lt, dtype=torch.bool)
    tmask[1, lt - 7:] = False
    spk = torch.randn(1, ts, 80, generator=g)
    smask = torch.ones(1, ts, dtype=torch.bool)
    with torch.no_grad():
        tk, tv = TextCond(m.dit)(ids[:1], tmask[:1])
        sk, sv, spm = SpeakerCond(m.dit)(spk, smask)
    lsp = sk.shape[2]
    x = torch.randn(3, s, 80, generator=g)
    t = torch.tensor([0.9, 0.9, 0.9])
    dit_tmask = torch.stack([tmask[0], torch.zeros(lt, dtype=torch.bool), tmask[0]])
    dit_smask = torch.stack([spm[0], spm[0], torch.zeros(lsp, dtype=torch.bool)])
    kv_scale = torch.ones(n_layers)
    kv_scale[: max(1, n_layers // 2)] = 1.5
    audio = 0.3 * torch.randn(1, 1, 2048 * enc_frames, generator=g)
    latent = torch.randn(1, dec_frames, 80, generator=g)
    return {
        "dac_encode": (audio,),
        "text_cond": (ids, tmask),
        "speaker_cond": (spk, smask),
        "dit_step": (x, t, dit_tmask, dit_smask, tk, tv, sk, sv, kv_scale),
        "dac_decode": (latent,),
    }


def save_graph(src: Path, dst: Path) -> list[Path]:
    """Moves torch's export (which scatters big initializers into many files) to `dst`, one
    self-contained .onnx or, above 2 GiB, `<name>.onnx` + `<name>.onnx.data`."""
    import onnx
    return onnx_files.save_model(onnx.load(str(src), load_external_data=True), dst)


def export_graph(module, args, name: str, out: Path, log=print) -> list[Path]:
    inputs, outputs, axes = GRAPHS[name]
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix=f"echo-{name}-", dir=out) as tmp:
        path = Path(tmp) / f"{name}.onnx"
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # tracer warnings about Python ints: covered by the length tests
            torch.onnx.export(module, args, str(path), dynamo=False, opset_version=OPSET,
                              input_names=inputs, output_names=outputs, dynamic_axes=axes,
                              do_constant_folding=True, custom_opsets={"com.microsoft": 1})
        files = save_graph(path, out / f"{name}.onnx")
    log(f"  {name}: exported in {time.time() - t0:.1f}s, "
        + ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in files))
    return files


def export(checkpoint: str | None, codec: str | None, out: str | Path, precision: str = "fp32",
           pca: str | None = None, random_weights: bool = False, parity: bool = True,
           graphs: tuple[str, ...] = tuple(GRAPHS), log=print, stamp: str | None = None,
           licenses: tuple[str | None, str | None] = (None, None)) -> dict:
    """`licenses`: the --license and --codec-license options (None: read from the model cards)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "manifest.json").unlink(missing_ok=True)  # no stale manifest while the folder changes
    timings = {}
    t0 = time.time()
    m = random_models(precision) if random_weights else load_models(checkpoint, codec, pca, precision, licenses)
    timings["load_s"] = round(time.time() - t0, 2)
    if stamp:
        m.source["stamp"] = stamp  # inputs + exporter code hash (tests/java_fixtures: skip when unchanged)
    log(f"echo-tts: loaded in {timings['load_s']}s ({m.source.get('kind')}, precision {precision})")
    probes = probe_inputs(m, small=random_weights)
    mods = graph_modules(m)
    written = {}
    for name in graphs:
        t1 = time.time()
        written[name] = export_graph(mods[name], probes[name], name, out, log)
        timings[f"{name}_s"] = round(time.time() - t1, 2)
    save_file({"pca_components": m.pca.components.contiguous(), "pca_mean": m.pca.mean.contiguous(),
               "latent_scale": torch.tensor([m.pca.latent_scale], dtype=torch.float32)},
              str(out / "pca_state.safetensors"))
    report = None
    if parity:
        t1 = time.time()
        other = probe_inputs(m, small=random_weights, variant=True)
        report = run_parity(m, out, {"traced": probes, "other_lengths": other}, precision, graphs, log=log)
        timings["parity_s"] = round(time.time() - t1, 2)
    timings["total_s"] = round(time.time() - t0, 2)
    manifest = write_manifest(out, manifest_fields(m, out, precision, written, report, timings))
    if report is not None and not report["passed"]:
        raise ParityError("echo-tts parity failed: " + "; ".join(report["failures"]))
    return manifest


def manifest_fields(m: Models, out: Path, precision: str, written: dict, report, timings) -> dict:
    dit = m.dit
    blk = dit.blocks[0].attention
    q = m.dac.quantizer
    graphs = {}
    for name, files in written.items():
        g = onnx_files.describe_graph(files[0])
        g["external_data"] = files[1].name if len(files) > 1 else None
        graphs[name] = g
    kind = m.source.get("kind")
    name = ("echo-tts-base-random" if kind == "random" else str(m.source["checkpoint"]).rstrip("/").split("/")[-1]
            if kind == "hf-id" else Path(str(m.source["checkpoint"])).resolve().parent.name
            if kind == "file" else Path(str(m.source["checkpoint"])).resolve().name)
    return {
        "format": "speech-platform/echo-tts",
        "format_version": 1,
        "model_name": name,
        "source": m.source,
        "license": model_license.manifest_field(m.licenses or [
            model_license.find(role, "random weights") for role in ("dit", "codec")]),
        "upstream": {"package": f"echo-tts=={upstream.package_version()}",
                     "blobs": {k: v["installed"] for k, v in upstream.blob_check().items()}},
        "precision": precision,
        "io_dtype": "float32",
        "codec_precision": "fp32",
        "opset": OPSET,
        "constants": CONSTANTS,
        "dims": {
            "n_layers": len(dit.blocks), "n_heads": blk.num_heads, "head_dim": blk.head_dim,
            "model_size": dit.in_proj.out_features, "latent_dim": dit.in_proj.in_features,
            "text_layers": len(dit.text_encoder.blocks), "text_heads": dit.text_encoder.blocks[0].attention.num_heads,
            "text_head_dim": dit.text_encoder.head_dim, "speaker_layers": len(dit.speaker_encoder.blocks),
            "codec_latent_dim": m.dac.latent_dim, "n_codebooks": len(q.quantizer.quantizers),
            "codebook_size": q.quantizer.codebook_size, "semantic_codebook_size": q.semantic_quantizer.codebook_size,
        },
        "dit_config": m.dit_args,
        "codec_config": m.codec_spec if m.codec_spec is not None else "upstream build_ae()",
        "pca": {"file": "pca_state.safetensors", "folded_into": ["dac_encode", "dac_decode"],
                "latent_scale": m.pca.latent_scale, "n_components": int(m.pca.components.shape[0]),
                "latent_dim": int(m.pca.components.shape[1]),
                "encode": "latent = ((z_q^T - pca_mean) @ pca_components^T) * latent_scale",
                "decode": "z_q^T = (latent / latent_scale) @ pca_components + pca_mean"},
        "graphs": graphs,
        "parity": report,
        "timings": timings,
    }
