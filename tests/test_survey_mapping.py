"""The survey mapping file: template, validation, errors naming the file and the key."""

from __future__ import annotations

import copy
import dataclasses
from datetime import date

import pytest
import yaml

import atlas.perception.survey.mapping
from atlas.perception.survey.mapping import (
    TEMPLATE,
    AggregateMapping,
    Field,
    MappingError,
    RespondentMapping,
    load_mapping,
    load_template,
    normalize_key,
    parse_mapping,
)

BASE = {
    "survey": {"name": "Enquête test"},
    "waves": [{"id": "w1", "name": "Vague 1", "start": "2024-01-08", "end": "2024-01-20",
               "mode": "CAWI"}],
    "columns": {"respondent_id": "ID", "actor": {"constant": "citoyen"},
                "territory_code": "CODE", "territory_level": {"constant": "commune"},
                "weight": "POIDS"},
    "dimensions": {"ranks": {"societal": "R1", "economic": "R2", "social": "R3",
                             "environmental": "R4"}},
}


def mapping_with(**changes) -> dict:
    """BASE with top-level keys replaced (None removes the key)."""
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def columns_with(**changes) -> dict:
    columns = copy.deepcopy(BASE["columns"])
    columns.update(changes)
    return mapping_with(columns=columns)


def test_template_parses_into_a_respondent_mapping():
    mapping = load_template()
    assert isinstance(mapping, RespondentMapping)
    assert mapping.name.startswith("IMPACT-Citoyens 2019")
    assert mapping.waves[0].start == date(2019, 10, 1)
    assert mapping.waves[0].actors == ("citoyen",)
    assert mapping.wave == Field(constant="2019-10")
    assert mapping.territory_code.zero_pad
    assert mapping.actor.values["2"] == "elu"
    assert mapping.dimensions.ranks["economic"] == "Q3_RANG_ECONOMIQUE"
    assert mapping.domains.choices == ("Q5_PREMIER", "Q5_DEUXIEME")
    assert sorted(mapping.domains.values.values()) == sorted(
        atlas.perception.survey.mapping.ITEMS["domain"])


def test_template_loads_from_a_copied_file(tmp_path):
    path = tmp_path / "enquete.yaml"
    path.write_text(TEMPLATE.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_mapping(path) == dataclasses.replace(load_template(), source=str(path))


def test_template_commented_aggregate_example_parses():
    # the example runs from "# form: aggregates" to the next bare "#" line
    lines = TEMPLATE.read_text(encoding="utf-8").split("\n# form: aggregates\n", 1)[1]
    example = lines.split("\n#\n", 1)[0].splitlines()
    block = "form: aggregates\n" + "\n".join(line[2:] for line in example)
    mapping = parse_mapping(yaml.safe_load(block), source="template")
    assert isinstance(mapping, AggregateMapping)
    assert mapping.share_unit == "percent"
    assert mapping.fields["item"].values["Économique"] == "dimension:economic"


def test_minimal_mapping_and_defaults():
    mapping = parse_mapping(BASE, source="m.yaml")
    assert mapping.source == "m.yaml"
    assert mapping.wave == Field(constant="w1")
    assert mapping.weight == Field(column="POIDS")
    assert mapping.domains is None
    assert mapping.file.header_row == 1 and mapping.file.separator is None
    assert mapping.columns() == {"ID": "columns.respondent_id", "CODE": "columns.territory_code",
                                 "POIDS": "columns.weight", "R1": "dimensions",
                                 "R2": "dimensions", "R3": "dimensions", "R4": "dimensions"}


def test_mapping_is_frozen():
    mapping = parse_mapping(BASE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        mapping.name = "autre"
    with pytest.raises(TypeError):
        mapping.dimensions.ranks["societal"] = "X"


def test_values_keys_are_text_and_normalised():
    mapping = parse_mapping(columns_with(actor={"column": "TYPE", "values": {
        1: "citoyen", 2.0: "elu", "Chef d'entreprise": "entreprise"}}))
    assert dict(mapping.actor.values) == {"1": "citoyen", "2": "elu",
                                          "Chef d'entreprise": "entreprise"}


@pytest.mark.parametrize(("data", "key", "words"), [
    (mapping_with(colums={}), "colums", "unknown key"),
    (columns_with(actr="TYPE"), "columns.actr", "unknown key"),
    (columns_with(weight={"column": "P", "scale": 2}), "columns.weight.scale", "unknown key"),
    (mapping_with(dimensions={"ranks": {"societale": "R1"}}), "dimensions.ranks.societale",
     "unknown dimension 'societale'"),
    (mapping_with(domains={"ranks": {"sante": "D1"}}), "domains.ranks.sante",
     "unknown domain 'sante'"),
    (mapping_with(domains={"choices": ["C1"], "values": {"1": "santé"}}), "domains.values.1",
     "unknown id 'santé'"),
    (mapping_with(dimensions={"ranks": {"societal": "R1"}, "choices": ["C1"]}), "dimensions",
     "either 'ranks'"),
    (mapping_with(dimensions={"choices": ["C1"], "order": 1}), "dimensions.order",
     "unknown key"),
    (mapping_with(dimensions=None), "dimensions", "dimensions, of the domains"),
    (columns_with(actor={"column": "T", "values": {"1": "maire"}}), "columns.actor.values.1",
     "unknown id 'maire'"),
    (columns_with(actor={"constant": "maire"}), "columns.actor.constant", "unknown id"),
    (columns_with(actor={"column": "T", "values": {True: "citoyen"}}), "columns.actor.values",
     "quote it"),
    (columns_with(actor={"column": "T", "values": {"Élu": "elu", "elu": "citoyen"}}),
     "columns.actor.values.elu", "same file value"),
    (columns_with(territory_level={"constant": "canton"}), "columns.territory_level.constant",
     "unknown id 'canton'"),
    (columns_with(weight={"constant": 0}), "columns.weight.constant", "positive number"),
    (columns_with(weight={"column": "P", "constant": 1}), "columns.weight", "either"),
    (columns_with(respondent_id={"constant": "x"}), "columns.respondent_id", "unknown key"),
    (columns_with(weight=None), "columns.weight", "missing"),
    (columns_with(territory_code="POIDS"), "columns.weight", "already used"),
    (mapping_with(dimensions={"ranks": {"societal": "R1", "economic": "R1"}}), "dimensions",
     "already used"),
    (mapping_with(waves=None), "waves", "missing"),
    (mapping_with(waves=[{**BASE["waves"][0], "mode": "web"}]), "waves['w1'].mode",
     "must be one of"),
    (mapping_with(waves=[{**BASE["waves"][0], "end": "2023-12-31"}]), "waves['w1'].end",
     "before start"),
    (mapping_with(waves=[{**BASE["waves"][0], "start": "8 janvier"}]), "waves['w1'].start",
     "YYYY-MM-DD"),
    (mapping_with(waves=[{**BASE["waves"][0], "actors": ["maire"]}]), "waves['w1'].actors",
     "actors among"),
    (mapping_with(waves=[BASE["waves"][0], {**BASE["waves"][0], "id": "w2"}]), "columns.wave",
     "several waves"),
    (columns_with(wave={"constant": "w9"}), "columns.wave.constant", "unknown id 'w9'"),
    (mapping_with(file={"separator": ":"}), "file.separator", "must be"),
    (mapping_with(file={"encoding": "klingon"}), "file.encoding", "unknown encoding"),
    (mapping_with(file={"header_row": 0}), "file.header_row", "≥ 1"),
    (mapping_with(form="tableau"), "form", "must be one of"),
    (mapping_with(survey=None), "survey", "missing"),
])
def test_errors_name_the_file_and_the_key(data, key, words):
    with pytest.raises(MappingError) as error:
        parse_mapping(data, source="enquete.yaml")
    message = str(error.value)
    assert message.startswith(f"enquete.yaml: {key}"), message
    assert words in message


def test_load_mapping_reports_yaml_errors_with_the_path(tmp_path):
    path = tmp_path / "casse.yaml"
    path.write_text("survey: {name: [\n", encoding="utf-8")
    with pytest.raises(MappingError, match="casse.yaml: not valid YAML"):
        load_mapping(path)
    path.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(MappingError, match="casse.yaml: the file must be a YAML mapping"):
        load_mapping(path)
    with pytest.raises(MappingError, match="absent.yaml: cannot read"):
        load_mapping(tmp_path / "absent.yaml")


def test_aggregate_mapping():
    data = {"form": "aggregates", "survey": {"name": "IMPACT 2019"}, "share_unit": "percent",
            "columns": {"territory_code": {"constant": "FR"},
                        "territory_level": {"constant": "france"},
                        "actor": {"constant": "tous"},
                        "item": {"column": "DIM", "values": {"Sociétale": "dimension:societal"}},
                        "measure": {"constant": "first"}, "share": "PART"}}
    mapping = parse_mapping(data, source="agg.yaml")
    assert isinstance(mapping, AggregateMapping)
    assert mapping.fields["n_unweighted"] is None and mapping.fields["n_effective"] is None
    assert mapping.columns() == {"DIM": "columns.item", "PART": "columns.share"}
    with pytest.raises(MappingError, match="agg.yaml: share_unit: must be one of"):
        parse_mapping({**data, "share_unit": "pourcent"}, source="agg.yaml")
    bad = copy.deepcopy(data)
    bad["columns"]["item"]["values"]["Sociale"] = "dimension:sociale"
    with pytest.raises(MappingError, match=r"agg.yaml: columns.item.values.Sociale: unknown id"):
        parse_mapping(bad, source="agg.yaml")
    with pytest.raises(MappingError, match="agg.yaml: dimensions: unknown key"):
        parse_mapping({**data, "dimensions": {}}, source="agg.yaml")


def test_identity_aggregate_mapping():
    mapping = AggregateMapping.identity("t", ("territory_code", "share", "n_unweighted"))
    assert mapping.fields["n_unweighted"] == Field(column="n_unweighted")
    assert mapping.fields["n_effective"] is None
    assert mapping.fields["territory_code"].zero_pad


def test_normalize_key():
    assert normalize_key(" Sociétale ") == normalize_key("SOCIETALE") == "societale"
    assert normalize_key("007") == normalize_key(7) == normalize_key(7.0) == "7"
    assert normalize_key("2A") == "2a"
