"""The pre-check: every source's file, columns and year, before loading anything."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from raw_data import RAW as DATA
from tiers import needs_data

from indicators.build import build_snapshot
from indicators.catalogue import load_catalogue
from indicators.precheck import PrecheckError, check_sources, require_sources

FILOSOFI = "insee/filosofi_2021/cc_filosofi_2021_COM.csv"


def mirror(tmp_path: Path, replace: dict[str, bytes | Path | None]) -> Path:
    """A raw folder of links to the real files, some replaced (bytes, another file) or
    removed (``None``)."""
    root = tmp_path / "raw"
    for file in DATA.rglob("*"):
        if file.is_dir():
            continue
        relative = file.relative_to(DATA).as_posix()
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if relative not in replace:
            target.symlink_to(file)
    for relative, content in replace.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        elif content is not None:
            target.symlink_to(content)
    return root


def filosofi_as(year: int) -> bytes:
    """The Filosofi 2021 file with the column suffixes of another year."""
    text = (DATA / FILOSOFI).read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    yy = f"{year % 100:02d}"
    return ("\n".join([";".join(c[:-2] + yy if c.endswith("21") else c
                                for c in header.split(";")), rest])).encode()


@needs_data
def test_the_real_raw_folder_passes():
    report = require_sources(DATA)
    assert not report.problems and len(report.sources) == len(load_catalogue().sources)
    checked = {s.source: s for s in report.sources}
    assert checked["filosofi_2021"].declared_year == 2021
    assert checked["ssmsi_2024"].declared_year == 2024
    assert checked["ot_mobilite"].declared_year == 2021
    assert checked["ntd_bpe"].declared_year is None  # declares no year
    assert all(s.columns_checked > 0 for s in report.sources)


@needs_data
def test_a_2019_ssmsi_file_where_2024_is_expected_is_refused(tmp_path):
    raw = mirror(tmp_path, {"ssmsi/communes/2024.json": DATA / "ssmsi/communes/2019.json"})
    problems = check_sources(raw).problems
    assert [(p.source, p.kind, p.declared, p.expected) for p in problems] == [
        ("ssmsi_2024", "year", 2019, 2024)]
    assert "--year ssmsi_2024=2019" in problems[0].message
    with pytest.raises(PrecheckError, match="ssmsi_2024.*declares the year 2019"):
        build_snapshot(raw, tmp_path / "out", progress=lambda line: None)
    assert not (tmp_path / "out").exists()  # failed before loading or writing anything


@needs_data
def test_every_problem_is_listed_at_once(tmp_path):
    broken = (DATA / FILOSOFI).read_bytes().replace(b"MED21", b"MEDIAN21", 1)
    raw = mirror(tmp_path, {FILOSOFI: broken,
                            "sante/apl_mg_2023/Accessibilite_potentielle_localisee_mg_2023.txt":
                            None})
    with pytest.raises(PrecheckError) as info:
        require_sources(raw)
    problems = info.value.report.problems
    assert [(p.source, p.kind) for p in problems] == [("apl_2023", "missing file"),
                                                      ("filosofi_2021", "missing column")]
    assert problems[1].column == "MED21" and "MEDIAN21" in problems[1].close
    message = str(info.value)
    assert "2 problem(s) in 2 source(s)" in message and "MEDIAN21" in message


@needs_data
def test_another_filosofi_year_is_refused_then_read_with_year(tmp_path):
    raw = mirror(tmp_path, {FILOSOFI: filosofi_as(2019)})
    problems = check_sources(raw).problems
    assert [(p.source, p.kind, p.declared) for p in problems] == [
        ("filosofi_2021", "year", 2019)]
    other = mirror(tmp_path / "b", {"insee/filosofi_2019/cc_filosofi_2019_COM.csv":
                                    filosofi_as(2019)})
    catalogue = load_catalogue().with_years({"filosofi_2021": 2019})
    assert not check_sources(other, catalogue).problems
    pointed = load_catalogue().with_years({"filosofi_2021": 2019},
                                          {"filosofi_2021": str(raw / FILOSOFI)})
    assert not check_sources(DATA, pointed).problems


@needs_data
def test_the_file_size_bound_is_checked(tmp_path):
    small = load_catalogue().with_years(max_bytes=2_000_000)
    problems = check_sources(DATA, small).problems
    assert {p.kind for p in problems} == {"too large"}
    assert "filosofi_2021" in {p.source for p in problems}
    assert "--max-file-size" in problems[0].message


@needs_data
def test_cli_check(tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "atlas.cli", "indicators", "check",
                               *args], capture_output=True, text=True, env={**os.environ})

    ok = run("--raw", str(DATA), "--json")
    assert ok.returncode == 0 and json.loads(ok.stdout)["ok"] is True
    raw = mirror(tmp_path, {FILOSOFI: filosofi_as(2019)})
    bad = run("--raw", str(raw))
    assert bad.returncode == 1 and "--year filosofi_2021=2019" in bad.stdout
    wrong = run("--raw", str(DATA), "--year", "filosofi_2021=deux")
    assert wrong.returncode == 2 and "is not a year" in wrong.stderr
