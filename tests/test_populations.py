from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from geodata import populations

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def test_supplement_is_committed_with_its_source():
    table = populations.read_supplement()
    assert len(table) == 18
    assert table["code"].str.fullmatch(r"\d{5}").all()
    assert (table["population"] > 0).all()
    assert table["source"].str.contains("SSMSI").all()


def test_fill_keeps_missing_values_missing():
    communes = pd.DataFrame({"code": ["01001", "97611", "99999"],
                             "population": pd.array([10, None, None], dtype="Int64")})
    supplement = pd.DataFrame({"code": ["97611"], "population": pd.array([5], dtype="Int64"),
                               "source": ["SSMSI"]})
    out = populations.fill_populations(communes, supplement)
    assert out["population"].tolist()[:2] == [10, 5]
    assert out["population"].isna().tolist() == [False, False, True]
    assert out["population_source"].tolist()[:2] == [populations.PRIMARY_SOURCE, "SSMSI"]
    assert pd.isna(out["population_source"].iloc[2])


def test_extract_refuses_a_file_without_population_column(tmp_path):
    path = tmp_path / populations.SSMSI_FILE
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"columns": ["insee", "pop"], "rows": [["97611", 1]]}))
    with pytest.raises(ValueError, match="2024.json.*'population'"):
        populations.extract_supplement(tmp_path, ["97611"])


@pytest.mark.usefixtures("raw_data")
def test_committed_supplement_matches_the_raw_file():
    committed = populations.read_supplement()
    fresh = populations.extract_supplement(SHARED, committed["code"].tolist())
    pd.testing.assert_frame_equal(fresh, committed)
