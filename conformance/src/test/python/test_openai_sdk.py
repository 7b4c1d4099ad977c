"""The official OpenAI Python SDK against the packaged services (ASR_URL, TTS_URL set by ConformanceIT).

Run by ConformanceIT with ``python -m unittest``; every call goes through the SDK's own request
building (multipart fields, Accept headers) and its own error mapping (typed exceptions).
"""
import concurrent.futures
import os
import re
import unittest
from pathlib import Path

import base64
import json
import urllib.request
import uuid
import openai
from openai import OpenAI

SPEECH = Path(os.environ["SPEECH_SHARED_DIR"]) / "speech"
JFK = SPEECH / "short" / "en_jfk.wav"
BONJOUR = SPEECH / "short" / "fr_bonjour.wav"


def asr() -> OpenAI:
    # max_retries=0: the SDK would otherwise retry 429/5xx and hide them from the error tests
    return OpenAI(base_url=os.environ["ASR_URL"] + "/v1", api_key="unused", max_retries=0, timeout=300)


def tts() -> OpenAI:
    return OpenAI(base_url=os.environ["TTS_URL"] + "/v1", api_key="unused", max_retries=0, timeout=300)


def words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z ]", " ", text.lower()).split())


class Transcriptions(unittest.TestCase):

    def test_json_is_the_default(self):
        with JFK.open("rb") as f:
            t = asr().audio.transcriptions.create(model="whisper-1", file=f)
        self.assertIsInstance(t, openai.types.audio.Transcription)
        self.assertIn("ask not what your country can do for you", words(t.text))

    def test_text_srt_vtt(self):
        client = asr()
        for fmt, marker in (("text", "country"), ("srt", "00:00:00,000 --> "), ("vtt", "WEBVTT")):
            with self.subTest(fmt), JFK.open("rb") as f:
                out = client.audio.transcriptions.create(model="tiny.en", file=f, response_format=fmt)
                self.assertIsInstance(out, str)
                self.assertIn(marker, out)
                self.assertIn("country", out.lower())

    def test_verbose_json_with_segment_timestamps_language_prompt_temperature(self):
        with JFK.open("rb") as f:
            v = asr().audio.transcriptions.create(model="tiny.en", file=f, response_format="verbose_json",
                                                  timestamp_granularities=["segment"], language="en",
                                                  prompt="President Kennedy's inaugural address.", temperature=0.0)
        self.assertIsInstance(v, openai.types.audio.TranscriptionVerbose)
        self.assertEqual("en", v.language)
        self.assertAlmostEqual(11.0, v.duration, delta=0.05)
        self.assertTrue(v.segments)
        self.assertLessEqual(v.segments[-1].end, 11.05)
        self.assertIn("fellow americans", words(v.text))

    def test_streamed_transcription_yields_deltas_then_the_non_streamed_text(self):
        with JFK.open("rb") as f:
            events = list(asr().audio.transcriptions.create(model="whisper-1", file=f, stream=True))
        with JFK.open("rb") as f:
            plain = asr().audio.transcriptions.create(model="whisper-1", file=f)
        deltas = [e for e in events[:-1] if e.type == "transcript.text.delta"]
        self.assertEqual(len(events) - 1, len(deltas), [e.type for e in events])
        self.assertEqual("transcript.text.done", events[-1].type)
        self.assertEqual(plain.text, "".join(d.delta for d in deltas))
        self.assertEqual(plain.text, events[-1].text)

    def test_streamed_long_file_yields_deltas_while_later_windows_decode(self):
        """The 173 s file: deltas arrive while the decoder is still working on later windows (its step count
        grows after the first delta), and the streamed text is the non-streamed one."""
        long_file = SPEECH / "long" / "en_concat_ground_truth_long.wav"

        def decoder_steps() -> float:
            metrics = urllib.request.urlopen(os.environ["ASR_URL"] + "/q/metrics", timeout=30).read().decode()
            counts = re.findall(r'speech_engine_rows_per_step_count\{engine="asr-[^"]+-decoder",?\} (\S+)', metrics)
            self.assertTrue(counts, "no decoder step count in /q/metrics")
            return sum(float(c) for c in counts)

        steps_at_first_delta, events = None, []
        with long_file.open("rb") as f:
            for event in asr().audio.transcriptions.create(model="whisper-1", file=f, stream=True):
                if steps_at_first_delta is None and event.type == "transcript.text.delta":
                    steps_at_first_delta = decoder_steps()
                events.append(event)
        steps_at_done = decoder_steps()
        with long_file.open("rb") as f:
            plain = asr().audio.transcriptions.create(model="whisper-1", file=f)
        deltas = [e for e in events[:-1] if e.type == "transcript.text.delta"]
        self.assertGreaterEqual(len(deltas), 10, [e.type for e in events])
        self.assertGreater(steps_at_done, steps_at_first_delta, "no decoder step after the first delta: nothing came early")
        self.assertEqual("transcript.text.done", events[-1].type)
        self.assertEqual(plain.text, events[-1].text)
        self.assertEqual(plain.text, "".join(d.delta for d in deltas))

    def test_word_timestamps_return_words(self):
        with JFK.open("rb") as f:
            v = asr().audio.transcriptions.create(model="tiny.en", file=f, response_format="verbose_json",
                                                  timestamp_granularities=["word"])
        self.assertIsInstance(v, openai.types.audio.TranscriptionVerbose)
        self.assertGreater(len(v.words), 20)
        self.assertEqual("And", v.words[0].word.strip())
        self.assertTrue(all(a.start <= b.start for a, b in zip(v.words, v.words[1:])))
        self.assertTrue(all(0 <= w.start <= w.end <= 11.05 for w in v.words))
        with JFK.open("rb") as f:
            both = asr().audio.transcriptions.create(model="tiny.en", file=f, response_format="verbose_json",
                                                     timestamp_granularities=["word", "segment"])
        self.assertTrue(both.segments and len(both.words) == len(v.words))

    def test_unknown_granularity_is_refused_with_the_param_named(self):
        with JFK.open("rb") as f, self.assertRaises(openai.BadRequestError) as e:
            asr().audio.transcriptions.create(model="tiny.en", file=f, response_format="verbose_json",
                                              timestamp_granularities=["sentence"])
        self.assertEqual(400, e.exception.status_code)
        self.assertEqual("timestamp_granularities[]", e.exception.param)

    def test_bad_temperature_language_and_format_are_typed_400s(self):
        client = asr()
        # (an unknown response_format is the Node suite's: this SDK checks it before sending)
        for kwargs, param in (({"temperature": 3.0}, "temperature"), ({"language": "xx"}, "language")):
            with self.subTest(param), JFK.open("rb") as f, self.assertRaises(openai.BadRequestError) as e:
                client.audio.transcriptions.create(model="tiny.en", file=f, **kwargs)
            self.assertEqual(param, e.exception.param)
            self.assertTrue(e.exception.code)

    def test_not_audio_is_a_bad_request_on_file(self):
        with self.assertRaises(openai.BadRequestError) as e:
            asr().audio.transcriptions.create(model="tiny.en", file=("notes.wav", b"this is not audio", "audio/wav"))
        self.assertEqual("invalid_audio", e.exception.code)
        self.assertEqual("file", e.exception.param)

    def test_unknown_model_is_not_found(self):
        with JFK.open("rb") as f, self.assertRaises(openai.NotFoundError) as e:
            asr().audio.transcriptions.create(model="whisper-huge-v9", file=f)
        self.assertEqual("model_not_found", e.exception.code)
        self.assertIn("tiny.en", str(e.exception.body))

    def test_a_full_queue_is_a_rate_limit_error_with_retry_after(self):
        # ConformanceIT starts the ASR service with one worker, a queue of one and one request admitted at
        # once: of six requests sent at once, the others cannot be admitted
        def transcribe(_):
            with JFK.open("rb") as f:
                return asr().audio.transcriptions.create(model="tiny.en", file=f, response_format="text")

        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            outcomes = [f.exception() for f in [pool.submit(transcribe, i) for i in range(6)]]
        limited = [e for e in outcomes if isinstance(e, openai.RateLimitError)]
        self.assertTrue(limited, f"no RateLimitError among {outcomes}")
        self.assertIn(limited[0].code, {"busy", "queue_full"})  # refused at admission, or by a full queue
        self.assertTrue(limited[0].response.headers.get("retry-after"))
        self.assertTrue(any(e is None for e in outcomes), f"every request failed: {outcomes}")


class Translations(unittest.TestCase):

    def test_french_into_english(self):
        with BONJOUR.open("rb") as f:
            t = asr().audio.translations.create(model="base", file=f)
        self.assertTrue(t.text.strip())

    def test_text_format_and_english_only_model_refused(self):
        with BONJOUR.open("rb") as f:
            out = asr().audio.translations.create(model="base", file=f, response_format="text")
        self.assertIsInstance(out, str)
        with BONJOUR.open("rb") as f, self.assertRaises(openai.BadRequestError) as e:
            asr().audio.translations.create(model="tiny.en", file=f)
        self.assertEqual("model", e.exception.param)


class Models(unittest.TestCase):

    def test_list_and_retrieve(self):
        ids = [m.id for m in asr().models.list()]
        self.assertIn("tiny.en", ids)
        self.assertIn("base", ids)
        self.assertEqual("tiny.en", asr().models.retrieve("tiny.en").id)
        self.assertIn("echo-tts-tiny", [m.id for m in tts().models.list()])
        self.assertEqual("echo-tts-tiny", tts().models.retrieve("echo-tts-tiny").id)

    def test_retrieve_unknown_is_not_found(self):
        for client in (asr(), tts()):
            with self.assertRaises(openai.NotFoundError) as e:
                client.models.retrieve("nope")
            self.assertEqual("model_not_found", e.exception.code)


MAGIC = {
    "mp3": lambda b: b[:3] == b"ID3" or (b[0] == 0xFF and b[1] & 0xE0 == 0xE0),
    "wav": lambda b: b[:4] == b"RIFF" and b[8:12] == b"WAVE",
    "flac": lambda b: b[:4] == b"fLaC",
    "opus": lambda b: b[:4] == b"OggS" and b"OpusHead" in b[:64],
    "aac": lambda b: b[0] == 0xFF and b[1] & 0xF6 == 0xF0,
    "pcm": lambda b: len(b) % 2 == 0,
}
MEDIA = {"mp3": "audio/mpeg", "wav": "audio/wav", "flac": "audio/flac", "opus": "audio/ogg", "aac": "audio/aac", "pcm": "audio/L16"}


class Speech(unittest.TestCase):
    voice = None

    @classmethod
    def setUpClass(cls):
        # OpenAI has no voice upload: this service's own multipart endpoint, with the standard library
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nsdk-python-jfk\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"jfk.wav\"\r\n"
                f"Content-Type: audio/wav\r\n\r\n").encode() + JFK.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
        request = urllib.request.Request(os.environ["TTS_URL"] + "/v1/voices", data=body, method="POST",
                                         headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        with urllib.request.urlopen(request, timeout=120) as r:
            assert r.status == 201, r.status
            cls.voice = json.load(r)["name"]  # the OpenAI endpoint takes a voice id or name

    def test_every_response_format_returns_that_audio_and_speed_shortens(self):
        # The SDK sends Accept: application/octet-stream: the service answered 406 before issue 11.
        # Each synthesis is slow on CPU, so one call per format, mp3 through the default, and one more for speed.
        client = tts()
        durations = {}
        for fmt in MAGIC:
            with self.subTest(fmt):
                kwargs = {} if fmt == "mp3" else {"response_format": fmt}
                r = client.audio.speech.with_raw_response.create(model="tts-1", voice=self.voice, input="Hello there.", **kwargs)
                audio = r.content
                self.assertEqual(200, r.status_code)
                self.assertTrue(r.headers["content-type"].startswith(MEDIA[fmt]), r.headers["content-type"])
                self.assertGreater(len(audio), 100)
                self.assertTrue(MAGIC[fmt](audio), audio[:16])
                durations[fmt] = float(r.headers["x-audio-duration"])
        fast = client.audio.speech.with_raw_response.create(model="tts-1", voice=self.voice, input="Hello there.",
                                                            response_format="wav", speed=2.0)
        self.assertLess(abs(float(fast.headers["x-audio-duration"]) - durations["wav"] / 2), 0.1)

    def test_stream_format_audio_streams_the_encoded_clip(self):
        with tts().audio.speech.with_streaming_response.create(model="tts-1", voice=self.voice, input="Hello there.",
                                                               response_format="wav", stream_format="audio") as r:
            self.assertEqual(200, r.status_code)
            self.assertTrue(r.headers["content-type"].startswith("audio/wav"), r.headers["content-type"])
            audio = b"".join(r.iter_bytes())
        self.assertTrue(MAGIC["wav"](audio), audio[:16])
        self.assertGreater(len(audio), 1000)

    def test_stream_format_sse_sends_audio_deltas_then_done(self):
        with tts().audio.speech.with_streaming_response.create(model="tts-1", voice=self.voice, input="Hello there.",
                                                               response_format="pcm", stream_format="sse") as r:
            self.assertEqual(200, r.status_code)
            self.assertTrue(r.headers["content-type"].startswith("text/event-stream"), r.headers["content-type"])
            events = [json.loads(line[len("data: "):]) for line in r.iter_lines() if line.startswith("data: ")]
        types = [e["type"] for e in events]
        self.assertGreater(len(types), 1, types)
        self.assertEqual(["speech.audio.delta"] * (len(types) - 1) + ["speech.audio.done"], types)
        pcm = b"".join(base64.b64decode(e["audio"]) for e in events[:-1])
        self.assertGreater(len(pcm), 1000)
        self.assertEqual(0, len(pcm) % 2, "16-bit samples")
        self.assertGreater(events[-1]["audio_duration"], 0)

    def test_errors_are_typed_with_code_and_param(self):
        client = tts()
        with self.assertRaises(openai.NotFoundError) as e:
            client.audio.speech.create(model="tts-1", voice="alloy", input="x")
        self.assertEqual("voice_not_found", e.exception.code)
        with self.assertRaises(openai.BadRequestError) as e:
            client.audio.speech.create(model="tts-1", voice=self.voice, input="x", speed=5.0)
        self.assertEqual("speed", e.exception.param)
        with self.assertRaises(openai.BadRequestError) as e:
            client.audio.speech.create(model="tts-1", voice=self.voice, input="x", response_format="wma")
        self.assertEqual("response_format", e.exception.param)
        with self.assertRaises(openai.BadRequestError) as e:
            client.audio.speech.create(model="gpt-4o-mini-tts", voice=self.voice, input="x", instructions="whisper it")
        self.assertEqual("instructions", e.exception.param)
        with self.assertRaises(openai.NotFoundError) as e:
            client.audio.speech.create(model="no-such-model", voice=self.voice, input="x")
        self.assertEqual("model_not_found", e.exception.code)


if __name__ == "__main__":
    unittest.main()
