"""The licence allow-list (licenses/) holds for both dependency trees: the Python checker on fake
metadata and on the real export venv, and the Maven build (license-maven-plugin configured in the
root pom) on a throw-away reactor whose one dependency declares a licence nobody listed."""

from __future__ import annotations

import os
import subprocess
from email.message import Message
from pathlib import Path

import pytest

from speech_export import third_party

REPO = Path(__file__).resolve().parents[2]


def metadata(name: str, **fields: str | list[str]) -> Message:
    m = Message()
    m["Name"], m["Version"] = name, "1.0"
    for key, value in fields.items():
        for v in value if isinstance(value, list) else [value]:
            m[key.replace("_", "-")] = v
    return m


@pytest.fixture(scope="module")
def policy() -> third_party.Policy:
    return third_party.read_policy()


def test_unlisted_licence_is_reported(policy):
    pkg = third_party.package(metadata("sneaky", License_Expression="LicenseRef-Fake-Unlisted"), policy)
    assert third_party.problems([pkg], policy) == [
        "sneaky 1.0: licence 'LicenseRef-Fake-Unlisted' is not in allowed-licenses.txt"]


def test_package_without_licence_is_reported_and_listed_as_none_declared(policy):
    pkg = third_party.package(metadata("mute", License="UNKNOWN"), policy)
    assert pkg.licences == ()
    assert third_party.problems([pkg], policy) == [
        "mute 1.0: declares no licence (add it to python-overrides.txt with its source)"]
    assert "(none declared) mute (1.0)" in third_party.render([pkg])


def test_every_term_of_an_expression_must_be_allowed(policy):
    pkg = third_party.package(metadata("mixed", License_Expression="MIT AND LicenseRef-Fake-Unlisted"), policy)
    assert pkg.licences == ("MIT", "LicenseRef-Fake-Unlisted")
    assert len(third_party.problems([pkg], policy)) == 1


def test_aliases_and_classifiers_map_to_the_allow_list_names(policy):
    free_text = "Copyright (c) 2005, Someone\nAll rights reserved.\n\nRedistribution and use ..."
    cases = {
        metadata("a", License="The Apache Software License, Version 2.0"): ("Apache-2.0",),
        metadata("b", License="MPL-2.0 AND MIT"): ("MPL-2.0", "MIT"),
        metadata("c", License=free_text, Classifier="License :: OSI Approved :: BSD License"): ("BSD",),
        metadata("d", Classifier=["Programming Language :: Python",
                                  "License :: OSI Approved :: MIT License"]): ("MIT",),
    }
    for meta, want in cases.items():
        pkg = third_party.package(meta, policy)
        assert pkg.licences == want, meta["Name"]
        assert third_party.problems([pkg], policy) == []


def test_main_exits_1_and_names_the_package(policy, monkeypatch, tmp_path, capsys):
    fake = third_party.package(metadata("sneaky", License="Fake EULA"), policy)
    monkeypatch.setattr(third_party, "installed", lambda p: [fake])
    assert third_party.main(["--out", str(tmp_path / "THIRD-PARTY.txt")]) == 1
    assert "sneaky 1.0: licence 'Fake EULA'" in capsys.readouterr().err
    assert "(Fake EULA) sneaky (1.0)" in (tmp_path / "THIRD-PARTY.txt").read_text()


def test_export_venv_licences_are_all_allowed(policy):
    packages = third_party.installed(policy)
    assert {"torch", "transformers", "onnx"} <= {p.name for p in packages}
    assert third_party.problems(packages, policy) == []


# --- Maven: the root pom's license-maven-plugin configuration, on a reactor made for the test ---

_ROOT_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>dev.speech</groupId><artifactId>speech-platform</artifactId><version>0.1.0-SNAPSHOT</version>
    <relativePath>{parent}</relativePath>
  </parent>
  <groupId>licence-check</groupId><artifactId>fixture</artifactId><packaging>pom</packaging>
  <modules><module>unlisted</module><module>undeclared</module><module>service</module></modules>
</project>"""
_DEPENDENCY_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent><groupId>licence-check</groupId><artifactId>fixture</artifactId><version>0.1.0-SNAPSHOT</version></parent>
  <artifactId>{name}</artifactId><packaging>pom</packaging>
  <licenses>{licences}</licenses>
</project>"""
_SERVICE_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent><groupId>licence-check</groupId><artifactId>fixture</artifactId><version>0.1.0-SNAPSHOT</version></parent>
  <artifactId>service</artifactId>
  <dependencies>
    <dependency><groupId>licence-check</groupId><artifactId>unlisted</artifactId><version>${project.version}</version><type>pom</type></dependency>
    <dependency><groupId>licence-check</groupId><artifactId>undeclared</artifactId><version>${project.version}</version><type>pom</type></dependency>
  </dependencies>
  <build><plugins><plugin><groupId>org.codehaus.mojo</groupId><artifactId>license-maven-plugin</artifactId></plugin></plugins></build>
</project>"""


def test_maven_build_fails_on_an_unlisted_or_missing_licence(tmp_path):
    (tmp_path / "pom.xml").write_text(_ROOT_POM.format(parent=os.path.relpath(REPO / "pom.xml", tmp_path)))
    modules = {"unlisted": "<license><name>Fake Unlisted Licence 1.0</name></license>",
               # declares none of its own: an empty <licenses/> would inherit the parent's
               "undeclared": "<license><name></name></license>"}
    for name, licences in modules.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "pom.xml").write_text(_DEPENDENCY_POM.format(name=name, licences=licences))
    (tmp_path / "service").mkdir()
    (tmp_path / "service" / "pom.xml").write_text(_SERVICE_POM)

    run = subprocess.run([str(REPO / "mvnw"), "-B", "-f", str(tmp_path / "pom.xml"), "generate-resources",
                          f"-Dlicenses.dir={REPO / 'licenses'}"],
                         capture_output=True, text=True, timeout=600)
    out = run.stdout + run.stderr
    assert run.returncode != 0, out[-3000:]
    assert "There are some forbidden licenses used" in out, out[-3000:]
    assert "License: 'Fake Unlisted Licence 1.0' used by 1 dependencies" in out, out[-3000:]
    assert "unlisted (licence-check:unlisted:0.1.0-SNAPSHOT" in out
    assert "undeclared (licence-check:undeclared:0.1.0-SNAPSHOT" in out
