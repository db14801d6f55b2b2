"""Bundled models: verified by sha256, clear errors when missing or altered."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from formcheck.pose.models import MODEL_NAMES, MODEL_SHA256, ModelError, model_filename, models_dir, resolve_model


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_bundled_models_verify(name: str) -> None:
    assert resolve_model(name).is_file()


def test_sha256sums_file_matches_code() -> None:
    listed = dict(reversed(line.split()) for line in (models_dir() / "SHA256SUMS").read_text().splitlines())
    assert {model_filename(n): MODEL_SHA256[n] for n in MODEL_NAMES} == listed


def test_unknown_model_name() -> None:
    with pytest.raises(ModelError, match="choose one of lite, full, heavy"):
        resolve_model("gigantic")


def test_missing_model_names_file_and_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMCHECK_MODELS_DIR", str(tmp_path))
    with pytest.raises(ModelError, match=r"pose_landmarker_lite\.task is missing.*git checkout"):
        resolve_model("lite")


def test_altered_model_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / model_filename("lite")
    shutil.copyfile(models_dir() / model_filename("lite"), copy)
    with copy.open("r+b") as handle:
        handle.seek(1000)
        handle.write(b"\x00\x01\x02")
    monkeypatch.setenv("FORMCHECK_MODELS_DIR", str(tmp_path))
    with pytest.raises(ModelError, match="damaged or altered"):
        resolve_model("lite")
