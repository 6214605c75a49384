"""Regional and national reports (PDF): structure, figures, values, command line.

The reports are built once per région on the real geometry and snapshot, and read back
with pypdf: pages, section titles, images per page, and the text.
"""

from __future__ import annotations

import json
import re

import pytest
from pypdf import PdfReader

import french
from atlas.cli.main import main
from atlas.reports import regional_report
from atlas.reports.national_report import SECTIONS as NATIONAL_SECTIONS
from atlas.reports.regional_report import SECTIONS
from indicators.domains import DOMAIN_BY_ID

REGIONS = ("76", "53")  # Occitanie, Bretagne


@pytest.fixture(scope="module")
def reports(geodata_root, tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    out = {}
    for code in REGIONS:
        path = folder / f"{code}.pdf"
        assert main(["report", "region", "--code", code, "--out", str(path)]) == 0
        out[code] = PdfReader(path)
    return out


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """Text with every kind of space and line break made one plain space."""
    return re.sub(r"[\s\u202f\u00a0]+", " ", text)


def record(code: str, capsys) -> dict:
    capsys.readouterr()
    assert main(["territory", f"regions:{code}", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("code", REGIONS)
def test_structure_titles_and_figures(reports, code):
    reader = reports[code]
    assert 8 <= len(reader.pages) <= 14
    text = flat(text_of(reader))
    for title in SECTIONS:
        assert text.count(title) >= 2  # in the table of contents and as a heading
    images = [len(page.images) for page in reader.pages]
    assert images.count(4) == 2  # two pages of four maps (overall and 3 domains × 2 levels)
    assert sum(images) == 9  # and the profile chart
    assert "Sommaire" in flat(reader.pages[0].extract_text())


@pytest.mark.parametrize("code", REGIONS)
def test_no_none_nor_nan_and_sources_labelled(reports, code):
    text = flat(text_of(reports[code]))
    assert "None" not in text
    assert not re.search(r"\bnan\b", text, re.IGNORECASE)
    assert "non représentatives de la population" in text  # Grand Débat's caveat
    assert "données simulées à titre d'illustration" in text
    assert "Échantillon simulé" in text
    assert "IMPACT-Citoyens, octobre 2019" in text and "81 %" in text
    assert "Contexte national" in text


@pytest.mark.parametrize("code", REGIONS)
def test_values_equal_atlas_territory_json(reports, code, capsys):
    data = record(code, capsys)
    text = flat(text_of(reports[code]))
    overall = data["overall"]
    assert (f"Indice global de fragilité : {french.number(overall['score'], 2)} "
            in text)
    assert f"rang {french.rank(overall['rank'], overall['frame_size'], ' ')}" in text
    assert french.rank_interval(overall["rank_low"], overall["rank_high"], " ") in text
    assert french.population(data["population"]["value"], " ") in text
    for ident, score in data["domains"].items():
        label = flat(DOMAIN_BY_ID[ident].label)
        assert f"{label} {french.number(score, 2, ' ')}" in text, ident
    for ident in ("median_income_2021", "poverty_rate_2021", "associations_per_1000"):
        entry = data["indicators"][ident]
        assert french.quantity(entry["value"], entry["unit"], space=" ") in text, ident


def test_cli_batch_and_errors(geodata_root, tmp_path, capsys, monkeypatch):
    assert main(["report", "region", "--code", "99", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "unknown région '99'" in capsys.readouterr().err
    assert main(["report", "region", "--all", "--out", str(tmp_path / "x.pdf")]) == 2
    assert not (tmp_path / "x.pdf").exists()
    written = []
    monkeypatch.setattr(regional_report, "build_region_report",
                        lambda code, out, method=None: written.append(out) or out)
    assert main(["report", "region", "--all", "--out-dir", str(tmp_path)]) == 0
    assert len(written) == 18
    assert written[0].name == "rapport-region-01-guadeloupe.pdf"


def test_national_report(geodata_root, tmp_path):
    out = tmp_path / "france.pdf"
    assert main(["report", "france", "--out", str(out)]) == 0
    reader = PdfReader(out)
    text = flat(text_of(reader))
    for title in NATIONAL_SECTIONS:
        assert text.count(title) >= 2
    assert sum(len(page.images) for page in reader.pages) == 5  # the grid and 4 maps
    assert "Occitanie" in text and "Bretagne" in text
    assert "None" not in text and not re.search(r"\bnan\b", text, re.IGNORECASE)
