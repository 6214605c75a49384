"""One territory's record (``atlas territory``) and a level's table (``atlas data export``)."""

from __future__ import annotations

import json
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from tiers import needs_geometry

from atlas.index.composite import Method
from atlas.index.level_indices import level_indices
from atlas.reports.data_files import FORMATS, write_level
from atlas.reports.territory_record import level_rows, territory_record
from geodata.levels import parse_territory
from indicators.catalogue import load_catalogue
from indicators.domains import DOMAINS

INDICATOR_KEYS = {"value", "published", "smoothed", "computed", "unit", "source", "vintage",
                  "coverage", "reliability", "estimated", "interval", "status"}


@needs_geometry
def test_record_has_the_documented_keys():
    record = territory_record("communes", "25390", intervals=False)
    assert {"code", "name", "population", "indicators", "domains", "overall",
            "flags"} <= set(record)
    assert record["name"] == "Pays-de-Montbenoît"
    assert set(record["population"]) == {"value", "year"}
    assert set(record["indicators"]) == {i.id for i in load_catalogue().indicators}
    for entry in record["indicators"].values():
        assert set(entry) == INDICATOR_KEYS
        if entry["value"] is None:
            assert entry["status"] in {"withheld", "low_coverage", "absent",
                                       "not_comparable"}
    assert set(record["domains"]) == {d.id for d in DOMAINS}
    overall = record["overall"]
    assert {"score", "domains_count", "rank", "rank_low", "rank_high"} <= set(overall)
    result = level_indices("communes")
    assert overall["domains_count"] == int(result.domain_scores.loc["25390"].notna().sum())
    assert overall["partial"] == (overall["domains_count"] < 16)


@needs_geometry
def test_record_of_paris_with_intervals_and_official_values_above():
    record = territory_record("communes", "75056")
    overall = record["overall"]
    assert overall["rank_low"] <= overall["rank"] <= overall["rank_high"]
    violence = record["indicators"]["violence_rate"]
    assert violence["status"] == "published" and violence["value"] > 0
    creuse = territory_record("departements", "23", intervals=False)
    poverty = creuse["indicators"]["poverty_rate_2021"]
    assert poverty["status"] == "official" and poverty["value"] == pytest.approx(19.2)
    assert poverty["coverage"] == 1.0


@needs_geometry
def test_estimated_and_smoothed_values_say_so():
    record = territory_record("communes", "25390", intervals=False)
    poverty = record["indicators"]["poverty_rate_2021"]
    assert poverty["estimated"] and poverty["status"] == "estimated"
    assert poverty["published"] is None  # INSEE withholds it
    low, high = poverty["interval"]
    assert low <= poverty["value"] <= high
    facilities = record["indicators"]["health_facilities_per_1000"]
    assert facilities["smoothed"] and facilities["value"] != facilities["published"]
    assert facilities["reliability"] == "faible effectif"
    # population-weighted over its five former communes (issue: 40 % with equal weights)
    far = record["indicators"]["far_from_everyday_services"]
    assert far["value"] == pytest.approx(17.97, abs=0.01)
    assert record["population"] == {"value": 1923.0, "year": 2023}


@needs_geometry
def test_missing_is_null_never_zero():
    record = territory_record("communes", "01001", intervals=False)
    violence = record["indicators"]["violence_rate"]
    assert violence["value"] is None and violence["status"] == "withheld"


@needs_geometry
def test_unknown_territory_and_level():
    with pytest.raises(ValueError, match="unknown code"):
        territory_record("communes", "99999", intervals=False)
    with pytest.raises(ValueError, match="valid levels"):
        parse_territory("cantons:01")
    assert parse_territory("commune:25390") == ("communes", "25390")
    assert parse_territory("Région:53") == ("regions", "53")


@needs_geometry
def test_level_rows_columns_and_method():
    rows = level_rows("departements", intervals=False)
    catalogue = load_catalogue()
    assert len(rows) == 101
    expected = {"code", "name", "population", "population_year", "overall",
                "overall_domains_count"}
    expected |= {i.id for i in catalogue.indicators} | {f"domain:{d.id}" for d in DOMAINS}
    assert expected <= set(rows.columns)
    # the table's index follows the method: the regional frame's, not the national one's
    regional = level_rows("departements", Method(frame="region"), intervals=False)
    for table, method in ((rows, Method()), (regional, Method(frame="region"))):
        expected = level_indices("departements", method).overall
        np.testing.assert_allclose(table["overall"].astype(float),
                                   expected.reindex(table["code"]).astype(float))
    assert not rows["overall"].equals(regional["overall"])


@needs_geometry
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_written_with_its_sources(tmp_path, fmt):
    out = tmp_path / f"regions.{fmt}"
    paths = write_level("regions", fmt, out, intervals=False)
    assert paths[0] == out and out.stat().st_size > 0
    if fmt == "csv":
        table = pd.read_csv(out, dtype={"code": str})
        sources = pd.read_csv(paths[1])
        assert "poverty_rate_2021" in set(sources["id"])
    elif fmt == "parquet":
        table = pd.read_parquet(out)
    elif fmt == "xlsx":
        sheets = pd.read_excel(out, sheet_name=None, dtype={"code": str})
        assert {"donnees", "sources", "lire"} <= set(sheets)
        table = sheets["donnees"]
    else:
        table = gpd.read_file(out, layer="territoires")
        assert table.geometry.notna().sum() == 18
        assert len(gpd.read_file(out, layer="sources")) == len(load_catalogue().indicators)
    assert len(table) == 18 and "overall_domains_count" in table.columns
    assert table.set_index("code").loc["84", "name"] == "Auvergne-Rhône-Alpes"


def test_unknown_format():
    with pytest.raises(ValueError, match="valid formats"):
        write_level("regions", "shp", "x.shp", intervals=False)


@needs_geometry
def test_command_line_json_and_export(tmp_path):
    out = subprocess.run([sys.executable, "-m", "atlas.cli", "territory", "region:84",
                          "--json", "--no-intervals", "--frame", "france"],
                         capture_output=True, text=True, check=True)
    record = json.loads(out.stdout)
    assert record["code"] == "84" and record["method"]["frame"] == "france"
    bad = subprocess.run([sys.executable, "-m", "atlas.cli", "territory", "communes"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "LEVEL:CODE" in bad.stderr
    target = tmp_path / "deps.csv"
    done = subprocess.run([sys.executable, "-m", "atlas.cli", "data", "export", "--level",
                           "departement", "--format", "csv", "--out", str(target),
                           "--no-intervals"], capture_output=True, text=True, check=True)
    assert target.exists() and (tmp_path / "deps.sources.csv").exists()
    assert str(target) in done.stdout


@needs_geometry
def test_population_year_is_that_of_the_communes_summed():
    """A région's population is the sum of its communes' 2023 legal populations; Mayotte's
    rests on its 2017 census (the record said 2017 for every higher level)."""
    assert territory_record("regions", "76", intervals=False)["population"]["year"] == 2023
    assert territory_record("departements", "976", intervals=False)["population"]["year"] == 2017
    rows = level_rows("epci", intervals=False)
    assert set(rows["population_year"].dropna()) == {2017, 2023}
    assert rows.loc[rows["population"].notna(), "population_year"].notna().all()
