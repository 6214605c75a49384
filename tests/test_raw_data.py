"""The rule for real-data tests: skip for a newcomer, fail under CI."""

from __future__ import annotations

import pytest
from _pytest.outcomes import Failed, Skipped
from raw_data import RAW, in_ci, require_raw


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
    assert RAW.name == "data" and RAW.parent.name == "shared"
