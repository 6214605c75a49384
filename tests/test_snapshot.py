from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from raw_data import RAW as SHARED

from atlas.cli.main import main
from indicators import snapshot
from indicators.build import SNAPSHOT_LEVELS, build_snapshot, snapshot_dir
from indicators.catalogue import load_catalogue
from indicators.domains import DOMAINS
from indicators.status import Status


def test_snapshot_is_committed_small_and_complete():
    folder = snapshot_dir()
    size = sum(p.stat().st_size for p in folder.iterdir())
    # 16.6 MB since the 19 earlier vintages of the series (history indicators) joined it;
    # before, 13.1 MB
    assert size < 18e6
    for level in SNAPSHOT_LEVELS:
        assert (folder / f"{level}.parquet").exists()
    assert len(snapshot.values("regions")) == 18
    assert len(snapshot.values("departements")) == 101
    assert len(snapshot.values("communes")) == 34_875


def test_provenance_names_sources_checksums_and_unmatched_codes():
    record = snapshot.provenance()
    assert record["indicators"] == len(load_catalogue().indicators)
    for source in record["sources"]:
        assert len(source["sha256"]) == 64
        assert source["vintage"] and source["licence"]
        assert isinstance(source["harmonisation"]["unmatched_codes"], list)
    by_id = {s["id"]: s for s in record["sources"]}
    assert "codes repaired" in " ".join(by_id["rp2021_logement"]["notes"])


def test_missing_values_stay_missing():
    found = snapshot.details("communes")
    status = found.status["poverty_rate_2021"]
    # poverty rates are secret below about 1,000 households: INSEE publishes few, never 0
    assert (status == Status.PUBLISHED).mean() < 0.2
    assert found.published["poverty_rate_2021"].isna().mean() > 0.8
    # the others are estimated (with an interval) or missing, never 0 in place of a value
    estimated = status == Status.ESTIMATED
    assert estimated.mean() > 0.8
    assert (found.low["poverty_rate_2021"][estimated] <= found.value["poverty_rate_2021"][
        estimated]).all()
    assert (found.value["poverty_rate_2021"].dropna() > 0).all()
    assert found.value["poverty_rate_2021"][status.map(lambda s: Status(s).missing)].isna().all()


def test_shares_stay_within_bounds():
    catalogue = load_catalogue()
    values = snapshot.values("communes")
    for indicator in catalogue.indicators:
        if indicator.unit == "%":
            column = values[indicator.id].dropna()
            assert column.between(0, 100 + 1e-6).all(), indicator.id


def test_coverage_json_from_the_command_line(capsys):
    assert main(["indicators", "coverage", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result["domains"]) == {d.id for d in DOMAINS}
    assert result["total_indicators"] >= 40
    for entry in result["domains"].values():
        assert len(entry["indicators"]) >= 2
        assert 0 < entry["communes_share"] <= 1 and 0 < entry["population_share"] <= 1


@pytest.mark.slow
@pytest.mark.usefixtures("raw_data")
def test_rebuilding_from_the_raw_files_gives_the_committed_snapshot(tmp_path):
    build_snapshot(SHARED, tmp_path, progress=lambda line: None)
    for level in SNAPSHOT_LEVELS:
        fresh = pd.read_parquet(tmp_path / f"{level}.parquet")
        committed = pd.read_parquet(snapshot_dir() / f"{level}.parquet")
        assert list(fresh.columns) == list(committed.columns), level
        for column in fresh.columns:
            if fresh[column].dtype.kind == "f":
                np.testing.assert_allclose(fresh[column], committed[column], rtol=1e-6,
                                           err_msg=f"{level}.{column}")
            else:
                assert fresh[column].equals(committed[column]), f"{level}.{column}"
    fresh_sums = {s["id"]: s["sha256"] for s in
                  json.loads((tmp_path / "provenance.json").read_text())["sources"]}
    assert fresh_sums == {s["id"]: s["sha256"] for s in snapshot.provenance()["sources"]}


def test_a_village_s_youth_unemployment_rate_rests_on_its_young_not_on_its_population():
    """43117 (243 inhabitants): 66.7 % of its young active people are unemployed; the rate
    rests on about 20 people aged 15-24, so it carries the « faible effectif » mark."""
    from atlas.reports.indicator_table import indicator_rows

    table = pd.read_parquet(snapshot_dir() / "communes.parquet").set_index("code")
    row = table.loc["43117"]
    assert row["population"] == 243
    assert row["youth_unemployment_rate_2022__v"] == pytest.approx(66.67, abs=0.01)
    assert row["youth_unemployment_rate_2022__w"] < 30  # population aged 15-24, not 243
    assert row["youth_unemployment_rate_2022__small"]
    rows = indicator_rows("communes", "43117").set_index("id")
    assert rows.loc["youth_unemployment_rate_2022", "small"]
    assert "faible" in rows.loc["youth_unemployment_rate_2022", "short"]


def test_rates_of_a_sub_population_are_weighted_by_their_base():
    """Every weighted mean of the PTOD IRIS table names the same weight as its loader, and
    the rates of a sub-population are not weighted by the whole population."""
    catalogue = load_catalogue()
    source = catalogue.sources["ptod_iris"]
    loader_weights = source.options["weights"]
    for indicator in catalogue.indicators:
        agg = indicator.aggregation
        if indicator.source.id == "ptod_iris" and agg.method == "weighted_mean":
            assert agg.weight == loader_weights.get(agg.value, "P22_POP"), indicator.id
    by_id = {i.id: i.aggregation.weight for i in catalogue.indicators}
    assert by_id["youth_unemployment_rate_2022"] == "P22_POP1524"
    assert by_id["employment_rate_2022"] == "P22_POP1564"
    assert by_id["single_person_households"] == "men_tot_stock_22"
