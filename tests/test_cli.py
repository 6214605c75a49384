from __future__ import annotations

import json
import os
import subprocess
import sys

from atlas.cli.main import main


def test_geodata_check_prints_one_json_object(geodata_root):
    env = {**os.environ, "ATLAS_CACHE_DIR": str(geodata_root.parent)}
    out = subprocess.run([sys.executable, "-m", "atlas.cli", "geodata", "check", "--json"],
                         capture_output=True, text=True, env=env, check=True)
    summary = json.loads(out.stdout)
    for key in ["communes", "epci", "departements", "regions", "invalid", "holes_km2",
                "overlap_km2", "missing_population", "build_seconds"]:
        assert key in summary
    assert summary["invalid"] == 0
    assert summary["regions"] == 18
    assert summary["missing_population"] == 0
    assert summary["communes_without_geometry"] == ["15031", "15035", "15047", "15171"]


def test_build_is_idempotent_and_says_so(geodata_root):
    env = {**os.environ, "ATLAS_CACHE_DIR": str(geodata_root.parent)}
    out = subprocess.run([sys.executable, "-m", "atlas.cli", "geodata", "build"],
                         capture_output=True, text=True, env=env, check=True)
    assert "already built" in out.stderr


def test_no_command_prints_help(capsys):
    # in-process (the commands above run `python -m atlas.cli` in a subprocess)
    assert main([]) == 2
    assert "geodata" in capsys.readouterr().out


def test_the_command_line_answers_help_without_its_heavy_libraries():
    code = ("import sys; from atlas.cli.main import _parser; _parser(); "
            "print(sorted(m for m in ('pandas', 'numpy', 'matplotlib', 'mapclassify', "
            "'geopandas', 'shapely') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"  # imported when a command runs (bench_cli.py times it)


def test_territory_json_gives_each_series_history_and_change(geodata_root, capsys):
    """Saint-Denis (93066) absorbed Pierrefitte (93059) in 2025: every vintage on its
    2025 territory, the counts of both summed before the rate."""
    assert main(["territory", "communes:93066", "--json", "--no-intervals"]) == 0
    record = json.loads(capsys.readouterr().out)
    vacancy = record["indicators"]["vacancy_rate_2021"]
    assert [h["vintage"] for h in vacancy["history"]] == [2018, 2021]
    summed_2018 = 100 * (682.616 + 3004.187) / (11351.974 + 48627.848)
    assert abs(vacancy["history"][0]["value"] - summed_2018) < 1e-3
    change = vacancy["change"]
    assert (change["from"], change["to"]) == (2018, 2021)
    assert abs(change["value"] - (vacancy["history"][1]["value"] - summed_2018)) < 1e-3
    assert change["rank_change"] in ("more_fragile", "less_fragile", "not_significant",
                                     "not_assessed")
    assert vacancy["comparability"] == "caution" and "cinq ans" in vacancy["comparability_note"]
    unemployment = record["indicators"]["unemployment_rate_2022"]
    assert [h["vintage"] for h in unemployment["history"]] == [2011, 2016, 2018, 2022]
    # a median has no margin: its change of rank is never claimed
    assert record["indicators"]["median_income_2021"]["change"]["rank_change"] == "not_assessed"
    assert "history" not in record["indicators"]["no_bac_share"]
    # legal populations re-summed on the 2025 commune (93059 + 93066: 148,907 in 2022)
    assert record["population"]["history"][1] == {"vintage": 2022, "value": 148907}
