"""Checkpoint kinds and the CTranslate2 -> transformers conversion, on the real tiny.en/base weights."""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import pytest
import torch

from speech_export import UserError
from speech_export.whisper import packaged
from speech_export.whisper.audio import decode_audio, log_mel
from speech_export.whisper.checkpoint import resolve
from speech_export.whisper.ct2_format import Ct2Model, dequantized, read_model_bin
from test_whisper_ort import normalize


def test_ct2_model_bin_header_and_fused_shapes(tiny_en_ct2):
    m = read_model_bin(tiny_en_ct2 / "model.bin")
    assert (m.spec, m.revision, m.binary_version) == ("WhisperSpec", 3, 6)
    assert m.get("decoder/layer_0/self_attention/linear_0/weight").shape == (3 * 384, 384)  # q|k|v
    assert m.get("decoder/layer_0/attention/linear_1/weight").shape == (2 * 384, 384)  # cross k|v
    # the output projection is stored as an alias of the embedding
    assert m.get("decoder/projection/weight") is m.get("decoder/embeddings/weight")


def test_int8_weights_are_dequantized():
    w = np.array([[0.5, -1.0], [2.0, 0.25]], np.float32)
    scale = 127.0 / np.abs(w).max(axis=1)
    q = np.round(w * scale[:, None]).astype(np.int8)
    m = Ct2Model("WhisperSpec", 3, 6, {"x/weight": q, "x/weight_scale": scale.astype(np.float32)})
    assert np.abs(dequantized(m, "x/weight") - w).max() < 0.01


def test_converted_tiny_en_transcribes_jfk(tiny_en_model, tiny_en_ct2, jfk_wav, transcripts):
    from tokenizers import Tokenizer

    feats = torch.from_numpy(log_mel(decode_audio(jfk_wav), 80))
    with torch.no_grad():
        ids = tiny_en_model.generate(feats, max_new_tokens=60)[0].tolist()
    text = Tokenizer.from_file(str(tiny_en_ct2 / "tokenizer.json")).decode(ids, skip_special_tokens=True)
    assert normalize(text) == normalize(transcripts["en_jfk.wav"]), text


def test_converted_encoder_matches_ctranslate2(tiny_en_model, tiny_en_ct2, jfk_wav):
    """faster-whisper's engine on the same CT2 weights: the encoder outputs agree."""
    import ctranslate2  # faster-whisper's engine, in requirements.txt
    feats = log_mel(decode_audio(jfk_wav), 80)
    ct2 = ctranslate2.models.Whisper(str(tiny_en_ct2), device="cpu", compute_type="float32")
    ref = np.array(ct2.encode(ctranslate2.StorageView.from_array(feats)))
    with torch.no_grad():
        ours = tiny_en_model.model.encoder(torch.from_numpy(feats)).last_hidden_state.numpy()
    assert np.abs(ours - ref).max() < 1e-3


def test_converted_config(tiny_en_model):
    cfg, gen = tiny_en_model.config, tiny_en_model.generation_config
    assert (cfg.num_mel_bins, cfg.d_model, cfg.encoder_layers, cfg.vocab_size) == (80, 384, 4, 51864)
    assert (cfg.decoder_start_token_id, cfg.eos_token_id) == (50257, 50256)
    assert gen.alignment_heads[0] == [1, 0] and not gen.is_multilingual


def test_base_parts_assemble_to_one_checkpoint():
    parts = packaged.base_parts()
    from_parts = resolve(",".join(map(str, parts)))
    folder = resolve(str(packaged.base()))
    assert from_parts.kind == folder.kind == "ctranslate2"
    assert from_parts.folder == folder.folder and from_parts.sha256 == folder.sha256
    assert (folder.folder / "tokenizer.json").is_file() and (folder.folder / "config.json").is_file()


def test_hf_folder_checkpoint_exports(tiny_en_model, tiny_en_ct2, tmp_path):
    from speech_export.whisper.export import export

    hf = tmp_path / "hf"
    tiny_en_model.save_pretrained(hf)
    shutil.copy(tiny_en_ct2 / "tokenizer.json", hf)
    ckpt = resolve(str(hf))
    assert ckpt.kind == "hf-folder"
    manifest = export(str(hf), tmp_path / "out", parity_steps=3)
    assert manifest["source"]["kind"] == "hf-folder" and manifest["model_name"] == "tiny.en"
    assert manifest["special_tokens"]["timestamp_begin"] == 50363
    assert manifest["parity"]["max_abs_diff"]["decoder_logits"] < 1e-3


@pytest.mark.parametrize("make", ["missing", "empty_dir", "truncated_bin", "file"])
def test_bad_checkpoint_fails_with_one_line(make, tmp_path, tiny_en_ct2, repo_root):
    if make == "missing":
        ckpt = tmp_path / "nope"
    elif make == "empty_dir":
        ckpt = tmp_path / "empty"
        ckpt.mkdir()
    elif make == "truncated_bin":
        ckpt = tmp_path / "ct2"
        ckpt.mkdir()
        shutil.copy(tiny_en_ct2 / "tokenizer.json", ckpt)
        with open(tiny_en_ct2 / "model.bin", "rb") as f:
            (ckpt / "model.bin").write_bytes(f.read(1 << 20))
    else:
        ckpt = tiny_en_ct2 / "model.bin"
    proc = subprocess.run([str(repo_root / "onnx-export" / "export"), "whisper", "--checkpoint", str(ckpt),
                           "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr
    lines = [l for l in proc.stderr.splitlines() if l.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_hf_id_is_recognised_without_downloading(monkeypatch):
    """A name/name that is not a local path goes to huggingface_hub.snapshot_download (no network here)."""
    import huggingface_hub

    seen = []

    def fake(repo_id, **kw):
        seen.append(repo_id)
        raise OSError("offline")

    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake)
    with pytest.raises(UserError, match="cannot download openai/whisper-tiny"):
        resolve("openai/whisper-tiny")
    assert seen == ["openai/whisper-tiny"]


def test_generation_config_matches_official_hf_files(tiny_en_model, base_ct2, shared_dir):
    """What the conversion derives from the CT2 config + tokenizer equals openai's HF generation_config."""
    from speech_export.whisper.ct2_convert import config_from_ct2

    official = json.loads((shared_dir / "whisper/tiny.en/hf_config_tokenizer/generation_config.json").read_text())
    gen = tiny_en_model.generation_config
    for key in ("suppress_tokens", "begin_suppress_tokens", "no_timestamps_token_id", "eos_token_id",
                "decoder_start_token_id", "max_length"):
        assert getattr(gen, key) == official[key], key

    official = json.loads((shared_dir / "whisper/tiny/hf_config_tokenizer/generation_config.json").read_text())
    ct2_cfg = json.loads((base_ct2 / "config.json").read_text())
    _, gen = config_from_ct2(read_model_bin(base_ct2 / "model.bin"), ct2_cfg, base_ct2 / "tokenizer.json")
    assert gen.lang_to_id == official["lang_to_id"] and gen.task_to_id == official["task_to_id"]
    assert gen.suppress_tokens == official["suppress_tokens"] and gen.is_multilingual
