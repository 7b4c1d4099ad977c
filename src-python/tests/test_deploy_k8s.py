"""Kubernetes manifests (docker/k8s): every built-in object validated strictly (unknown fields
rejected) against the Kubernetes OpenAPI schemas bundled in the pinned `kubernetes-validate`
package, for the oldest and newest versions we target; KEDA ScaledObjects checked against a
hand-written structural schema of the fields we use (the KEDA CRD is not shipped by any package
registry we can reach); plus the settings the services rely on."""

from __future__ import annotations

import copy
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

K8S = Path(__file__).resolve().parents[2] / "docker" / "k8s"
VERSIONS = ["1.30.0", "1.33.0"]
MANIFESTS = sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
PORTS = {"speech-asr": 8080, "speech-tts": 8081}
SHUTDOWN_DELAY_SECONDS = 5  # quarkus.shutdown.delay (speech-runtime)
LONGEST_REQUEST_SECONDS = 600  # speech.queue.timeout


def docs(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


ALL = [d for p in MANIFESTS for d in docs(p)]


def by_kind(kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in ALL if d["kind"] == kind}


def container(deployment: dict) -> dict:
    (c,) = deployment["spec"]["template"]["spec"]["containers"]
    return c


# The subset of keda.sh/v1alpha1 ScaledObject we use; extra fields are rejected so typos show.
SCALED_OBJECT = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "keda.sh/v1alpha1"},
        "kind": {"const": "ScaledObject"},
        "metadata": {"type": "object", "required": ["name"]},
        "spec": {
            "type": "object",
            "required": ["scaleTargetRef", "triggers"],
            "additionalProperties": False,
            "properties": {
                "scaleTargetRef": {
                    "type": "object", "required": ["name"], "additionalProperties": False,
                    "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                                   "name": {"type": "string"}, "envSourceContainerName": {"type": "string"}},
                },
                "minReplicaCount": {"type": "integer", "minimum": 0},
                "maxReplicaCount": {"type": "integer", "minimum": 1},
                "pollingInterval": {"type": "integer", "minimum": 1},
                "cooldownPeriod": {"type": "integer", "minimum": 0},
                "idleReplicaCount": {"type": "integer", "minimum": 0},
                "advanced": {
                    "type": "object", "additionalProperties": False,
                    "properties": {
                        "restoreToOriginalReplicaCount": {"type": "boolean"},
                        "horizontalPodAutoscalerConfig": {
                            "type": "object", "additionalProperties": False,
                            "properties": {"name": {"type": "string"}, "behavior": {"type": "object"}},
                        },
                    },
                },
                "fallback": {"type": "object"},
                "triggers": {
                    "type": "array", "minItems": 1,
                    "items": {
                        "type": "object", "required": ["type", "metadata"], "additionalProperties": False,
                        "properties": {
                            "type": {"type": "string"}, "name": {"type": "string"},
                            "metricType": {"enum": ["AverageValue", "Value", "Utilization"]},
                            "authenticationRef": {"type": "object", "required": ["name"]},
                            # trigger metadata values are strings in the CRD
                            "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
                        },
                    },
                },
            },
        },
    },
}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("doc", [d for d in ALL if not d["apiVersion"].startswith("keda.sh/")],
                         ids=lambda d: f"{d['kind']}/{d['metadata']['name']}")
def test_builtin_objects_validate_strictly(doc, version):
    kubernetes_validate.validate(doc, version, strict=True)


def test_strict_validation_is_real():
    """Negative control: a misspelt field and a wrong type are rejected."""
    bad = copy.deepcopy(by_kind("Deployment")["speech-asr"])
    container(bad)["readinessprobe"] = container(bad).pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, VERSIONS[-1], strict=True)
    bad = copy.deepcopy(by_kind("Deployment")["speech-asr"])
    bad["spec"]["replicas"] = "one"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, VERSIONS[-1], strict=True)


@pytest.mark.parametrize("name", PORTS)
def test_deployments(name):
    d = by_kind("Deployment")[name]
    pod = d["spec"]["template"]["spec"]
    c = container(d)
    port = PORTS[name]
    assert c["ports"] == [{"name": "http", "containerPort": port}]
    assert {"name": "QUARKUS_HTTP_PORT", "value": str(port)} in c["env"]
    assert c["resources"]["limits"]["nvidia.com/gpu"] == 1 and c["resources"]["requests"]["nvidia.com/gpu"] == 1
    probes = {k: c[k]["httpGet"]["path"] for k in ("startupProbe", "readinessProbe", "livenessProbe")}
    assert probes == {"startupProbe": "/q/health/started", "readinessProbe": "/q/health/ready",
                      "livenessProbe": "/q/health/live"}
    assert all(c[k]["httpGet"]["port"] == "http" for k in probes)
    assert c["envFrom"] == [{"configMapRef": {"name": "speech-config"}}]
    key = next(e for e in c["env"] if e["name"] == "SPEECH_API_KEY")["valueFrom"]["secretKeyRef"]
    assert key == {"name": "speech-api-key", "key": "api-key", "optional": True}
    shutdown_timeout = int(by_kind("ConfigMap")["speech-config"]["data"]["QUARKUS_SHUTDOWN_TIMEOUT"].removesuffix("s"))
    assert shutdown_timeout >= LONGEST_REQUEST_SECONDS, "a drain lets the longest request finish"
    assert pod["terminationGracePeriodSeconds"] > SHUTDOWN_DELAY_SECONDS + shutdown_timeout
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert all(c[k]["timeoutSeconds"] >= 5 for k in ("startupProbe", "readinessProbe", "livenessProbe"))
    started = c["startupProbe"]
    assert started["failureThreshold"] * started["periodSeconds"] >= 600, "10 min for the default model's load and warm-up"
    tmp = next(v for v in pod["volumes"] if v["name"] == "tmp")
    assert tmp["emptyDir"]["sizeLimit"]
    anti = pod["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0]["podAffinityTerm"]
    assert anti["topologyKey"] == "kubernetes.io/hostname" and anti["labelSelector"]["matchLabels"] == d["spec"]["selector"]["matchLabels"]
    (wait,) = pod["initContainers"]
    assert "manifest.json" in wait["command"][-1] and wait["volumeMounts"][0]["mountPath"] == "/models"
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] == 10001
    mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
    assert mounts["/models"].get("readOnly") is True and "/tmp" in mounts
    claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"] if "persistentVolumeClaim" in v}
    assert claims["models"] == "speech-models"
    if name == "speech-tts":
        assert claims["data"] == "speech-data" and "/data" in mounts
    ann = d["spec"]["template"]["metadata"]["annotations"]
    assert ann["prometheus.io/path"] == "/q/metrics" and ann["prometheus.io/port"] == str(port)


@pytest.mark.parametrize("name", PORTS)
def test_services_select_their_deployment(name):
    s = by_kind("Service")[name]
    d = by_kind("Deployment")[name]
    assert s["spec"]["selector"].items() <= d["spec"]["template"]["metadata"]["labels"].items()
    assert s["spec"]["ports"] == [{"name": "http", "port": PORTS[name], "targetPort": "http"}]


def test_config_and_secret():
    config = by_kind("ConfigMap")["speech-config"]["data"]
    assert {"SPEECH_ORT_PROVIDER", "ASR_MODELS_DIR", "ASR_DEFAULT_MODEL", "TTS_MODELS_DIR", "TTS_DATA_DIR"} <= set(config)
    assert all(isinstance(v, str) for v in config.values())
    secret = by_kind("Secret")["speech-api-key"]
    assert secret["stringData"]["api-key"] == "", "the shipped key is empty (= off), never a real one"


def test_export_job_fills_the_models_claim():
    job = by_kind("Job")["speech-export"]
    pod = job["spec"]["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    assert any(v.get("persistentVolumeClaim", {}).get("claimName") == "speech-models" for v in pod["volumes"])
    assert not any(m.get("readOnly") for m in pod["containers"][0]["volumeMounts"])
    env = {e["name"]: e.get("value") for e in pod["containers"][0]["env"]}
    assert env["ECHO_TTS_PRECISION"] == "fp16", "the 2.4 B DiT in half the memory"
    assert env["ASR_EXPORT_PRECISION"] == "fp32", "every export path names its precision"


def test_tts_runs_one_replica_replaced_with_recreate():
    """Its H2 voice database is held by one process: no surge pod, no scale-out, a RWO volume."""
    tts = by_kind("Deployment")["speech-tts"]["spec"]
    assert tts["replicas"] == 1 and tts["strategy"] == {"type": "Recreate"}
    assert "speech-tts" not in by_kind("ScaledObject")
    assert by_kind("PersistentVolumeClaim")["speech-data"]["spec"]["accessModes"] == ["ReadWriteOnce"]
    asr = by_kind("Deployment")["speech-asr"]["spec"]
    assert asr["strategy"]["rollingUpdate"] == {"maxUnavailable": 1, "maxSurge": 0}, "no spare GPU needed"
    assert "replicas" not in asr, "KEDA owns the replica count"


@pytest.mark.parametrize("name", PORTS)
def test_disruption_budgets(name):
    pdb = by_kind("PodDisruptionBudget")[name]
    assert pdb["spec"]["selector"]["matchLabels"] == by_kind("Deployment")[name]["spec"]["selector"]["matchLabels"]
    assert pdb["spec"]["maxUnavailable"] == 1


def test_models_claim_names_an_rwx_storage_class():
    claim = by_kind("PersistentVolumeClaim")["speech-models"]["spec"]
    assert claim["accessModes"] == ["ReadWriteMany"] and claim["storageClassName"] == "nfs-csi"


def test_export_job_can_write_nfs_volumes():
    """fsGroup is ignored on NFS: a root init step with only CHOWN hands the folder to the export user."""
    pod = by_kind("Job")["speech-export"]["spec"]["template"]["spec"]
    (owner,) = pod["initContainers"]
    assert owner["command"] == ["chown", "10001:10001", "/models"]
    assert owner["securityContext"]["capabilities"] == {"drop": ["ALL"], "add": ["CHOWN"]}
    assert pod["containers"][0]["securityContext"]["runAsNonRoot"] is True


def test_keda_scales_asr_on_queue_depth():
    name = "speech-asr"
    so = by_kind("ScaledObject")[name]
    jsonschema.validate(so, SCALED_OBJECT)
    target = so["spec"]["scaleTargetRef"]
    assert target["kind"] == "Deployment" and target["name"] in by_kind("Deployment")
    (trigger,) = so["spec"]["triggers"]
    assert trigger["type"] == "prometheus"
    assert set(trigger["metadata"]) >= {"serverAddress", "query", "threshold"}
    assert trigger["metadata"]["query"] == 'sum(speech_queue_depth{queue="asr"})'
    float(trigger["metadata"]["threshold"])
    assert 1 <= so["spec"]["minReplicaCount"] <= so["spec"]["maxReplicaCount"]
    down = so["spec"]["advanced"]["horizontalPodAutoscalerConfig"]["behavior"]["scaleDown"]
    assert down["stabilizationWindowSeconds"] >= LONGEST_REQUEST_SECONDS


def test_keda_structural_schema_rejects_mistakes():
    so = copy.deepcopy(by_kind("ScaledObject")["speech-asr"])
    so["spec"]["triggers"][0]["metadata"]["threshold"] = 4
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(so, SCALED_OBJECT)
    so = copy.deepcopy(by_kind("ScaledObject")["speech-asr"])
    so["spec"]["maxReplicas"] = so["spec"].pop("maxReplicaCount")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(so, SCALED_OBJECT)


def test_kustomization_lists_every_manifest():
    k = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert sorted(k["resources"]) == sorted(p.name for p in MANIFESTS)
    assert any(d["kind"] == "Namespace" and d["metadata"]["name"] == k["namespace"] for d in ALL)


# ---- the TTS scale-out overlay (docker/k8s/tts-scale-out): rendered here as kustomize would ----------

OVERLAY = K8S / "tts-scale-out"


def json_patch(doc: dict, ops: list[dict]) -> None:
    """RFC 6902 add/replace/remove, the subset the overlay uses; a missing path fails as in kustomize."""
    for op in ops:
        *parents, last = [p.replace("~1", "/").replace("~0", "~") for p in op["path"].split("/")[1:]]
        node = doc
        for p in parents:
            node = node[int(p)] if isinstance(node, list) else node[p]
        if isinstance(node, list):
            if op["op"] == "add":
                node.append(op["value"]) if last == "-" else node.insert(int(last), op["value"])
            elif op["op"] == "replace":
                node[int(last)] = op["value"]
            else:
                del node[int(last)]
        else:
            if op["op"] in ("replace", "remove"):
                assert last in node, op["path"]
            if op["op"] == "remove":
                del node[last]
            else:
                node[last] = op["value"]


def render_overlay() -> list[dict]:
    k = yaml.safe_load((OVERLAY / "kustomization.yaml").read_text())
    assert k["resources"][0] == "../"
    out = copy.deepcopy(ALL) + [d for r in k["resources"][1:] for d in docs(OVERLAY / r)]
    for p in k["patches"]:
        t = p["target"]
        (target,) = [d for d in out if d["kind"] == t["kind"] and d["metadata"]["name"] == t["name"]]
        patch = yaml.safe_load(p["patch"])
        if isinstance(patch, list):
            json_patch(target, patch)
        else:
            assert patch["$patch"] == "delete" and patch["kind"] == t["kind"]
            out.remove(target)
    return out


SCALE_OUT = render_overlay()


@pytest.mark.parametrize("version", VERSIONS)
def test_scale_out_objects_validate_strictly(version):
    for doc in SCALE_OUT:
        if doc["apiVersion"].startswith("keda.sh/"):
            jsonschema.validate(doc, SCALED_OBJECT)
        else:
            kubernetes_validate.validate(doc, version, strict=True)


def test_scale_out_runs_tts_replicas_on_postgres_and_s3():
    objects = {(d["kind"], d["metadata"]["name"]): d for d in SCALE_OUT}
    tts = objects[("Deployment", "speech-tts")]
    assert "replicas" not in tts["spec"], "KEDA owns the count"
    assert tts["spec"]["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}
    c = container(tts)
    assert {"secretRef": {"name": "speech-tts-storage"}} in c["envFrom"]
    assert {"configMapRef": {"name": "speech-tts-storage"}} in c["envFrom"]
    volumes = {v["name"]: v for v in tts["spec"]["template"]["spec"]["volumes"]}
    assert "emptyDir" in volumes["data"] and "persistentVolumeClaim" not in volumes["data"]
    assert ("PersistentVolumeClaim", "speech-data") not in objects, "no volume that one pod owns"
    storage = objects[("ConfigMap", "speech-tts-storage")]["data"]
    assert storage["TTS_STORAGE_DATABASE_URL"].startswith("jdbc:postgresql://") and storage["TTS_STORAGE_BLOBS"] == "s3"
    assert not any("PASSWORD" in k or "SECRET" in k or "ACCESS_KEY" in k for k in storage), "credentials only in the Secret"
    scaled = objects[("ScaledObject", "speech-tts")]
    assert scaled["spec"]["minReplicaCount"] >= 2
    assert scaled["spec"]["triggers"][0]["metadata"]["query"] == 'sum(speech_queue_depth{queue="tts"})'
    assert objects[("PodDisruptionBudget", "speech-tts")]["spec"]["maxUnavailable"] == 1
