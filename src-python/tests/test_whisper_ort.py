"""Whisper inference on the exported graphs with ONNX Runtime and numpy only, following the graph
contract in docs/whisper-graphs.md (what the Java service does), and its tests on real clips.
Other test modules import OrtWhisper from here."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import onnxruntime as ort

from speech_export.whisper.contract import OneRow


class OrtWhisper:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.manifest = json.loads((self.folder / "manifest.json").read_text())
        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        self.encoder = ort.InferenceSession(str(self.folder / "encoder.onnx"), opts, providers=["CPUExecutionProvider"])
        self.decoder = ort.InferenceSession(str(self.folder / "decoder.onnx"), opts, providers=["CPUExecutionProvider"])
        self.sp = self.manifest["special_tokens"]
        self.n_layer = self.manifest["dims"]["n_text_layer"]

    def log_mel(self, audio: np.ndarray) -> np.ndarray:
        """Log-mel with numpy and the exported mel_filters.f32 (Whisper's recipe: periodic Hann 400, hop 160)."""
        n_mels = self.manifest["dims"]["n_mels"]
        filters = np.fromfile(self.folder / "mel_filters.f32", dtype="<f4").reshape(n_mels, 201)
        audio = np.pad(audio[:480000], (0, max(0, 480000 - len(audio))))
        padded = np.pad(audio, 200, mode="reflect")
        window = np.hanning(401)[:-1].astype(np.float64)
        frames = np.lib.stride_tricks.sliding_window_view(padded, 400)[::160][:3000]
        power = np.abs(np.fft.rfft(frames * window, axis=-1)) ** 2
        mel = filters.astype(np.float64) @ power.T
        log = np.log10(np.maximum(mel, 1e-10))
        log = np.maximum(log, log.max() - 8.0)
        return ((log + 4.0) / 4.0).astype(np.float32)[None]

    def encode(self, feats: np.ndarray) -> list[np.ndarray]:
        """cross_k_<l> then cross_v_<l> of every layer, [1, n_head, 1500, head_dim] each."""
        return self.encoder.run(None, {"input_features": feats})

    def new_row(self, cross) -> OneRow:
        """One decoder row over its own fixed-capacity self K/V (format_version 3): the graph reads the
        first `offset` positions and returns only the new tokens' K/V, which OneRow writes in place."""
        return OneRow(self.decoder, cross, self.n_layer, self.manifest["dims"]["n_text_ctx"])

    def detect_language(self, cross) -> str:
        langs = self.manifest["languages"]
        logits = self.new_row(cross).step([self.sp["sot"]], 0)
        ids = np.array(list(langs.values()))
        return list(langs)[int(np.argmax(logits[0, -1, ids]))]

    def greedy(self, feats: np.ndarray, language: str | None = None, max_tokens: int = 100) -> list[int]:
        cross = self.encode(feats)
        prompt = [self.sp["sot"]]
        if self.manifest["multilingual"]:
            language = language or self.detect_language(cross)
            prompt += [self.manifest["languages"][language], self.sp["transcribe"]]
        prompt.append(self.sp["no_timestamps"])
        suppress = np.array(self.manifest["suppress_tokens"])
        decoder = self.new_row(cross)
        logits = decoder.step(prompt, 0)
        offset = len(prompt)
        out: list[int] = []
        for i in range(max_tokens):
            row = logits[0, -1].copy()
            row[suppress] = -np.inf
            if i == 0:
                row[self.manifest["begin_suppress_tokens"]] = -np.inf
            nxt = int(row.argmax())
            if nxt == self.sp["eot"]:
                break
            out.append(nxt)
            logits = decoder.step([nxt], offset)
            offset += 1
        return out

    def text(self, ids: list[int]) -> str:
        from tokenizers import Tokenizer
        tok = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        return tok.decode([i for i in ids if i < self.sp["eot"]]).strip()


def normalize(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())


# ---------------------------------------------------------------------------------------------- tests
from speech_export.whisper.audio import decode_audio, log_mel  # noqa: E402


def test_numpy_log_mel_with_exported_filters_matches_feature_extractor(exported_tiny_en, jfk_wav):
    audio = decode_audio(jfk_wav)
    ours = OrtWhisper(exported_tiny_en).log_mel(audio)
    ref = log_mel(audio, 80)
    assert ours.shape == ref.shape == (1, 80, 3000)
    assert np.abs(ours - ref).max() < 1e-3


def test_greedy_ort_decode_of_jfk(exported_tiny_en, jfk_wav, transcripts):
    w = OrtWhisper(exported_tiny_en)
    text = w.text(w.greedy(w.log_mel(decode_audio(jfk_wav))))
    assert normalize(text) == normalize(transcripts["en_jfk.wav"]), text


def test_prompt_in_one_call_equals_token_by_token(exported_tiny_en, jfk_wav):
    """offset 0 with several tokens vs one token per call with the cache: same logits, same cache."""
    w = OrtWhisper(exported_tiny_en)
    cross = w.encode(w.log_mel(decode_audio(jfk_wav)))
    tokens = [w.sp["sot"], w.sp["no_timestamps"], 843, 523, 616]
    whole_row = w.new_row(cross)
    full = whole_row.step(tokens, 0)
    row = w.new_row(cross)
    for i, t in enumerate(tokens):
        logits = row.step([t], i)
        assert np.abs(logits[0, -1] - full[0, i]).max() < 1e-3
    for mine, whole in zip(row.self_k + row.self_v, whole_row.self_k + whole_row.self_v):
        assert np.abs(mine - whole).max() < 1e-4


def test_base_detects_language(exported_base, shared_dir):
    # Not fr_bonjour.wav: 1.2 s is too short for base, faster-whisper on the same weights says "ru" too.
    w = OrtWhisper(exported_base)
    for clip, lang in [("fr_dictee_numero_un.aiff", "fr"), ("ru_deepspeech_sample.wav", "ru"), ("zh_chinese.flac", "zh")]:
        assert w.detect_language(w.encode(w.log_mel(decode_audio(shared_dir / "speech" / "short" / clip)))) == lang, clip


def test_base_transcribes_russian(exported_base, shared_dir, transcripts):
    w = OrtWhisper(exported_base)
    ids = w.greedy(w.log_mel(decode_audio(shared_dir / "speech" / "short" / "ru_deepspeech_sample.wav")))
    text = normalize(w.text(ids))
    ref = normalize(transcripts["ru_deepspeech_sample.wav"])
    common = set(text.split()) & set(ref.split())
    assert len(common) >= len(ref.split()) // 2, text  # base is a small model: most words, not all


def test_batched_rows_over_slots_and_windows_equal_each_row_alone(exported_tiny_en, shared_dir):
    """One call over three rows at different offsets, in slots 2, 0 and 3 of a four-slot cache (slot 1
    idle), two of them reading the same window (a beam's rows), the third another window: each row's
    logits and new K/V equal the row decoded alone."""
    w = OrtWhisper(exported_tiny_en)
    clips = ["en_jfk.wav", "en_platforms.wav"]
    cross = [w.encode(w.log_mel(decode_audio(shared_dir / "speech" / "short" / c))) for c in clips]
    prompts = [[w.sp["sot"], w.sp["no_timestamps"], 843, 523], [w.sp["sot"], w.sp["no_timestamps"]],
               [w.sp["sot"], w.sp["no_timestamps"], 1002]]
    row_window, row_slot, next_token = [0, 0, 1], [2, 0, 3], [616, 50, 220]
    alone = [w.new_row(cross[row_window[b]]) for b in range(3)]
    for b, row in enumerate(alone):
        row.step(prompts[b], 0)
    n_layer = w.n_layer
    self_k = [np.zeros((4, *alone[0].self_k[0].shape[1:]), np.float32) for _ in range(2 * n_layer)]
    for b, row in enumerate(alone):
        for i in range(n_layer):
            self_k[i][row_slot[b]] = row.self_k[i][0]
            self_k[n_layer + i][row_slot[b]] = row.self_v[i][0]
    feed = {"tokens": np.array(next_token, np.int64)[:, None], "offsets": np.array([len(p) for p in prompts], np.int64),
            "slots": np.array(row_slot, np.int64), "window_rows": np.array([[0, 1], [2, 3]], np.int64),
            "reads": np.zeros((3, 1), np.int64)}
    names = [f"{s}_{i}" for s in ("self_k", "self_v", "cross_k", "cross_v") for i in range(n_layer)]
    windows = [np.concatenate([cross[0][j], cross[1][j]]) for j in range(2 * n_layer)]
    logits, new_k, _ = w.decoder.run(None, feed | dict(zip(names, self_k + windows)))
    for b, row in enumerate(alone):
        offset = len(prompts[b])
        ref = row.step([next_token[b]], offset)
        assert np.abs(logits[b, 0] - ref[0, 0]).max() < 1e-4, b
        assert np.abs(new_k[b, 0, :, 0] - row.self_k[0][0, :, offset]).max() < 1e-5, b
