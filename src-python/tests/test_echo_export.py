"""Echo-TTS export: the exported graphs under ONNX Runtime against the golden fixtures.

The fixtures (tiny random-weight checkpoints + cases computed by the official upstream code) live in
the shared data dir: $SPEECH_SHARED_DIR or ../shared next to the repo root. Gate (fixtures README,
"ONNX Runtime fp32 export"): max|actual − expected| ≤ 1e-3 × max(1, max|expected|), cosine ≥ 0.9999,
integer/boolean tensors exact.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file, save_file

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("SPEECH_SHARED_DIR", REPO.parent / "shared"))
FIX = SHARED / "fixtures" / "echo-tts"
CASES = FIX / "cases"
CHUNK = 1310720

# A missing fixture fails loudly (set SPEECH_SHARED_DIR), never a silent skip.
assert (FIX / "dit.safetensors").is_file(), f"no Echo-TTS fixtures in {FIX} (set SPEECH_SHARED_DIR)"

FIGURES: dict[str, dict] = {}


def assert_close(name, actual, expected, rel=1e-3, min_cos=0.9999):
    a = np.asarray(actual, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    assert a.shape == e.shape, f"{name}: shape {a.shape} vs {e.shape}"
    diff = float(np.max(np.abs(a - e)))
    scale = max(1.0, float(np.max(np.abs(e))))
    cos = float(a.ravel() @ e.ravel() / (np.linalg.norm(a) * np.linalg.norm(e)))
    FIGURES[name] = {"max_abs_diff": diff, "scale": scale, "cosine": cos}
    print(f"{name}: max|Δ|={diff:.3e} scale={scale:.3f} cos={cos:.9f}")
    assert diff <= rel * scale and cos >= min_cos, f"{name}: max|Δ|={diff:.3e} (tol {rel * scale:.1e}), cos={cos}"


def np_(t: torch.Tensor) -> np.ndarray:
    return t.numpy()


@pytest.fixture(scope="session")
def exported(tmp_path_factory):
    from speech_export.echo_tts.export import export
    out = tmp_path_factory.mktemp("echo-tts-tiny")
    manifest = export(str(FIX), str(FIX), out, precision="fp32", log=lambda *a: None)
    return out, manifest


@pytest.fixture(scope="session")
def sessions(exported):
    import onnxruntime as ort
    out, _ = exported
    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    names = ("dac_encode", "text_cond", "speaker_cond", "dit_step", "dac_decode")
    return {n: ort.InferenceSession(str(out / f"{n}.onnx"), opts, providers=["CPUExecutionProvider"]) for n in names}


@pytest.fixture(scope="session")
def torch_models():
    from speech_export.echo_tts.checkpoint import load_models
    return load_models(str(FIX), str(FIX))


def run(sess, **feeds):
    return sess.run(None, feeds)


# ---------------------------------------------------------------- per-graph fixture cases

def test_text_cond_matches_fixture(sessions):
    c = load_file(CASES / "text_encoder.safetensors")
    for prefix in ("", "batch2."):
        k, v = run(sessions["text_cond"], text_ids=np_(c[prefix + ("input_ids")]).astype(np.int64),
                   text_mask=np_(c[prefix + "mask"]))
        assert_close(f"text_cond.{prefix}text_k", k, c[prefix + "text_k"])
        assert_close(f"text_cond.{prefix}text_v", v, c[prefix + "text_v"])


def test_speaker_cond_matches_fixture(sessions):
    c = load_file(CASES / "speaker_encoder.safetensors")
    for prefix in ("", "zeros."):
        k, v, pm = run(sessions["speaker_cond"], speaker_latent=np_(c[prefix + "speaker_latent"]),
                       speaker_mask=np_(c[prefix + "speaker_mask"]))
        assert_close(f"speaker_cond.{prefix}speaker_k", k, c[prefix + "speaker_k"])
        assert_close(f"speaker_cond.{prefix}speaker_v", v, c[prefix + "speaker_v"])
        np.testing.assert_array_equal(pm, np_(c[prefix + "speaker_mask"])[:, ::4])


@pytest.mark.parametrize("tt", ["t0.9", "t0.3"])
def test_dit_step_matches_fixture(sessions, tt):
    c = load_file(CASES / "dit_step.safetensors")
    n_layers = c["text_k"].shape[0]
    (v,) = run(sessions["dit_step"], x=np_(c["x"]), t=np_(c[tt + ".t"]), text_mask=np_(c["text_mask_full"]),
               speaker_mask=np_(c["speaker_mask_full_patched"]), text_k=np_(c["text_k"]), text_v=np_(c["text_v"]),
               speaker_k=np_(c["speaker_k"]), speaker_v=np_(c["speaker_v"]),
               spk_kv_scale=np.ones(n_layers, np.float32))
    assert_close(f"dit_step.{tt}.v", v, c[tt + ".v"])
    if tt == "t0.9":  # one lane alone gives the same velocity (lanes are independent)
        (v1,) = run(sessions["dit_step"], x=np_(c["x"])[:1], t=np_(c[tt + ".t"])[:1],
                    text_mask=np_(c["text_mask"]), speaker_mask=np_(c["speaker_mask"])[:, ::4],
                    text_k=np_(c["text_k"]), text_v=np_(c["text_v"]), speaker_k=np_(c["speaker_k"]),
                    speaker_v=np_(c["speaker_v"]), spk_kv_scale=np.ones(n_layers, np.float32))
        assert_close("dit_step.t0.9.v_lane0_batch1", v1, c["t0.9.v_lane0_batch1"])
        # one K/V row per lane (how several text chunks share a step) gives the same velocities
        tile = lambda a: np.repeat(np_(a), 3, axis=1)
        (v3,) = run(sessions["dit_step"], x=np_(c["x"]), t=np_(c[tt + ".t"]), text_mask=np_(c["text_mask_full"]),
                    speaker_mask=np_(c["speaker_mask_full_patched"]), text_k=tile(c["text_k"]),
                    text_v=tile(c["text_v"]), speaker_k=tile(c["speaker_k"]), speaker_v=tile(c["speaker_v"]),
                    spk_kv_scale=np.ones(n_layers, np.float32))
        assert_close("dit_step.t0.9.v_per_lane_kv", v3, c[tt + ".v"])


def speaker_latent_via_graph(sess, audio: np.ndarray) -> np.ndarray:
    """Upstream get_speaker_latent_and_mask with the dac_encode graph (what the Java side does)."""
    n = audio.shape[-1]
    chunks = [audio[..., i:i + CHUNK] for i in range(0, n, CHUNK)]
    rows = np.stack([np.pad(ch, ((0, 0), (0, CHUNK - ch.shape[-1]))) for ch in chunks])  # [N, 1, CHUNK]
    latent, _, _ = run(sess, audio=rows.astype(np.float32))
    latent = latent.reshape(1, -1, latent.shape[-1])[:, : n // 2048]
    return latent[:, : latent.shape[1] // 4 * 4]


def test_dac_encode_matches_fixture(sessions):
    c = load_file(CASES / "codec_encode.safetensors")
    audio = np_(c["audio"])
    padded = np.pad(audio, ((0, 0), (0, CHUNK - audio.shape[1])))[None]
    latent, z_q, codes = run(sessions["dac_encode"], audio=padded.astype(np.float32))
    assert latent.shape == (1, 640, 80) and z_q.shape == (1, 128, 640) and codes.shape == (1, 3, 640)
    t = c["codes"].shape[-1]
    np.testing.assert_array_equal(codes[:, :, :t], np_(c["codes"]))
    assert_close("dac_encode.z_q", z_q[:, :, :t], c["z_q"])
    assert_close("dac_encode.latent", latent[:, :t], c["latent_pca"])
    assert_close("dac_encode.speaker_latent", speaker_latent_via_graph(sessions["dac_encode"], audio),
                 c["speaker_latent"])


def test_dac_decode_matches_fixture(sessions):
    c = load_file(CASES / "codec_decode.safetensors")
    (audio,) = run(sessions["dac_decode"], latent=np_(c["latent"]))
    assert_close("dac_decode.audio", audio, c["audio"])


# ---------------------------------------------------------------- codec lengths (docs/echo-tts-graphs.md#pitfalls)

@pytest.mark.parametrize("frames", [8, 40, 640])
def test_dac_encode_lengths(sessions, torch_models, frames):
    from speech_export.echo_tts import upstream
    _, _, inference = upstream.modules()
    m = torch_models
    pca = inference.PCAState(m.pca.components, m.pca.mean, m.pca.latent_scale)
    g = torch.Generator().manual_seed(frames)
    audio = (0.3 * torch.randn(2, 1, 2048 * frames, generator=g)).clamp(-1, 1)  # batch 2
    latent, z_q, codes = run(sessions["dac_encode"], audio=np_(audio))
    with torch.no_grad():
        ref_codes, _ = m.dac.encode(audio)
        ref_latent = inference.ae_encode(m.dac, pca, audio)
    np.testing.assert_array_equal(codes, np_(ref_codes))
    assert_close(f"dac_encode.L{frames}x2048.latent", latent, ref_latent)


@pytest.mark.parametrize("frames", [1, 32, 200, 640])
def test_dac_decode_lengths(sessions, torch_models, frames):
    from speech_export.echo_tts import upstream
    _, _, inference = upstream.modules()
    m = torch_models
    pca = inference.PCAState(m.pca.components, m.pca.mean, m.pca.latent_scale)
    latent = torch.randn(1, frames, 80, generator=torch.Generator().manual_seed(frames))
    (audio,) = run(sessions["dac_decode"], latent=np_(latent))
    with torch.no_grad():
        ref = inference.ae_decode(m.dac, pca, latent)
    assert audio.shape == (1, 1, 2048 * frames)
    assert_close(f"dac_decode.T{frames}.audio", audio, ref)


# ---------------------------------------------------------------- sampler driven by the graphs

def sample_with_graphs(sessions, case: dict, params: dict) -> np.ndarray:
    """Upstream sample_euler_cfg_independent_guidances on top of the ONNX graphs: the reference the
    Java sampler follows (CFG lanes by masks only, spk_kv_scale vector instead of in-place scaling)."""
    ids = np_(case["text_input_ids"]).astype(np.int64)
    tmask = np_(case["text_mask"])
    tk, tv = run(sessions["text_cond"], text_ids=ids, text_mask=tmask)
    sk, sv, smask = run(sessions["speaker_cond"], speaker_latent=np_(case["speaker_latent"]),
                        speaker_mask=np_(case["speaker_mask"]))
    n_layers = tk.shape[0]
    ts = np_(case["t_schedule"])
    x = np_(case["initial_noise"]) * (params["truncation_factor"] or 1.0)
    s_kv, kv_layers, kv_min_t = params["speaker_kv_scale"], params["speaker_kv_max_layers"], params["speaker_kv_min_t"]
    scaled = s_kv is not None
    for i in range(len(ts) - 1):
        t, t_next = float(ts[i]), float(ts[i + 1])
        scale = np.ones(n_layers, np.float32)
        if scaled:
            scale[: n_layers if kv_layers is None else min(kv_layers, n_layers)] = s_kv
        cfg = params["cfg_min_t"] <= t <= params["cfg_max_t"]
        lanes = 3 if cfg else 1
        tm = np.concatenate([tmask, np.zeros_like(tmask), tmask])[:lanes]
        sm = np.concatenate([smask, smask, np.zeros_like(smask)])[:lanes]
        (v,) = run(sessions["dit_step"], x=np.repeat(x, lanes, 0), t=np.full(lanes, t, np.float32), text_mask=tm,
                   speaker_mask=sm, text_k=tk, text_v=tv, speaker_k=sk, speaker_v=sv, spk_kv_scale=scale)
        if cfg:
            v = v[0:1] + params["cfg_scale_text"] * (v[0:1] - v[1:2]) + params["cfg_scale_speaker"] * (v[0:1] - v[2:3])
        if scaled and t >= kv_min_t > t_next:
            scaled = False
        x = x + v * (ts[i + 1] - ts[i])  # float32 difference, as upstream
    return x


@pytest.mark.parametrize("name", ["sampler_default", "sampler_force_speaker", "sampler_no_speaker"])
def test_sampler_on_graphs(sessions, name):
    config = json.loads((FIX / "config.json").read_text())
    params = next(c for c in config["cases"] if c["file"] == f"cases/{name}.safetensors")["params"]
    case = load_file(CASES / f"{name}.safetensors")
    latent = sample_with_graphs(sessions, case, params)
    assert_close(f"{name}.latent_out", latent, case["latent_out"], rel=2e-3)


# ---------------------------------------------------------------- checkpoints

def test_codec_key_formats_give_identical_graph_outputs(sessions, tmp_path):
    import onnxruntime as ort
    from speech_export.echo_tts.export import export
    export(str(FIX), str(FIX / "codec_legacy_weightnorm.safetensors"), tmp_path, graphs=("dac_encode", "dac_decode"),
           log=lambda *a: None)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["source"]["codec_weight_norm"] == "legacy"
    g = torch.Generator().manual_seed(7)
    audio = np_(0.3 * torch.randn(1, 1, 2048 * 16, generator=g))
    latent = np_(torch.randn(1, 12, 80, generator=g))
    for name, feeds in (("dac_encode", {"audio": audio}), ("dac_decode", {"latent": latent})):
        legacy = ort.InferenceSession(str(tmp_path / f"{name}.onnx"), providers=["CPUExecutionProvider"])
        for a, b in zip(legacy.run(None, feeds), sessions[name].run(None, feeds)):
            np.testing.assert_array_equal(a, b)


def test_blockwise_keys_are_dropped():
    from speech_export.echo_tts import checkpoint as ckpt
    state = load_file(FIX / "dit.safetensors")
    kept = ckpt.drop_blockwise(state)
    assert len(state) == 156 and len(kept) == 125
    dropped = sorted(set(state) - set(kept))
    assert all(k.startswith(("latent_encoder.", "latent_norm")) or ".wk_latent" in k or ".wv_latent" in k
               for k in dropped)
    assert "blocks.0.attention.wk_latent.weight" in dropped and "latent_norm.weight" in dropped
    assert not ckpt.is_blockwise_key("blocks.0.attention.wk_speaker.weight")
    model, _, info = ckpt.load_dit(ckpt.resolve(str(FIX), ckpt.DIT_FILES, "DiT"))
    assert info == {"tensors": 125, "dropped_blockwise": 31}
    assert not hasattr(model, "latent_encoder")


def cli(*args) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src-python"))
    return subprocess.run([sys.executable, "-m", "speech_export.cli", "echo-tts", *args], capture_output=True,
                          text=True, env=env, timeout=600)


def _folder_with(tmp_path: Path, dit_state: dict | None = None, dit_bytes: bytes | None = None) -> Path:
    d = tmp_path / "ckpt"
    d.mkdir()
    for name in ("config.json", "pca_state.safetensors"):
        (d / name).write_bytes((FIX / name).read_bytes())
    if dit_bytes is not None:
        (d / "dit.safetensors").write_bytes(dit_bytes)
    else:
        save_file(dit_state, str(d / "dit.safetensors"))
    return d


def test_truncated_checkpoint_fails_clearly(tmp_path):
    data = (FIX / "dit.safetensors").read_bytes()
    d = _folder_with(tmp_path, dit_bytes=data[: len(data) // 2])
    r = cli("--checkpoint", str(d), "--codec", str(FIX), "--out", str(tmp_path / "out"))
    assert r.returncode == 2, r.stderr
    assert "not a readable safetensors file" in r.stderr and "Traceback" not in r.stderr


def test_mismatched_checkpoint_fails_clearly(tmp_path):
    state = load_file(FIX / "dit.safetensors")
    state.pop("blocks.1.mlp.w2.weight")
    state["out_proj.weight"] = torch.zeros(81, 64)
    d = _folder_with(tmp_path, dit_state=state)
    r = cli("--checkpoint", str(d), "--codec", str(FIX), "--out", str(tmp_path / "out"))
    assert r.returncode == 2, r.stderr
    assert "missing: blocks.1.mlp.w2.weight" in r.stderr
    assert "out_proj.weight: file (81, 64) vs model (80, 64)" in r.stderr
    # a codec file given as the DiT checkpoint
    r = cli("--checkpoint", str(FIX / "codec.safetensors"), "--codec", str(FIX), "--out", str(tmp_path / "out2"))
    assert r.returncode == 2 and "does not match the architecture" in r.stderr


def test_parity_failure_exits_non_zero(tmp_path, monkeypatch):
    """A graph outside tolerance makes the export fail with the numbers (ParityError → exit 3)."""
    from speech_export.echo_tts import parity
    from speech_export.parity import ParityError
    from speech_export.echo_tts.export import export
    real = parity.references

    def skewed(m, probes):
        refs = real(m, probes)
        refs["dit_step"][0] = refs["dit_step"][0] + 0.05
        return refs

    monkeypatch.setattr(parity, "references", skewed)
    with pytest.raises(ParityError, match=r"dit_step\.v .*max_abs_diff"):
        export(str(FIX), str(FIX), tmp_path, graphs=("dit_step",), log=lambda *a: None)


# ---------------------------------------------------------------- manifest

def test_manifest_contract(exported):
    from speech_export.manifest import verify_files
    out, manifest = exported
    assert manifest["format"] == "speech-platform/echo-tts" and manifest["precision"] == "fp32"
    assert verify_files(out) == []
    assert set(manifest["files"]) == {"dac_encode.onnx", "text_cond.onnx", "speaker_cond.onnx", "dit_step.onnx",
                                      "dac_decode.onnx", "pca_state.safetensors"}
    assert manifest["constants"] == {"sample_rate": 44100, "samples_per_latent": 2048, "patch_size": 4,
                                     "max_text_length": 768, "max_latent_length": 640,
                                     "speaker_chunk_samples": 1310720, "max_speaker_frames": 6400,
                                     "latent_dim": 80, "bos_token": 0}
    assert manifest["dims"]["n_layers"] == 2 and manifest["dims"]["n_heads"] == 4 and manifest["dims"]["head_dim"] == 16
    assert manifest["pca"]["latent_scale"] == 0.25 and manifest["parity"]["passed"] is True
    io = {n: ([(i["name"], i["dtype"], i["shape"]) for i in g["inputs"]],
              [(o["name"], o["dtype"], o["shape"]) for o in g["outputs"]]) for n, g in manifest["graphs"].items()}
    assert io["dit_step"] == ([("x", "float32", ["B", "S", 80]), ("t", "float32", ["B"]),
                               ("text_mask", "bool", ["B", "Lt"]), ("speaker_mask", "bool", ["B", "Lsp"]),
                               ("text_k", "float32", [2, "Bc", "Lt", 4, 16]), ("text_v", "float32", [2, "Bc", "Lt", 4, 16]),
                               ("speaker_k", "float32", [2, "Bc", "Lsp", 4, 16]),
                               ("speaker_v", "float32", [2, "Bc", "Lsp", 4, 16]), ("spk_kv_scale", "float32", [2])],
                              [("v", "float32", ["B", "S", 80])])
    assert io["text_cond"][0] == [("text_ids", "int64", ["B", "Lt"]), ("text_mask", "bool", ["B", "Lt"])]
    assert [o[0] for o in io["speaker_cond"][1]] == ["speaker_k", "speaker_v", "speaker_patch_mask"]
    assert io["dac_encode"][0] == [("audio", "float32", ["N", 1, "L"])]
    assert [o[:2] for o in io["dac_encode"][1]] == [("latent", "float32"), ("z_q", "float32"), ("codes", "int64")]
    assert io["dac_decode"] == ([("latent", "float32", ["N", "T", 80])], [("audio", "float32", ["N", 1, "samples"])])
    pca = load_file(out / "pca_state.safetensors")
    assert pca["latent_scale"].shape == (1,)


def test_no_speaker_rows_are_never_fully_masked(sessions):
    c = load_file(CASES / "dit_step.safetensors")
    sk, sv, pm = run(sessions["speaker_cond"], speaker_latent=np.zeros((1, 4, 80), np.float32),
                     speaker_mask=np.zeros((1, 4), bool))
    (v,) = run(sessions["dit_step"], x=np_(c["x"]), t=np.full(3, 0.5, np.float32),
               text_mask=np.zeros((3, c["text_k"].shape[2]), bool), speaker_mask=np.repeat(pm, 3, 0),
               text_k=np_(c["text_k"]), text_v=np_(c["text_v"]), speaker_k=sk, speaker_v=sv,
               spk_kv_scale=np.ones(2, np.float32))
    assert np.isfinite(v).all()


def test_manifest_says_the_fixture_checkpoints_declare_no_licence(exported):
    _, manifest = exported
    licence = manifest["license"]
    assert licence["id"] == "NOASSERTION" and licence["non_commercial"] is False
    assert [c["role"] for c in licence["checkpoints"]] == ["dit", "codec"]
    assert all(c["declared_by"].startswith("none declared") for c in licence["checkpoints"])


def test_no_graph_needs_cufft(exported):
    """The GPU images carry no cuFFT: none of the five graphs uses an op that loads it."""
    from conftest import FFT_OPS, graph_ops
    out, _ = exported
    ops = graph_ops(out)
    assert {"Conv", "MatMul"} <= ops, ops
    assert not ops & FFT_OPS, ops & FFT_OPS
