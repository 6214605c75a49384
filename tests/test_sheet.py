"""Territory sheet PDF (atlas.sheet): pages, French content, errors."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from atlas.sheet import build_sheet, describe
from atlas.sheet_parts import METHOD_NOTE, fr_number
from atlas.survey.model import SIMULATED_LABEL

SHEETS = {
    "communes": ("42218", "Saint-Étienne"),
    "epci": ("244200770", "Saint-Etienne Métropole"),
    "departements": ("38", "Isère"),
    "regions": ("84", "Auvergne-Rhône-Alpes"),
}


def _text(path) -> str:
    """Text of the PDF, with line breaks and no-break spaces made plain spaces."""
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    return " ".join(text.replace("\xa0", " ").split())


@pytest.fixture(scope="module", params=sorted(SHEETS))
def sheet(request, tmp_path_factory):
    level = request.param
    code, name = SHEETS[level]
    out = build_sheet(level, code, tmp_path_factory.mktemp("sheets") / f"{level}.pdf")
    return out, name


def test_sheet_has_one_or_two_pages(sheet):
    path, _ = sheet
    assert path.exists()
    assert 1 <= len(PdfReader(path).pages) <= 2


def test_sheet_text(sheet):
    path, name = sheet
    text = _text(path)
    assert name in text
    assert "Éducation" in text and "Transition énergétique" in text
    assert "Part des diplômés du supérieur" in text
    assert "Source" in text and "Millésime" in text and "rentrée 2021-2022" in text
    assert SIMULATED_LABEL in text
    assert "rang centile" in text and "moyenne arithmétique" in text
    assert " ".join(METHOD_NOTE.split()[:6]) in text
    assert "rang" in text and "sur" in text


def test_describe_parents():
    commune = describe("communes", "42218")
    assert (commune.departement, commune.region) == ("42", "84")
    assert commune.departement_name == "Loire"
    assert describe("epci", "244200770").departement == "42"
    assert describe("regions", "84").departement is None


@pytest.mark.parametrize(("level", "code", "message"), [
    ("cantons", "42218", "valid levels"),
    ("communes", "99999", "unknown code"),
    ("departements", "42218", "unknown code"),
])
def test_unknown_territory_raises(tmp_path, level, code, message):
    with pytest.raises(ValueError, match=message):
        build_sheet(level, code, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_french_numbers():
    assert fr_number(1234.5) == "1\xa0234"
    assert fr_number(12.345) == "12,3"
    assert fr_number(float("nan")) == "n.d."
