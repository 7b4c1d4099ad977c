"""Echo-TTS benchmark parts driven by bench/tts_bench.sh (the issue-10 figures).

    python bench/tts_bench.py make    OUT_DIR          random-weight mid-size checkpoint folder (official EchoDiT)
    python bench/tts_bench.py torch   OUT_DIR STEPS    official sample_euler_cfg_independent_guidances, CFG on every step
    python bench/tts_bench.py service URL VOICE_ID VOICE_NAME STEPS OUT_JSON
                                                       the service figures (sentence vs paragraph, 4 concurrent,
                                                       streaming first audio), timed by an HTTP client here
    python bench/tts_bench.py report  WORK_DIR         the table with PASS/FAIL per target (WORK_DIR/report.md)

Mid-size configuration: DiT 8 layers x 512 wide (8 heads of 64, MLP 1408), text and speaker towers
4 x 256 (4 heads), 640 latents, a 120-byte prompt, a 10 s reference (216 frames). The codec is the tiny
fixture codec (its cost is not part of the sampler step).
"""
from __future__ import annotations

import http.client
import json
import math
import shutil
import statistics
import sys
import threading
import time
import urllib.parse
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
    print(f"TORCH sampler: {steps} CFG steps (3 lanes x {SEQUENCE} latents) in {total:.2f} s = {1000 * total / steps:.1f} ms/step "
          f"(torch {torch.__version__}, {torch.get_num_threads()} threads)")


# ---------------------------------------------------------------- service figures (issue 10, "Done when")

SAMPLE_RATE = 44100
SECONDS_PER_LATENT = 2048 / SAMPLE_RATE
SENTENCE = "The quick brown fox jumps over the lazy dog."
# 291 characters, one chunk (297 tokens <= tts.speech.max-chunk-tokens 300) that the length estimate gives the
# whole 640-latent (29.7 s) window: the "30-second paragraph".
PARAGRAPH = ("It was a bright cold morning in early spring, and the old harbour town was slowly waking up. "
             "Fishermen carried their nets down to the water, children ran along the narrow streets on their way to "
             "school, and the smell of fresh bread drifted from the bakery on the corner of the market square.")
# Four sentences of 160-163 characters. The chunker packs whole sentences into chunks of at most 300 tokens
# (BOS and "[S1] " included), so two of these never fit one chunk: four chunks, one per sentence, all in the
# same 416-latent bucket. Four sentences of ~100 characters would be two chunks (three sentences, then one).
FOUR_SENTENCES = [
    "The storm had passed during the night, leaving the garden soaked and quiet, with broken branches scattered "
    "across the lawn and puddles shining in the grey light.",
    "My grandmother walked out in her old boots to inspect the damage, counting the fallen apples and muttering "
    "that the roses had survived far worse winters than this.",
    "By noon the clouds had thinned, the wind had dropped to a gentle breeze, and the neighbours were already out "
    "on the street, sweeping leaves and comparing stories.",
    "That evening we lit a fire, ate soup with thick slices of bread, and listened to the radio until the last of "
    "the rain dripped from the gutters above the window.",
]
CHUNK_TOKENS = 300  # tts.speech.max-chunk-tokens default


def tokens(text: str) -> int:
    """Prompt tokens as the service counts them: BOS + UTF-8 bytes of "[S1] " + text."""
    return 1 + len(("[S1] " + text).encode())


def fitted_latents(text: str, most: int = 640) -> int:
    """The latents the service samples for one chunk (speech.tts.echo.SpeechLength.forText, same constants).
    A random-weight model never ends its speech, so the service samples such a chunk a second time at twice
    the length; a request whose sequence_length is this value is sampled once, as a model whose speech ends
    inside the window would be."""
    latents = math.ceil(tokens(text) / 12 / SECONDS_PER_LATENT * 1.25 + 20)
    return min(most, (latents + 31) // 32 * 32)


def post(base: str, path: str, body: dict) -> dict:
    """One POST, timed from the send: headers, first body byte, end, and when the audio arrived (`bursts`)."""
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=3600)
    t0 = time.perf_counter()
    conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
    resp = conn.getresponse()
    head = time.perf_counter() - t0
    pieces = []
    while True:
        data = resp.read1(1 << 16)
        if not data:
            break
        pieces.append((time.perf_counter() - t0, len(data)))
    total = time.perf_counter() - t0
    conn.close()
    if resp.status != 200:
        raise SystemExit(f"POST {path} answered {resp.status}: {resp.getheader('Content-Type')}; body sent: {body}")
    size = sum(n for _, n in pieces)
    return {"start": t0, "head_s": head, "first_byte_s": pieces[0][0] if pieces else None, "total_s": total,
            "bytes": size, "audio_s": size / 2 / SAMPLE_RATE, "bursts": bursts(pieces)}  # pcm: 16-bit mono


def concurrent(base: str, path: str, bodies: list[dict]) -> dict:
    """Sent together (a barrier releases the threads); completion times from the first send."""
    barrier = threading.Barrier(len(bodies))
    results = [None] * len(bodies)

    def one(i):
        barrier.wait()
        results[i] = post(base, path, bodies[i])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if any(r is None for r in results):
        raise SystemExit(f"a concurrent request to {path} failed (see above)")
    first = min(r["start"] for r in results)
    done = sorted(r["start"] - first + r["total_s"] for r in results)
    return {"completions_s": done, "wall_s": done[-1], "runs": results}


def bursts(pieces, gap: float = 0.5) -> list[list[float]]:
    """Body pieces grouped where the stream paused longer than `gap`: [[arrival s, audio s], ...]."""
    out = []
    last = None
    for t, n in pieces:
        if last is None or t - last > gap:
            out.append([t, 0.0])
        out[-1][1] += n / 2 / SAMPLE_RATE
        last = t
    return out


def bench_service(base: str, voice_id: str, voice_name: str, steps: int, out: Path) -> None:
    four_text = " ".join(FOUR_SENTENCES)
    assert tokens(PARAGRAPH) <= CHUNK_TOKENS and fitted_latents(PARAGRAPH) == 640, "the paragraph is one full-window chunk"
    assert all(tokens(a) + len(b) + 1 > CHUNK_TOKENS for a, b in zip(FOUR_SENTENCES, FOUR_SENTENCES[1:])), "one chunk per sentence"
    assert len({fitted_latents(s) for s in FOUR_SENTENCES}) == 1, "the four chunks share one bucket"

    def speech(text, pinned=False, **extra):
        body = {"text": text, "voice_id": voice_id, "num_steps": steps, "seed": 1, "format": "pcm", **extra}
        if pinned:
            body["sequence_length"] = fitted_latents(text)
        return body

    def log(what, r):
        print(f"  {what}: {r['total_s']:.2f} s, {r['audio_s']:.1f} s of audio", flush=True)

    res = {"steps": steps, "sentence_latents": fitted_latents(SENTENCE), "chunk_latents": fitted_latents(FOUR_SENTENCES[0])}
    print("warm-up: one sentence, one paragraph", flush=True)
    post(base, "/v1/speech", speech(SENTENCE))
    post(base, "/v1/speech", speech(PARAGRAPH))
    for variant, pinned in (("default", False), ("pinned", True)):
        runs = []
        for i in range(3):
            runs.append(post(base, "/v1/speech", speech(SENTENCE, pinned)))
            log(f"sentence ({variant}) {i + 1}/3", runs[-1])
        res[f"sentence_{variant}"] = runs
    res["paragraph"] = [post(base, "/v1/speech", speech(PARAGRAPH))]
    log("paragraph", res["paragraph"][0])
    for variant, pinned in (("default", False), ("pinned", True)):
        c = concurrent(base, "/v1/speech", [speech(SENTENCE, pinned, seed=i) for i in range(1, 5)])
        print(f"  4 sentences ({variant}) at once: done at " + ", ".join(f"{t:.2f}" for t in c["completions_s"]) + " s", flush=True)
        res[f"four_sentences_{variant}"] = c
    c = concurrent(base, "/v1/speech", [speech(PARAGRAPH, seed=i) for i in range(1, 5)])
    print("  4 paragraphs at once: done at " + ", ".join(f"{t:.2f}" for t in c["completions_s"]) + " s", flush=True)
    res["four_paragraphs"] = c
    # Streaming: the OpenAI endpoint as a client calls it (upstream defaults: 40 steps), then /v1/speech with the same
    # defaults and sequence_length pinned to the chunks' bucket (sampled once, as if the speech ended in the window).
    streams = {"openai": ("/v1/audio/speech", {"model": "tts-1", "input": four_text, "voice": voice_name,
                                               "response_format": "pcm", "stream_format": "audio"}),
               "pinned": ("/v1/speech", {"text": four_text, "voice_id": voice_id, "format": "pcm", "seed": 1,
                                         "stream_format": "audio", "sequence_length": fitted_latents(FOUR_SENTENCES[0])})}
    for name, (path, body) in streams.items():
        r = post(base, path, body)
        print(f"  stream ({name}): headers {r['head_s']:.2f} s, first audio {r['first_byte_s']:.2f} s, end {r['total_s']:.2f} s; "
              "audio arrived " + ", ".join(f"{a:.1f} s of audio at {t:.1f} s" for t, a in r["bursts"]), flush=True)
        res[f"stream_{name}"] = r
    out.write_text(json.dumps(res, indent=1))


# ---------------------------------------------------------------- the table

def median(values):
    return statistics.median(values)


def report(work: Path) -> int:
    """Reads WORK/steps.txt ("torch|java MS" lines, in run order), WORK/service.json and WORK/run.txt; prints and
    writes WORK/report.md. Exit status 0 whatever the verdicts (a FAIL is a finding, not a broken run)."""
    rows = []  # (target, measured, verdict)

    def verdict(ok):
        return "PASS" if ok else "FAIL"

    steps = {"torch": [], "java": []}
    steps_file = work / "steps.txt"
    if steps_file.exists():
        for line in steps_file.read_text().split("\n"):
            if line.strip():
                kind, ms = line.split()
                steps[kind].append(float(ms))
    if steps["torch"] and steps["java"]:
        t, j = median(steps["torch"]), median(steps["java"])
        rows.append(("Java/ORT step <= 0.8 x PyTorch step (median of 3 interleaved runs)",
                     f"PyTorch {t:.0f} ms ({', '.join(f'{x:.0f}' for x in steps['torch'])}); "
                     f"Java/ORT {j:.0f} ms ({', '.join(f'{x:.0f}' for x in steps['java'])}); ratio {j / t:.2f}",
                     verdict(j / t <= 0.8)))
    service_file = work / "service.json"
    if service_file.exists():
        s = json.loads(service_file.read_text())
        para = s["paragraph"][0]["total_s"]
        for variant, label in (("default", "as sent"), ("pinned", f"sequence_length {s['sentence_latents']}")):
            runs = s[f"sentence_{variant}"]
            one = median([r["total_s"] for r in runs])
            rows.append((f"one sentence <= 1/4 of a 30 s paragraph ({label})",
                         f"sentence {one:.2f} s (median of 3, {runs[0]['audio_s']:.1f} s of audio) / paragraph {para:.2f} s "
                         f"= {one / para:.2f}", verdict(one / para <= 0.25)))
            four = s[f"four_sentences_{variant}"]
            rows.append((f"4 concurrent sentences >= 2x the throughput of one ({label})",
                         f"4 done at {', '.join(f'{x:.2f}' for x in four['completions_s'])} s; "
                         f"throughput 4 x {one:.2f} / {four['wall_s']:.2f} = {4 * one / four['wall_s']:.2f}x",
                         verdict(4 * one / four["wall_s"] >= 2)))
        four = s["four_paragraphs"]
        done = four["completions_s"]
        spread = (done[-1] - done[0]) / done[-1]
        rows.append(("4 concurrent 30 s paragraphs finish within 10 % of each other",
                     f"done at {', '.join(f'{x:.2f}' for x in done)} s: spread {100 * spread:.1f} %", verdict(spread <= 0.10)))
        rows.append(("4 concurrent paragraphs: throughput >= one at a time",
                     f"4 x {para:.2f} / {four['wall_s']:.2f} = {4 * para / four['wall_s']:.2f}x", verdict(4 * para / four["wall_s"] >= 1)))
        for name, label in (("openai", "/v1/audio/speech as sent"),
                            ("pinned", f"/v1/speech, sequence_length {s['chunk_latents']}")):
            r = s[f"stream_{name}"]
            ratio = r["first_byte_s"] / r["total_s"]
            rows.append((f"stream_format audio, 4 sentences (4 chunks): first audio <= 35 % of total ({label})",
                         f"first audio {r['first_byte_s']:.2f} s / end {r['total_s']:.2f} s = {100 * ratio:.0f} %; "
                         f"{len(r['bursts'])} bursts, {r['audio_s']:.1f} s of audio", verdict(ratio <= 0.35)))
    run = (work / "run.txt").read_text().strip() if (work / "run.txt").exists() else ""
    lines = ([run, ""] if run else []) + ["| target | measured | verdict |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    text = "\n".join(lines)
    (work / "report.md").write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(Path(sys.argv[2]))
    elif sys.argv[1] == "torch":
        bench_torch(Path(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1] == "service":
        bench_service(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), Path(sys.argv[6]))
    elif sys.argv[1] == "report":
        sys.exit(report(Path(sys.argv[2])))
    else:
        raise SystemExit(__doc__)
