"""A source's year as a parameter: files, columns, vintage and texts follow it."""

from __future__ import annotations

import json

import pytest

from indicators.catalogue import (
    CatalogueError,
    catalogue_of_snapshot,
    load_catalogue,
    parse_catalogue,
)


def test_the_catalogue_as_written_is_at_its_own_years():
    catalogue = load_catalogue()
    filosofi = catalogue.sources["filosofi_2021"]
    assert (filosofi.year, filosofi.catalogue_year) == (2021, 2021)
    assert filosofi.file == "insee/filosofi_2021/cc_filosofi_2021_COM.csv"
    assert filosofi.vintage == "revenus 2021"
    assert filosofi.options["columns"]["MED21"] == "MED{yy}"
    assert filosofi.options["year"] == 2021
    assert catalogue.sources["caf_2020"].year is None  # its file declares no year


def test_another_year_moves_file_columns_vintage_and_texts():
    catalogue = load_catalogue().with_years({"filosofi_2021": 2019,
                                             "comparateur_2018": 2019})
    filosofi = catalogue.sources["filosofi_2021"]
    assert (filosofi.year, filosofi.vintage) == (2019, "revenus 2019")
    assert filosofi.file == "insee/filosofi_2019/cc_filosofi_2019_COM.csv"
    assert filosofi.dataset.startswith("Filosofi 2019")
    assert filosofi.options["year"] == 2019
    median = catalogue.by_id("median_income_2021")  # ids are identifiers: they stay
    assert median.description.endswith(", 2019.") and median.aggregation.value == "MED21"
    employment = catalogue.by_id("employment_change_2013_2018")
    assert employment.label == "Évolution de l'emploi 2014-2019"
    assert catalogue.sources["comparateur_2018"].vintage == (
        "RP 2019, Filosofi 2020, établissements 2019 (géographie 2022)")
    # the other sources are untouched
    assert catalogue.by_id("gini_2019").source.vintage == "revenus 2019"
    assert catalogue.by_id("violence_rate").source is catalogue.sources["ssmsi_2024"]
    assert load_catalogue().by_id("median_income_2021").description.endswith(", 2021.")


def test_files_and_size_bound():
    catalogue = load_catalogue().with_years(paths={"caf_2020": "/elsewhere/caf.csv"},
                                            max_bytes=10)
    assert catalogue.sources["caf_2020"].file == "/elsewhere/caf.csv"
    assert catalogue.sources["filosofi_2021"].options["max_bytes"] == 10
    assert "max_bytes" not in catalogue.sources["caf_2020"].options  # its loader has none


@pytest.mark.parametrize(("years", "message"), [
    ({"nowhere": 2020}, "unknown source 'nowhere'"),
    ({"caf_2020": 2021}, "declare no year"),
])
def test_years_that_cannot_be_asked_for(years, message):
    with pytest.raises(CatalogueError, match=message):
        load_catalogue().with_years(years)


def _minimal(columns):
    source = {"producer": "INSEE", "dataset": "d {year}", "vintage": "{year}", "licence": "LO",
              "file": "f_{year}.csv", "loader": "insee_csv.load_insee_csv",
              "raw_level": "commune", "year": 2021, "columns": columns}
    indicator = {"id": "x", "label": "X", "description": "d 2021", "domain": "education",
                 "unit": "%", "direction": "higher_is_more_fragile", "source": "s",
                 "aggregation": {"method": "ratio", "numerator": "A21",
                                 "denominator": "commune_population"}}
    return {"sources": {"s": source}, "indicators": [indicator]}


def test_the_columns_of_a_source_must_cover_its_indicators():
    assert parse_catalogue(_minimal(["A{yy}"])).sources["s"].file == "f_2021.csv"
    with pytest.raises(CatalogueError, match="column 'A21' is not among the columns"):
        parse_catalogue(_minimal(["B{yy}"]))
    data = _minimal(["A{yy}"])
    del data["sources"]["s"]["year"]
    with pytest.raises(CatalogueError, match="placeholders"):
        parse_catalogue(data)


def test_the_catalogue_of_a_snapshot_has_the_years_it_was_built_with(tmp_path):
    default = catalogue_of_snapshot()  # the committed snapshot: the catalogue's own years
    assert default.sources["filosofi_2021"].year == 2021
    records = [{"id": "filosofi_2021", "vintage": "revenus 2019",
                "file": "insee/filosofi_2019/cc_filosofi_2019_COM.csv"},
               {"id": "ssmsi_2024", "vintage": "2024", "file": "ssmsi/communes/2024.json"},
               {"id": "comparateur_2018", "year": 2019, "vintage": "?",
                "file": "/data/comparateur.zip"}]
    (tmp_path / "provenance.json").write_text(json.dumps({"sources": records}),
                                              encoding="utf-8")
    catalogue = catalogue_of_snapshot(tmp_path)
    assert catalogue.sources["filosofi_2021"].vintage == "revenus 2019"
    assert catalogue.by_id("poverty_rate_2021").description.endswith(", 2019.")
    assert catalogue.sources["ssmsi_2024"].year == 2024
    assert catalogue.sources["comparateur_2018"].year == 2019
    assert catalogue.sources["comparateur_2018"].file == "/data/comparateur.zip"
