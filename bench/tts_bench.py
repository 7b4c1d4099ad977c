"""Echo-TTS sampler step time: official PyTorch code vs the Java/ONNX Runtime driver (bench/tts_bench.sh).

    python bench/tts_bench.py make  OUT_DIR          random-weight mid-size checkpoint folder (official EchoDiT)
    python bench/tts_bench.py torch OUT_DIR STEPS    official sample_euler_cfg_independent_guidances, CFG on every step

Mid-size configuration: DiT 8 layers x 512 wide (8 heads of 64, MLP 1408), text and speaker towers
4 x 256 (4 heads), 640 latents, a 120-byte prompt, a 10 s reference (216 frames). The codec is the tiny
fixture codec (its cost is not part of the sampler step).
"""
from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src-python"))
FIXTURES = ROOT.parent / "shared" / "fixtures" / "echo-tts"

MID = dict(latent_size=80, model_size=512, num_layers=8, num_heads=8, intermediate_size=1408, norm_eps=1e-5,
           text_vocab_size=256, text_model_size=256, text_num_layers=4, text_num_heads=4, text_intermediate_size=704,
           speaker_patch_size=4, speaker_model_size=256, speaker_num_layers=4, speaker_num_heads=4,
           speaker_intermediate_size=704, timestep_embed_size=256, adaln_rank=64)
SEQUENCE = 640
PROMPT = "[S1] The quick brown fox jumps over the lazy dog, and then it runs all the way home before the rain begins to fall."
SPEAKER_FRAMES = 216


def make(out: Path) -> None:
    import torch
    from safetensors.torch import save_file
    from speech_export.echo_tts import upstream
    model_mod, _, _ = upstream.modules()
    torch.manual_seed(0)
    dit = model_mod.EchoDiT(**MID)
    with torch.no_grad():  # upstream zero-inits some projections; random weights everywhere make a real workload
        for name, p in dit.named_parameters():
            if p.dim() >= 2:
                p.normal_(0, p.shape[-1] ** -0.5)
            elif name.endswith("bias"):
                p.normal_(0, 0.02)
            else:
                p.fill_(1.0)
    out.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in dit.state_dict().items()}, str(out / "dit.safetensors"))
    shutil.copy(FIXTURES / "pca_state.safetensors", out / "pca_state.safetensors")
    config = json.loads((FIXTURES / "config.json").read_text())
    config["dit"]["constructor_args"] = MID
    (out / "config.json").write_text(json.dumps(config, indent=1))
    print(f"mid-size checkpoint in {out}: {sum(p.numel() for p in dit.parameters()) / 1e6:.1f} M params")


def bench_torch(folder: Path, steps: int) -> None:
    import torch
    from speech_export.echo_tts import upstream
    _, _, inference = upstream.modules()
    torch.set_num_threads(2)
    model_mod, _, _ = upstream.modules()
    from safetensors.torch import load_file
    dit = model_mod.EchoDiT(**MID)
    dit.load_state_dict(load_file(str(folder / "dit.safetensors")))
    dit = dit.float().eval()
    ids = torch.tensor([[0] + list(PROMPT.encode())], dtype=torch.int32)
    mask = torch.ones_like(ids, dtype=torch.bool)
    g = torch.Generator().manual_seed(1)
    speaker = torch.randn(1, SPEAKER_FRAMES, 80, generator=g)
    smask = torch.ones(1, SPEAKER_FRAMES, dtype=torch.bool)
    kwargs = dict(rng_seed=0, num_steps=steps, cfg_scale_text=3.0, cfg_scale_speaker=8.0, cfg_min_t=0.0, cfg_max_t=1.0,
                  truncation_factor=None, rescale_k=None, rescale_sigma=None, speaker_kv_scale=None,
                  speaker_kv_max_layers=None, speaker_kv_min_t=None, sequence_length=SEQUENCE)
    with torch.inference_mode():
        inference.sample_euler_cfg_independent_guidances(dit, speaker, smask, ids, mask, **{**kwargs, "num_steps": 1})  # warm-up
        t0 = time.perf_counter()
        inference.sample_euler_cfg_independent_guidances(dit, speaker, smask, ids, mask, **kwargs)
        total = time.perf_counter() - t0
    print(f"TORCH sampler: {steps} CFG steps (3 lanes x {SEQUENCE} latents) in {total:.2f} s = {1000 * total / steps:.0f} ms/step "
          f"(torch {torch.__version__}, {torch.get_num_threads()} threads)")


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(Path(sys.argv[2]))
    else:
        bench_torch(Path(sys.argv[2]), int(sys.argv[3]))
