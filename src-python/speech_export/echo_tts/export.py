"""Echo-TTS → dac_encode / text_cond / speaker_cond / dit_step / dac_decode ONNX graphs + manifest.json.

See docs/echo-tts-graphs.md for the contract this writes."""

from __future__ import annotations

import shutil
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors.torch import save_file

from .. import model_license, onnx_files
from ..manifest import write_manifest
from . import checkpoint as ckpt
from . import upstream, wrappers

OPSET = 17
DTYPES = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}

CONSTANTS = {
    "sample_rate": 44100, "samples_per_latent": 2048, "patch_size": 4, "max_text_length": 768,
    "max_latent_length": 640, "speaker_chunk_samples": 1310720, "max_speaker_frames": 6400,
    "latent_dim": 80, "bos_token": 0,
}

# name -> (input names, output names, dynamic axes)
GRAPHS = {
    "dac_encode": (["audio"], ["latent", "z_q", "codes"],
                   {"audio": {0: "N", 2: "L"}, "latent": {0: "N", 1: "T"}, "z_q": {0: "N", 2: "T"},
                    "codes": {0: "N", 2: "T"}}),
    "text_cond": (["text_ids", "text_mask"], ["text_k", "text_v"],
                  {"text_ids": {0: "B", 1: "Lt"}, "text_mask": {0: "B", 1: "Lt"},
                   "text_k": {1: "B", 2: "Lt"}, "text_v": {1: "B", 2: "Lt"}}),
    "speaker_cond": (["speaker_latent", "speaker_mask"], ["speaker_k", "speaker_v", "speaker_patch_mask"],
                     {"speaker_latent": {0: "B", 1: "Ts"}, "speaker_mask": {0: "B", 1: "Ts"},
                      "speaker_k": {1: "B", 2: "Lsp"}, "speaker_v": {1: "B", 2: "Lsp"},
                      "speaker_patch_mask": {0: "B", 1: "Lsp"}}),
    "dit_step": (["x", "t", "text_mask", "speaker_mask", "text_k", "text_v", "speaker_k", "speaker_v",
                  "spk_kv_scale"], ["v"],
                 {"x": {0: "B", 1: "S"}, "t": {0: "B"}, "text_mask": {0: "B", 1: "Lt"},
                  "speaker_mask": {0: "B", 1: "Lsp"}, "text_k": {1: "Bc", 2: "Lt"}, "text_v": {1: "Bc", 2: "Lt"},
                  "speaker_k": {1: "Bc", 2: "Lsp"}, "speaker_v": {1: "Bc", 2: "Lsp"}, "v": {0: "B", 1: "S"}}),
    # Bc: 1 (one prompt shared by every lane, broadcast by MatMul) or B (one K/V row per lane, so
    # the chunks of a long text run as lanes of the same step).
    "dac_decode": (["latent"], ["audio"], {"latent": {0: "N", 1: "T"}, "audio": {0: "N", 2: "samples"}}),
}


@dataclass
class Models:
    dit: torch.nn.Module
    dit_args: dict
    dac: torch.nn.Module
    codec_spec: dict | None
    pca: ckpt.Pca
    source: dict = field(default_factory=dict)
    licenses: list = field(default_factory=list)  # model_license.CheckpointLicense of the DiT and the codec


def load_models(checkpoint: str | None, codec: str, pca: str | None = None, precision: str = "fp32",
                random_weights: bool = False, licenses: tuple[str | None, str | None] = (None, None)) -> Models:
    dtype = DTYPES[precision]
    if random_weights:
        return _random_models(dtype)
    dit_src = ckpt.resolve(checkpoint, ckpt.DIT_FILES, "DiT checkpoint")
    codec_src = ckpt.resolve(codec, ckpt.CODEC_FILES, "codec checkpoint")
    dit, args, dit_info = ckpt.load_dit(dit_src, dtype)
    dac, spec, codec_info = ckpt.load_codec(codec_src)  # the codec stays fp32 (upstream's default)
    pca_state = ckpt.load_pca(ckpt.pca_path(dit_src, pca), dac.latent_dim)
    wrappers.make_exportable(dac)
    source = {"checkpoint": checkpoint, "codec": codec, "kind": dit_src.kind, "dit_file": dit_src.weights.name,
              "codec_file": codec_src.weights.name, "codec_weight_norm": codec_info["weight_norm"],
              "dit_tensors": dit_info["tensors"], "dropped_blockwise_tensors": dit_info["dropped_blockwise"]}
    found = [model_license.find(role, src.spec, src.weights, given, src.spec if src.kind == "hf-id" else None)
             for role, src, given in (("dit", dit_src, licenses[0]), ("codec", codec_src, licenses[1]))]
    return Models(dit, args, dac, spec, pca_state, source, found)


def _random_models(dtype) -> Models:
    """Real architecture, random weights: export size/time/memory without downloading anything."""
    torch.manual_seed(0)
    args = dict(ckpt.REAL_DIT_ARGS)
    dit = ckpt.random_dit(args, dtype)
    _, ae, _ = upstream.modules()
    dac = ae.build_ae()  # meta → real tensors: upstream init, small random alphas/gammas are fine here
    dac = dac.to_empty(device="cpu")
    with torch.no_grad():
        g = torch.Generator().manual_seed(1)
        for name, p in dac.named_parameters():
            if name.endswith("alpha") or name.endswith("original0"):
                p.uniform_(0.5, 1.5, generator=g)
            elif p.ndim >= 2:
                p.normal_(0, 1 / max(1, p[0].numel()) ** 0.5, generator=g)
            elif name.endswith("gamma"):
                p.uniform_(0.1, 0.5, generator=g)
            elif name.endswith("weight"):
                p.fill_(1.0)
            else:
                p.zero_()
        for m in dac.modules():
            if "freqs_cis" in getattr(m, "_buffers", {}) and m._buffers["freqs_cis"] is not None:
                fc = upstream.modules()[1].precompute_freqs_cis(m.config.block_size, m.config.head_dim,
                                                                m.config.rope_base)
                m._buffers["freqs_cis"] = fc.float()
            if "causal_mask" in getattr(m, "_buffers", {}):
                m._buffers["causal_mask"] = None
    ckpt.fold_weight_norm(dac)
    wrappers.make_exportable(dac)
    g = torch.Generator().manual_seed(2)
    comps = torch.linalg.qr(torch.randn(1024, 80, generator=g))[0].t().contiguous()
    pca = ckpt.Pca(comps, torch.zeros(1024), 1 / 18)
    return Models(dit.eval(), args, dac.eval(), None, pca, {"kind": "random", "checkpoint": None, "codec": None})


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
        tk, tv = wrappers.TextCond(m.dit)(ids[:1], tmask[:1])
        sk, sv, spm = wrappers.SpeakerCond(m.dit)(spk, smask)
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


def graph_modules(m: Models) -> dict[str, torch.nn.Module]:
    return {
        "dac_encode": wrappers.DacEncode(m.dac, m.pca).eval(),
        "text_cond": wrappers.TextCond(m.dit).eval(),
        "speaker_cond": wrappers.SpeakerCond(m.dit).eval(),
        "dit_step": wrappers.DitStep(m.dit).eval(),
        "dac_decode": wrappers.DacDecode(m.dac, m.pca).eval(),
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
                              do_constant_folding=True)
        files = save_graph(path, out / f"{name}.onnx")
    log(f"  {name}: exported in {time.time() - t0:.1f}s, "
        + ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in files))
    return files


def export(checkpoint: str | None, codec: str | None, out: str | Path, precision: str = "fp32",
           pca: str | None = None, random_weights: bool = False, parity: bool = True,
           graphs: tuple[str, ...] = tuple(GRAPHS), log=print, stamp: str | None = None,
           licenses: tuple[str | None, str | None] = (None, None)) -> dict:
    """`licenses`: the --license and --codec-license options (None: read from the model cards)."""
    from . import parity as par
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "manifest.json").unlink(missing_ok=True)  # no stale manifest while the folder changes
    timings = {}
    t0 = time.time()
    m = load_models(checkpoint, codec, pca, precision, random_weights, licenses)
    timings["load_s"] = round(time.time() - t0, 2)
    if stamp:
        m.source["stamp"] = stamp  # inputs + exporter code hash (test_models: skip when unchanged)
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
        report = par.run(m, out, {"traced": probes, "other_lengths": probe_inputs(m, small=random_weights, variant=True)},
                         precision, graphs, log=log)
        timings["parity_s"] = round(time.time() - t1, 2)
    timings["total_s"] = round(time.time() - t0, 2)
    manifest = write_manifest(out, manifest_fields(m, out, precision, written, report, timings))
    if report is not None and not report["passed"]:
        from ..parity import ParityError
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
