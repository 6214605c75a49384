"""The rule for real-data tests: skip for a newcomer, fail under CI."""

from __future__ import annotations

from pathlib import Path

import pytest
from _pytest.outcomes import Failed, Skipped
from raw_data import DEFAULT_RAW, RAW_ENV, in_ci, raw_folder, require_raw


def test_absent_folder_skips_without_ci(monkeypatch, tmp_path):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(Skipped, match="absent"):
        require_raw(tmp_path / "nowhere")


@pytest.mark.parametrize("value", ["true", "TRUE", "1"])
def test_absent_folder_fails_under_ci(monkeypatch, tmp_path, value):
    monkeypatch.setenv("CI", value)
    assert in_ci()
    with pytest.raises(Failed, match="CI=true but raw data folder .* absent"):
        require_raw(tmp_path / "nowhere")


def test_present_folder_is_returned(tmp_path):
    assert require_raw(tmp_path) == tmp_path


def test_the_folder_is_shared_data_beside_the_clone_unless_overridden(tmp_path):
    assert DEFAULT_RAW.parts[-2:] == ("shared", "data")
    clone = Path(__file__).resolve().parents[1]
    assert DEFAULT_RAW.parents[1] / clone.name == clone  # beside the clone
    assert raw_folder({}) == DEFAULT_RAW
    assert raw_folder({RAW_ENV: ""}) == DEFAULT_RAW
    assert raw_folder({RAW_ENV: str(tmp_path)}) == tmp_path
