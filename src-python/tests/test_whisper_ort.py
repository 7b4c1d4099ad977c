"""Whisper inference on the exported graphs with ONNX Runtime and numpy only, following the graph
contract in docs/whisper-graphs.md (what the Java service does), and its tests on real clips.
Other test modules import OrtWhisper from here."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import onnxruntime as ort


class OrtWhisper:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.manifest = json.loads((self.folder / "manifest.json").read_text())
        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        self.encoder = ort.InferenceSession(str(self.folder / "encoder.onnx"), opts, providers=["CPUExecutionProvider"])
        self.decoder = ort.InferenceSession(str(self.folder / "decoder.onnx"), opts, providers=["CPUExecutionProvider"])
        self.sp = self.manifest["special_tokens"]
        d = self.manifest["dims"]
        # One fixed-capacity self K/V slot (format_version 2): the graph reads the first `offset` positions
        # and returns only the new tokens' K/V, which the caller writes in place.
        self.cache_shape = (1, d["n_text_layer"], d["n_text_head"], d["n_text_ctx"], d["n_text_state"] // d["n_text_head"])

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

    def encode(self, feats: np.ndarray):
        return self.encoder.run(None, {"input_features": feats})

    def new_cache(self):
        return np.zeros(self.cache_shape, np.float32), np.zeros(self.cache_shape, np.float32)

    def step(self, tokens: list[int], offset: int, cache, ck, cv):
        """Decodes `tokens` at positions offset… of one row; writes their K/V into `cache` in place."""
        sk, sv = cache
        zero = np.zeros(1, np.int64)
        logits, new_k, new_v = self.decoder.run(None, {
            "tokens": np.array([tokens], np.int64), "offsets": zero + offset, "slots": zero,
            "self_k": sk, "self_v": sv, "windows": zero, "cross_k": ck, "cross_v": cv})
        sk[0, :, :, offset:offset + len(tokens)] = new_k[0]
        sv[0, :, :, offset:offset + len(tokens)] = new_v[0]
        return logits

    def detect_language(self, ck, cv) -> str:
        langs = self.manifest["languages"]
        logits = self.step([self.sp["sot"]], 0, self.new_cache(), ck, cv)
        ids = np.array(list(langs.values()))
        return list(langs)[int(np.argmax(logits[0, -1, ids]))]

    def greedy(self, feats: np.ndarray, language: str | None = None, max_tokens: int = 100) -> list[int]:
        ck, cv = self.encode(feats)
        prompt = [self.sp["sot"]]
        if self.manifest["multilingual"]:
            language = language or self.detect_language(ck, cv)
            prompt += [self.manifest["languages"][language], self.sp["transcribe"]]
        prompt.append(self.sp["no_timestamps"])
        suppress = np.array(self.manifest["suppress_tokens"])
        cache = self.new_cache()
        logits = self.step(prompt, 0, cache, ck, cv)
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
            logits = self.step([nxt], offset, cache, ck, cv)
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
    ck, cv = w.encode(w.log_mel(decode_audio(jfk_wav)))
    tokens = [w.sp["sot"], w.sp["no_timestamps"], 843, 523, 616]
    full_cache = w.new_cache()
    full = w.step(tokens, 0, full_cache, ck, cv)
    cache = w.new_cache()
    for i, t in enumerate(tokens):
        logits = w.step([t], i, cache, ck, cv)
        assert np.abs(logits[0, -1] - full[0, i]).max() < 1e-3
    for mine, whole in zip(cache, full_cache):
        assert np.abs(mine - whole).max() < 1e-4


def test_base_detects_language(exported_base, shared_dir):
    # Not fr_bonjour.wav: 1.2 s is too short for base, faster-whisper on the same weights says "ru" too.
    w = OrtWhisper(exported_base)
    for clip, lang in [("fr_dictee_numero_un.aiff", "fr"), ("ru_deepspeech_sample.wav", "ru"), ("zh_chinese.flac", "zh")]:
        ck, cv = w.encode(w.log_mel(decode_audio(shared_dir / "speech" / "short" / clip)))
        assert w.detect_language(ck, cv) == lang, clip


def test_base_transcribes_russian(exported_base, shared_dir, transcripts):
    w = OrtWhisper(exported_base)
    ids = w.greedy(w.log_mel(decode_audio(shared_dir / "speech" / "short" / "ru_deepspeech_sample.wav")))
    text = normalize(w.text(ids))
    ref = normalize(transcripts["ru_deepspeech_sample.wav"])
    common = set(text.split()) & set(ref.split())
    assert len(common) >= len(ref.split()) // 2, text  # base is a small model: most words, not all
