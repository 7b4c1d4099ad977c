"""CTranslate2 Whisper (faster-whisper layout) -> transformers WhisperForConditionalGeneration.

CT2 stores the same weights as transformers with different names, fused projections (self-attention
q|k|v in one linear with a zero k bias, cross-attention k|v in one linear) and a tied output projection."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from .. import UserError
from .ct2_format import Ct2Model, dequantized, read_model_bin
from .tokens import special_tokens, language_tokens


def _split(w: np.ndarray, n: int) -> list[np.ndarray]:
    return np.split(w, n, axis=0)


def ct2_state_dict(ct2: Ct2Model) -> dict[str, torch.Tensor]:
    """transformers state dict (float32) from the CT2 variables."""
    v = lambda name: dequantized(ct2, name)  # noqa: E731
    sd: dict[str, np.ndarray] = {}

    def linear(dst: str, src: str, bias: bool = True):
        sd[f"{dst}.weight"] = v(f"{src}/weight")
        if bias:
            sd[f"{dst}.bias"] = v(f"{src}/bias")

    def norm(dst: str, src: str):
        sd[f"{dst}.weight"], sd[f"{dst}.bias"] = v(f"{src}/gamma"), v(f"{src}/beta")

    def self_attention(dst: str, src: str):
        q, k, vv = _split(v(f"{src}/linear_0/weight"), 3)
        qb, _kb, vb = _split(v(f"{src}/linear_0/bias"), 3)  # k bias is zero: transformers' k_proj has none
        sd.update({f"{dst}.q_proj.weight": q, f"{dst}.q_proj.bias": qb, f"{dst}.k_proj.weight": k,
                   f"{dst}.v_proj.weight": vv, f"{dst}.v_proj.bias": vb})
        linear(f"{dst}.out_proj", f"{src}/linear_1")

    def cross_attention(dst: str, src: str):
        linear(f"{dst}.q_proj", f"{src}/linear_0")
        k, vv = _split(v(f"{src}/linear_1/weight"), 2)
        _kb, vb = _split(v(f"{src}/linear_1/bias"), 2)
        sd.update({f"{dst}.k_proj.weight": k, f"{dst}.v_proj.weight": vv, f"{dst}.v_proj.bias": vb})
        linear(f"{dst}.out_proj", f"{src}/linear_2")

    def ffn(dst: str, src: str):
        linear(f"{dst}.fc1", f"{src}/linear_0")
        linear(f"{dst}.fc2", f"{src}/linear_1")
        norm(f"{dst}.final_layer_norm", f"{src}/layer_norm")

    enc, dec = "model.encoder", "model.decoder"
    for c in ("conv1", "conv2"):
        linear(f"{enc}.{c}", f"encoder/{c}")
    sd[f"{enc}.embed_positions.weight"] = v("encoder/position_encodings/encodings")
    norm(f"{enc}.layer_norm", "encoder/layer_norm")
    for i in range(n_layers(ct2, "encoder")):
        src, dst = f"encoder/layer_{i}", f"{enc}.layers.{i}"
        self_attention(f"{dst}.self_attn", f"{src}/self_attention")
        norm(f"{dst}.self_attn_layer_norm", f"{src}/self_attention/layer_norm")
        ffn(dst, f"{src}/ffn")
    sd[f"{dec}.embed_tokens.weight"] = v("decoder/embeddings/weight")
    sd[f"{dec}.embed_positions.weight"] = v("decoder/position_encodings/encodings")
    norm(f"{dec}.layer_norm", "decoder/layer_norm")
    for i in range(n_layers(ct2, "decoder")):
        src, dst = f"decoder/layer_{i}", f"{dec}.layers.{i}"
        self_attention(f"{dst}.self_attn", f"{src}/self_attention")
        norm(f"{dst}.self_attn_layer_norm", f"{src}/self_attention/layer_norm")
        cross_attention(f"{dst}.encoder_attn", f"{src}/attention")
        norm(f"{dst}.encoder_attn_layer_norm", f"{src}/attention/layer_norm")
        ffn(dst, f"{src}/ffn")
    sd["proj_out.weight"] = v("decoder/projection/weight")
    return {k: torch.from_numpy(np.ascontiguousarray(a)) for k, a in sd.items()}


def n_layers(ct2: Ct2Model, side: str) -> int:
    n = 0
    while f"{side}/layer_{n}/ffn/linear_0/weight" in ct2.variables:
        n += 1
    return n


def config_from_ct2(ct2: Ct2Model, ct2_config: dict, tokenizer_json: Path):
    """WhisperConfig + GenerationConfig from tensor shapes, CT2 config.json and the tokenizer."""
    from transformers import GenerationConfig, WhisperConfig

    if ct2.spec != "WhisperSpec":
        raise UserError(f"CTranslate2 model is a {ct2.spec}, not a Whisper model")
    d_model = ct2.get("encoder/conv1/weight").shape[0]
    n_vocab = ct2.get("decoder/embeddings/weight").shape[0]
    tok = special_tokens(tokenizer_json)
    multilingual = n_vocab >= 51865
    langs = language_tokens(tokenizer_json) if multilingual else {}
    suppress = dict(suppress_tokens=ct2_config.get("suppress_ids", []),
                    begin_suppress_tokens=ct2_config.get("suppress_ids_begin", [220, tok["eot"]]))
    common = dict(decoder_start_token_id=tok["sot"], eos_token_id=tok["eot"], pad_token_id=tok["eot"],
                  bos_token_id=tok["eot"])
    config = WhisperConfig(
        vocab_size=n_vocab,
        num_mel_bins=ct2.get("encoder/conv1/weight").shape[1],
        d_model=d_model,
        encoder_layers=n_layers(ct2, "encoder"), decoder_layers=n_layers(ct2, "decoder"),
        encoder_attention_heads=int(ct2.get("encoder/num_heads")), decoder_attention_heads=int(ct2.get("decoder/num_heads")),
        encoder_ffn_dim=ct2.get("encoder/layer_0/ffn/linear_0/weight").shape[0],
        decoder_ffn_dim=ct2.get("decoder/layer_0/ffn/linear_0/weight").shape[0],
        max_source_positions=ct2.get("encoder/position_encodings/encodings").shape[0],
        max_target_positions=ct2.get("decoder/position_encodings/encodings").shape[0],
        scale_embedding=False, activation_function="gelu", tie_word_embeddings=True,
        architectures=["WhisperForConditionalGeneration"], **common)
    heads = ct2_config.get("alignment_heads") or []
    gen = GenerationConfig(
        **common, **suppress, max_length=config.max_target_positions, is_multilingual=multilingual, no_timestamps_token_id=tok["no_timestamps"],
        return_timestamps=False, max_initial_timestamp_index=50,
        alignment_heads=[list(h) for h in heads],
        **({"lang_to_id": {f"<|{k}|>": i for k, i in langs.items()},
            "task_to_id": {"transcribe": tok["transcribe"], "translate": tok["translate"]}} if multilingual else {}))
    return config, gen


def load_ct2(folder: Path):
    """(WhisperForConditionalGeneration float32, eval) from a CT2 folder with model.bin, config.json, tokenizer.json."""
    from transformers import WhisperForConditionalGeneration

    tokenizer = folder / "tokenizer.json"
    if not tokenizer.is_file():
        raise UserError(f"{folder}: CTranslate2 folder without tokenizer.json")
    cfg_path = folder / "config.json"
    ct2_config = json.loads(cfg_path.read_text()) if cfg_path.is_file() else {}
    ct2 = read_model_bin(folder / "model.bin")
    config, gen = config_from_ct2(ct2, ct2_config, tokenizer)
    config._attn_implementation = "eager"
    with torch.device("meta"):  # no random init of weights that are overwritten right away
        model = WhisperForConditionalGeneration(config)
    missing, unexpected = model.load_state_dict(ct2_state_dict(ct2), strict=False, assign=True)
    model.tie_weights()
    missing = [m for m in missing if m != "proj_out.weight"]
    if missing or unexpected:
        raise UserError(f"{folder}: CTranslate2 weights do not map onto Whisper (missing {missing[:3]}, unexpected {unexpected[:3]})")
    model.generation_config = gen
    return model.float().eval()
