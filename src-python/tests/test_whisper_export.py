"""The exported Whisper graphs: manifest, graph contract, mel filters, parity failure, int8 and fp16."""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import onnx
import pytest
from onnx import numpy_helper

from speech_export.onnx_files import sha256_file
from speech_export.parity import ParityError
from speech_export.whisper import parity as whisper_parity
from speech_export.whisper.audio import decode_audio, mel_filters
from speech_export.whisper.tokens import special_tokens
from test_whisper_ort import OrtWhisper, normalize


def manifest(folder):
    return json.loads((folder / "manifest.json").read_text())


def io(path):
    m = onnx.load(str(path), load_external_data=False)
    init = {i.name for i in m.graph.initializer}

    def desc(v):
        t = v.type.tensor_type
        return (v.name, onnx.helper.tensor_dtype_to_np_dtype(t.elem_type).name,
                [d.dim_value if d.HasField("dim_value") else d.dim_param for d in t.shape.dim])

    return [desc(v) for v in m.graph.input if v.name not in init], [desc(v) for v in m.graph.output]


def test_tiny_en_manifest(exported_tiny_en):
    m = manifest(exported_tiny_en)
    assert m["format"] == "speech-platform/whisper" and m["format_version"] == 3
    assert m["model_name"] == "tiny.en" and m["multilingual"] is False and m["languages"] == {}
    assert m["source"]["kind"] == "ctranslate2" and m["precision"] == "fp32" and m["quantization"] is None
    assert m["dims"] == {"n_mels": 80, "n_audio_ctx": 1500, "n_audio_state": 384, "n_audio_head": 6,
                         "n_audio_layer": 4, "n_vocab": 51864, "n_text_ctx": 448, "n_text_state": 384,
                         "n_text_head": 6, "n_text_layer": 4}
    assert m["special_tokens"] == {"eot": 50256, "sot": 50257, "translate": 50357, "transcribe": 50358,
                                   "sot_lm": 50359, "sot_prev": 50360, "no_speech": 50361,
                                   "no_timestamps": 50362, "timestamp_begin": 50363}
    assert m["begin_suppress_tokens"] == [220, 50256] and 50357 in m["suppress_tokens"]
    assert m["alignment_heads"] == [[1, 0], [2, 0], [2, 5], [3, 0], [3, 1], [3, 2], [3, 3], [3, 4]]
    assert m["audio"] == {"sample_rate": 16000, "n_fft": 400, "hop_length": 160, "chunk_length": 30,
                          "n_samples": 480000, "n_frames": 3000}
    assert m["tokenizer"] == "tokenizer.json" and m["mel_filters"] == {"file": "mel_filters.f32", "shape": [80, 201]}
    assert m["parity"]["max_abs_diff"]["decoder_logits"] < 1e-3 and m["parity"]["steps"] == 20
    assert m["exporter_version"].startswith("0.1.0")


def test_manifest_hashes_every_file(exported_tiny_en):
    m = manifest(exported_tiny_en)
    files = sorted(p.name for p in exported_tiny_en.iterdir() if p.name != "manifest.json")
    assert sorted(m["files"]) == files == ["alignment.onnx", "decoder.onnx", "encoder.onnx", "mel_filters.f32", "tokenizer.json", "vad.onnx"]
    for name, sha in m["files"].items():
        assert sha256_file(exported_tiny_en / name) == sha, name


def test_graph_contract(exported_tiny_en):
    L, H, D = 4, 6, 64
    # format_version 3 (docs/whisper-graphs.md): one cache tensor per layer, read in place; the decoder
    # returns the logits asked for and only the new tokens' K/V.
    layers = lambda *stems: [f"{s}_{i}" for s in stems for i in range(L)]  # noqa: E731
    cross = ["batch", H, 1500, D]
    enc_in, enc_out = io(exported_tiny_en / "encoder.onnx")
    assert enc_in == [("input_features", "float32", ["batch", 80, 3000])]
    assert enc_out == [(name, "float32", cross) for name in layers("cross_k", "cross_v")]
    dec_in, dec_out = io(exported_tiny_en / "decoder.onnx")
    slots = ["n_slots", H, "capacity", D]
    windows = ["n_windows", H, 1500, D]
    new = ["batch", L, H, "n_tokens", D]
    assert dec_in == [("tokens", "int64", ["batch", "n_tokens"]), ("offsets", "int64", ["batch"]),
                      ("slots", "int64", ["batch"]), ("window_rows", "int64", ["n_windows", "group"]),
                      ("reads", "int64", ["batch", "n_reads"])] \
        + [(name, "float32", slots) for name in layers("self_k", "self_v")] \
        + [(name, "float32", windows) for name in layers("cross_k", "cross_v")]
    assert dec_out == [("logits", "float32", ["batch", "n_reads", 51864]), ("new_k", "float32", new),
                       ("new_v", "float32", new)]
    m = manifest(exported_tiny_en)["graphs"]
    assert [i["name"] for i in m["decoder"]["inputs"]] == [name for name, _, _ in dec_in]
    assert m["encoder"]["outputs"][0]["shape"] == cross


def test_mel_filters_are_the_feature_extractors(exported_tiny_en, shared_dir):
    ours = np.fromfile(exported_tiny_en / "mel_filters.f32", dtype="<f4").reshape(80, 201)
    assert np.array_equal(ours, mel_filters(80))
    openai = np.load(shared_dir / "whisper" / "assets" / "mel_filters.npz")["mel_80"]
    assert np.abs(ours - openai).max() < 1e-5


def test_base_manifest_is_multilingual(exported_base):
    m = manifest(exported_base)
    assert m["multilingual"] is True and m["dims"]["n_vocab"] == 51865 and m["dims"]["n_text_layer"] == 6
    assert {"en", "fr", "ru", "zh"} <= set(m["languages"]) and len(m["languages"]) == 99
    assert m["languages"]["en"] == 50259 and m["special_tokens"]["eot"] == 50257
    assert m["special_tokens"]["timestamp_begin"] == 50364 and m["begin_suppress_tokens"] == [220, 50257]
    assert m["alignment_heads"][0] == [3, 1]


def test_impossible_tolerance_exits_non_zero_with_numbers(tiny_en_ct2, tmp_path, repo_root):
    out = tmp_path / "out"
    proc = subprocess.run([str(repo_root / "onnx-export" / "export"), "whisper", "--checkpoint", str(tiny_en_ct2),
                           "--out", str(out), "--tolerance", "1e-12", "--parity-steps", "2"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 3, proc.stderr
    assert "decoder.logits" in proc.stderr and "> tolerance=1.0e-12" in proc.stderr and "Traceback" not in proc.stderr
    assert not (out / "manifest.json").exists()  # a failed export is not a usable model


def test_perturbed_graph_fails_parity(exported_tiny_en, tiny_en_model, jfk_wav, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(exported_tiny_en, bad)
    model = onnx.load(str(bad / "decoder.onnx"))
    init = next(i for i in model.graph.initializer if i.name.endswith("layer_norm.bias") and "decoder.layer_norm" in i.name)
    init.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(init) + 0.05, init.name))
    onnx.save(model, str(bad / "decoder.onnx"))
    tol = whisper_parity.tolerances("fp32", None, None)
    with pytest.raises(ParityError, match=r"decoder.logits\(past=0\) max_abs_diff=\S+ > tolerance=1.0e-03"):
        whisper_parity.run(bad, tiny_en_model, jfk_wav, special_tokens(bad / "tokenizer.json"), {}, 3, tol)


@pytest.fixture(scope="module")
def exported_variants(tiny_en_ct2, shared_dir, tmp_path_factory):
    from speech_export.whisper.export import export

    root = tmp_path_factory.mktemp("variants")
    return {"int8": export(str(tiny_en_ct2), root / "int8", quantize="int8", parity_steps=10) and root / "int8",
            "fp16": export(str(tiny_en_ct2), root / "fp16", precision="fp16", parity_steps=10) and root / "fp16"}


def _initializer_types(path):
    m = onnx.load(str(path), load_external_data=False)
    return {onnx.helper.tensor_dtype_to_np_dtype(i.data_type).name for i in m.graph.initializer if len(i.dims) == 2}


@pytest.mark.parametrize("variant", ["int8", "fp16"])
def test_variant_graphs(variant, exported_variants, exported_tiny_en, jfk_wav, transcripts):
    folder = exported_variants[variant]
    m = manifest(folder)
    assert (m["precision"], m["quantization"]) == (("fp32", "int8") if variant == "int8" else ("fp16", None))
    # I/O stays float32/int64 whatever is inside
    assert io(folder / "decoder.onnx") == io(exported_tiny_en / "decoder.onnx")
    assert io(folder / "encoder.onnx") == io(exported_tiny_en / "encoder.onnx")
    assert io(folder / "alignment.onnx") == io(exported_tiny_en / "alignment.onnx")
    assert m["parity"]["max_abs_diff"]["alignment"] <= m["parity"]["tolerance"]["alignment"]
    assert "int8" in _initializer_types(folder / "encoder.onnx") if variant == "int8" \
        else _initializer_types(folder / "decoder.onnx") == {"float16"}  # dtypes of the 2-D weights
    if variant == "int8":  # every decoder weight, the vocabulary projection too, as 8-bit blocks (MatMulNBits)
        m8 = onnx.load(str(folder / "decoder.onnx"), load_external_data=False)
        consts = {i.name for i in m8.graph.initializer}
        assert not [n.name for n in m8.graph.node if n.op_type == "MatMul" and n.input[1] in consts]
        assert not [i.name for i in m8.graph.initializer if i.data_type == onnx.TensorProto.FLOAT and 51864 in i.dims[1:]]
        # rows of different requests share a decoder call: no activation scale over the whole batch (issue 9)
        ops = {n.op_type for n in m8.graph.node}
        assert "MatMulNBits" in ops and not ops & {"MatMulInteger", "DynamicQuantizeLinear"}, ops
    assert m["parity"]["tokens"] == manifest(exported_tiny_en)["parity"]["tokens"][:10]
    w = OrtWhisper(folder)  # ONNX Runtime CPU runs both (fp16 through its inserted casts)
    text = w.text(w.greedy(w.log_mel(decode_audio(jfk_wav))))
    assert normalize(text) == normalize(transcripts["en_jfk.wav"]), text


def test_big_graphs_use_one_external_data_file(exported_tiny_en, tmp_path, monkeypatch):
    """Graphs over protobuf's 2 GiB (large-v3) keep their weights in <graph>.onnx.data; simulated with a low limit."""
    import onnxruntime as ort
    from speech_export import onnx_files

    monkeypatch.setattr(onnx_files, "_PROTOBUF_LIMIT", 1 << 20)
    written = onnx_files.resave(exported_tiny_en / "encoder.onnx", tmp_path / "encoder.onnx")
    assert [p.name for p in written] == ["encoder.onnx", "encoder.onnx.data"]
    assert (tmp_path / "encoder.onnx").stat().st_size < 1 << 20
    assert sorted(onnx_files.hash_files(tmp_path)) == ["encoder.onnx", "encoder.onnx.data"]
    sess = ort.InferenceSession(str(tmp_path / "encoder.onnx"), providers=["CPUExecutionProvider"])
    assert [o.name for o in sess.get_outputs()][:2] == ["cross_k_0", "cross_k_1"]


def test_no_graph_needs_cufft(exported_tiny_en):
    """The GPU images carry no cuFFT: the encoder, decoder and VAD graphs use none of the ops that load it."""
    from conftest import FFT_OPS, graph_ops
    ops = graph_ops(exported_tiny_en)
    assert {"Conv", "MatMul"} <= ops, ops
    assert not ops & FFT_OPS, ops & FFT_OPS
