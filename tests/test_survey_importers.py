"""Importers of survey files: CSV, XLSX, SAV and published tables, with their rejections."""

from __future__ import annotations

import copy
import io

import numpy as np
import pandas as pd
import pyreadstat
import pytest
import small_geodata
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tiers import examples

from atlas.perception.survey.importers import (
    FileTooLarge,
    ImportRejected,
    SurveyFileError,
    import_aggregates,
    import_survey,
)
from atlas.perception.survey.mapping import parse_mapping
from atlas.perception.survey.model import (
    ACTORS,
    AGGREGATE_COLUMNS,
    DIMENSION_COLUMNS,
    DOMAIN_COLUMNS,
    RESPONDENT_COLUMNS,
)
from geodata import store
from indicators.domains import DIMENSIONS, DOMAINS

DIMENSION_IDS = [d.id for d in DIMENSIONS]
DOMAIN_IDS = [d.id for d in DOMAINS]
RANK_COLUMNS = {"societal": "Q3_SOC", "economic": "Q3_ECO", "social": "Q3_SOCIALE",
                "environmental": "Q3_ENV"}
MAPPING = {
    "survey": {"name": "Baromètre test 2024", "notes": ["échantillon test"]},
    "waves": [{"id": "2024-03", "name": "Vague de mars 2024", "start": "2024-03-04",
               "end": "2024-03-15", "mode": "CATI"}],
    "columns": {"respondent_id": "ID", "actor": {"column": "TYPE", "values": {
        "1": "citoyen", "2": "elu", "3": "entreprise", "4": "association"}},
        "territory_code": "CODE", "territory_level": {"column": "NIVEAU"}, "weight": "POIDS"},
    "dimensions": {"ranks": RANK_COLUMNS},
    "domains": {"choices": ["Q5_1", "Q5_2"]},
}
HEADER = ["ID", "TYPE", "CODE", "NIVEAU", "POIDS", *RANK_COLUMNS.values(), "Q5_1", "Q5_2"]
ROWS = [
    ["r1", "1", "84", "region", "1.25", "1", "2", "3", "4", "Santé", "education"],
    ["r2", "2", "38185", "commune", "0.5", "2", "1", "", "", "employment", ""],
    ["r3", "3", "38", "departement", "2", "", "", "", "", "", ""],
    ["r4", "4", "2A004", "commune", "1", "4", "3", "2", "1", "Mal-logement", "poverty"],
]


def mapping(**changes):
    data = copy.deepcopy(MAPPING)
    data.update(changes)
    return parse_mapping(data, source="enquete.yaml")


def write_csv(path, rows, header=HEADER, sep=";", encoding="utf-8", decimal="."):
    lines = [sep.join(header)] + [
        sep.join(c.replace(".", decimal) if c.replace(".", "").isdigit() else c for c in row)
        for row in rows]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def imported(tmp_path, rows, **kwargs):
    """Import ROWS-like rows from a CSV and return the rejection exception."""
    path = write_csv(tmp_path / "enquete.csv", rows)
    with pytest.raises(ImportRejected) as error:
        import_survey(path, mapping(**kwargs.pop("mapping", {})), **kwargs)
    return error.value


def expected_respondents() -> pd.DataFrame:
    frame = pd.DataFrame({
        "respondent_id": ["r1", "r2", "r3", "r4"],
        "actor": ["citoyen", "elu", "entreprise", "association"],
        "wave": ["2024-03"] * 4,
        "territory_code": ["84", "38185", "38", "2A004"],
        "territory_level": ["region", "commune", "departement", "commune"],
        "weight": [1.25, 0.5, 2.0, 1.0]})
    dims = [[1, 2, 3, 4], [2, 1, None, None], [None] * 4, [4, 3, 2, 1]]
    for j, column in enumerate(DIMENSION_COLUMNS):
        frame[column] = pd.array([d[j] for d in dims], dtype="Int64")
    for column in DOMAIN_COLUMNS:
        frame[column] = pd.array([pd.NA] * 4, dtype="Int64")
    frame.loc[0, "rank_dom_health"] = 1
    frame.loc[0, "rank_dom_education"] = 2
    frame.loc[1, "rank_dom_employment"] = 1
    frame.loc[3, "rank_dom_housing"] = 1
    frame.loc[3, "rank_dom_poverty"] = 2
    return frame.astype({c: "str" for c in RESPONDENT_COLUMNS[:5]})


def problems(error: ImportRejected) -> list[tuple[int, str, str]]:
    return [(r.row, r.column, r.reason) for r in error.report.rejections]


# --- valid files ---------------------------------------------------------------------------

@pytest.mark.parametrize(("sep", "encoding", "decimal"), [
    (";", "latin-1", ","), (",", "utf-8", "."), (";", "utf-8-sig", "."), ("\t", "cp1252", ",")])
def test_valid_csv(tmp_path, few_territories, sep, encoding, decimal):
    path = write_csv(tmp_path / "enquete.csv", ROWS, sep=sep, encoding=encoding,
                     decimal=decimal)
    result = import_survey(path, mapping(), geodata_root=few_territories)
    pd.testing.assert_frame_equal(result.respondents, expected_respondents())
    assert list(result.respondents.columns) == list(RESPONDENT_COLUMNS)
    survey = result.survey
    assert survey.source == "Baromètre test 2024" and survey.simulated is False
    assert survey.waves[0].id == "2024-03"
    assert survey.waves[0].actors == tuple(ACTORS)  # found in the rows
    assert "échantillon test" in survey.notes
    assert result.report.ok and result.report.n_accepted == 4
    assert result.source_rows == (2, 3, 4, 5)
    assert any(f"separator {sep!r}" in n for n in result.report.notes)


def test_mapping_given_as_a_yaml_path(tmp_path, few_territories):
    import yaml

    yaml_path = tmp_path / "enquete.yaml"
    yaml_path.write_text(yaml.safe_dump(MAPPING, allow_unicode=True), encoding="utf-8")
    result = import_survey(write_csv(tmp_path / "e.csv", ROWS), yaml_path,
                           geodata_root=few_territories)
    assert len(result.respondents) == 4


def test_valid_xlsx_with_numeric_cells_and_a_title(tmp_path, few_territories):
    cells = [[None] * len(HEADER), ["Baromètre 2024 — résultats bruts"] + [None] * 10, HEADER]
    for row in ROWS:
        cells.append([float(c) if c.replace(".", "").isdigit() else (c or None) for c in row])
    cells[4][2] = 38185  # integer cells, as Excel stores them
    path = tmp_path / "enquete.xlsx"
    pd.DataFrame(cells).to_excel(path, header=False, index=False, sheet_name="Données")
    result = import_survey(path, mapping(file={"sheet": "Données", "header_row": 3}),
                           geodata_root=few_territories)
    pd.testing.assert_frame_equal(result.respondents, expected_respondents())
    assert result.source_rows == (4, 5, 6, 7)


def test_xlsx_restores_leading_zeros_and_reports_rows_as_seen(tmp_path, few_territories):
    frame = pd.DataFrame([ROWS[0], ROWS[1]], columns=HEADER, dtype=object)
    frame.loc[1, "CODE"] = 1001  # commune 01001 typed as a number
    frame.loc[0, "POIDS"] = -1
    path = tmp_path / "enquete.xlsx"
    frame.to_excel(path, index=False)
    result = import_survey(path, mapping(), keep_valid_rows=True, geodata_root=few_territories)
    assert result.respondents["territory_code"].tolist() == ["01001"]
    assert any("'1001' → '01001'" in n for n in result.report.notes)
    assert problems_of(result.report) == [(2, "POIDS", "weight must be > 0, got '-1'")]


def problems_of(report):
    return [(r.row, r.column, r.reason) for r in report.rejections]


def sav_file(path, codes=(1, 2, 1, 2), choice_1=(1, 7, 2, 1), choice_2=(2, None, None, 8)):
    n = len(codes)
    frame = pd.DataFrame({
        "ident": [f"s{i}" for i in range(1, n + 1)],
        "typ": [float(c) for c in codes],
        "dep": ["38", "38", "2A", "971"][:n],
        "pond": [1.5, 0.75, 1.0, 2.0][:n],
        "q5a": [float(c) for c in choice_1],
        "q5b": [np.nan if c is None else float(c) for c in choice_2],
    })
    domain_labels = {float(i + 1): d.label for i, d in enumerate(DOMAINS)}
    pyreadstat.write_sav(frame, path, variable_value_labels={
        "typ": {1.0: "Citoyen", 2.0: "Élu(e)", 9.0: "Autre"},
        "q5a": domain_labels, "q5b": domain_labels})
    return path


SAV_MAPPING = {
    "survey": {"name": "Enquête SPSS"},
    "waves": [{"id": "w", "name": "Vague", "start": "2024-05-01", "end": "2024-05-02",
               "mode": "CAWI", "actors": ["citoyen", "elu"]}],
    "columns": {"respondent_id": "ident",
                "actor": {"column": "typ", "values": {"Citoyen": "citoyen", "Élu(e)": "elu"}},
                "territory_code": "dep", "territory_level": {"constant": "departement"},
                "weight": "pond"},
    "domains": {"choices": ["q5a", "q5b"]},
}


def test_valid_sav_with_value_labels(tmp_path, few_territories):
    path = sav_file(tmp_path / "enquete.sav")
    result = import_survey(path, parse_mapping(SAV_MAPPING), geodata_root=few_territories)
    frame = result.respondents
    assert frame["actor"].tolist() == ["citoyen", "elu", "citoyen", "elu"]
    assert frame["territory_code"].tolist() == ["38", "38", "2A", "971"]
    assert frame["weight"].tolist() == [1.5, 0.75, 1.0, 2.0]
    assert frame["rank_dom_education"].tolist() == [1, pd.NA, pd.NA, 1]
    assert frame["rank_dom_health"].tolist() == [2, pd.NA, 1, pd.NA]
    assert frame["rank_dom_economic_development"].tolist() == [pd.NA, 1, pd.NA, pd.NA]
    assert frame["rank_dom_employment"].tolist() == [pd.NA, pd.NA, pd.NA, 2]
    assert frame[list(DIMENSION_COLUMNS)].isna().all().all()
    assert result.source_rows == (1, 2, 3, 4)


def test_sav_user_missing_answers_are_counted(tmp_path, few_territories):
    path = tmp_path / "enquete.sav"
    frame = pd.DataFrame({"ident": ["s1", "s2", "s3", "s4"], "typ": [1.0, 1.0, 2.0, 1.0],
                          "dep": ["38", "38", "2A", "971"], "pond": [1.5, 0.75, 1.0, 2.0],
                          "q5a": [1.0, 99.0, 2.0, 99.0], "q5b": [2.0, np.nan, 99.0, np.nan]})
    labels = {float(i + 1): d.label for i, d in enumerate(DOMAINS)} | {99.0: "Ne sait pas"}
    pyreadstat.write_sav(frame, path, variable_value_labels={
        "typ": {1.0: "Citoyen", 2.0: "Élu(e)"}, "q5a": labels, "q5b": labels},
        missing_ranges={"q5a": [99.0], "q5b": [99.0]})
    result = import_survey(path, parse_mapping(SAV_MAPPING), geodata_root=few_territories)
    assert result.report.ok and result.report.n_accepted == 4
    assert result.respondents["rank_dom_education"].tolist() == [1, pd.NA, pd.NA, pd.NA]
    assert result.respondents["rank_dom_health"].tolist() == [2, pd.NA, 1, pd.NA]
    notes = result.report.notes
    assert ("SPSS user-missing answers read as missing in column 'q5a': 2 ('99' « Ne sait "
            "pas »: 2)") in notes
    assert ("SPSS user-missing answers read as missing in column 'q5b': 1 ('99' « Ne sait "
            "pas »: 1)") in notes
    assert any(n.startswith("2 respondents ranked no dimension and no domain") for n in notes)


def test_sav_rejections_name_the_case_and_the_label(tmp_path, few_territories):
    path = sav_file(tmp_path / "enquete.sav", codes=(1, 9, 1, 2), choice_1=(1, 7, 2, 20),
                    choice_2=(1, None, None, 8))
    with pytest.raises(ImportRejected) as error:
        import_survey(path, parse_mapping(SAV_MAPPING), geodata_root=few_territories)
    report = error.value.report
    assert report.format == "sav" and report.rejected_rows == (1, 2, 4)
    text = str(report)
    assert ("enquete.sav, case 2, column 'typ': unknown actor type '9' (label 'Autre')") in text
    assert "enquete.sav, case 4, column 'q5a': first choice '20' is not a known domain" in text
    assert ("enquete.sav, case 1, column 'q5a, q5b': domain 'education' chosen twice "
            "(first and second choice)") in text


def test_file_object_with_a_name(few_territories):
    data = io.BytesIO(("\n".join(";".join(r) for r in [HEADER, *ROWS])).encode())
    data.name = "upload.csv"
    result = import_survey(data, mapping(), geodata_root=few_territories)
    assert len(result.respondents) == 4 and result.report.file == "upload.csv"


def test_empty_rows_are_skipped_and_reported(tmp_path, few_territories):
    path = write_csv(tmp_path / "enquete.csv", [ROWS[0], [""] * len(HEADER), ROWS[1]])
    text = path.read_text().replace("\n;;;", "\n\n;;;", 1)  # a blank line too
    path.write_text(text)
    result = import_survey(path, mapping(), geodata_root=few_territories)
    assert result.source_rows == (2, 5)
    assert "empty rows skipped (2): 3, 4" in result.report.notes


def test_respondents_without_any_rank_are_kept_and_noted(tmp_path, few_territories):
    result = import_survey(write_csv(tmp_path / "e.csv", ROWS), mapping(),
                           geodata_root=few_territories)
    assert any(n.startswith("1 respondents ranked no dimension") for n in result.report.notes)


# --- rejected rows -------------------------------------------------------------------------

def with_cell(row: int, column: str, value: str) -> list[list[str]]:
    rows = copy.deepcopy(ROWS)
    rows[row][HEADER.index(column)] = value
    return rows


@pytest.mark.parametrize(("rows", "row", "column", "reason"), [
    (with_cell(0, "CODE", "99"), 2, "CODE", "unknown région code '99'"),
    (with_cell(1, "CODE", "38999"), 3, "CODE", "unknown commune code '38999'"),
    (with_cell(0, "CODE", "38185"), 2, "CODE",
     "'38185' is a commune code, not a région code (territory level 'region')"),
    (with_cell(2, "CODE", "84"), None, None, None),  # Vaucluse: a valid département too
    (with_cell(2, "CODE", "2A004"), 4, "CODE", "'2A004' is a commune code, not a département"),
    (with_cell(2, "NIVEAU", "canton"), 4, "NIVEAU", "unknown territory level 'canton'"),
    (with_cell(2, "NIVEAU", ""), 4, "NIVEAU", "missing territory level"),
    (with_cell(0, "POIDS", "-0.5"), 2, "POIDS", "weight must be > 0, got '-0.5'"),
    (with_cell(0, "POIDS", "0"), 2, "POIDS", "weight must be > 0, got '0'"),
    (with_cell(0, "POIDS", ""), 2, "POIDS", "missing weight"),
    (with_cell(0, "POIDS", "abc"), 2, "POIDS", "weight 'abc' is not a number"),
    (with_cell(0, "POIDS", "inf"), 2, "POIDS", "weight 'inf' is not a number"),
    (with_cell(0, "Q3_ECO", "1"), 2, "Q3_SOC, Q3_ECO",
     "rank 1 given to several dimensions (Q3_SOC, Q3_ECO)"),
    (with_cell(1, "Q3_ECO", "3"), 3, "Q3_SOC, Q3_ECO, Q3_SOCIALE, Q3_ENV",
     "dimension ranks skip 1: ranks must run 1, 2, 3… without gaps"),
    (with_cell(0, "Q3_ENV", "5"), 2, "Q3_ENV", "dimension rank '5' is out of range 1–4"),
    (with_cell(0, "Q3_ENV", "0"), 2, "Q3_ENV", "dimension rank '0' is out of range 1–4"),
    (with_cell(0, "Q3_ENV", "2.5"), 2, "Q3_ENV", "dimension rank '2.5' is not a whole number"),
    (with_cell(0, "Q5_2", "Santé"), 2, "Q5_1, Q5_2",
     "domain 'health' chosen twice (first and second choice)"),
    (with_cell(0, "Q5_1", ""), 2, "Q5_2",
     "second choice given without a first choice (Q5_1 is empty)"),
    (with_cell(1, "Q5_1", "Solitude"), 3, "Q5_1", "first choice 'Solitude' is not a known "
     "domain"),
    (with_cell(3, "TYPE", "7"), 5, "TYPE", "unknown actor type '7'; valid: association, "
     "citoyen, elu, entreprise (or map it under columns.actor.values in enquete.yaml)"),
    (with_cell(3, "TYPE", ""), 5, "TYPE", "missing actor type"),
    (with_cell(3, "ID", "r1"), 2, "ID", "duplicate respondent id 'r1' (on rows 2, 5)"),
    (with_cell(3, "ID", ""), 5, "ID", "missing respondent id"),
])
def test_each_problem_is_rejected_with_row_column_and_reason(tmp_path, few_territories, rows,
                                                            row, column, reason):
    path = write_csv(tmp_path / "enquete.csv", rows)
    if row is None:
        assert import_survey(path, mapping(), geodata_root=few_territories).report.ok
        return
    with pytest.raises(ImportRejected) as error:
        import_survey(path, mapping(), geodata_root=few_territories)
    found = [(r.row, r.column, r.reason) for r in error.value.report.rejections]
    assert any(r == row and c == column and (reason is None or text.startswith(reason))
               for r, c, text in found), found
    assert all(r.file == "enquete.csv" for r in error.value.report.rejections)
    assert f"enquete.csv, row {row}, column {column!r}" in str(error.value)


def test_domain_rank_range_is_1_to_16(tmp_path, few_territories):
    data = copy.deepcopy(MAPPING)
    data["domains"] = {"ranks": {"health": "Q5_1", "education": "Q5_2"}}
    rows = [[*r[:9], "16", "17"] for r in ROWS]
    with pytest.raises(ImportRejected) as error:
        import_survey(write_csv(tmp_path / "e.csv", rows), parse_mapping(data),
                      geodata_root=few_territories)
    reasons = {r.reason for r in error.value.report.rejections}
    assert "domain rank '17' is out of range 1–16" in reasons
    assert not any("'16'" in r for r in reasons)


def test_duplicate_ids_reject_every_occurrence(tmp_path, few_territories):
    error = imported(tmp_path, with_cell(3, "ID", "r1"), geodata_root=few_territories)
    assert error.report.rejected_rows == (2, 5)


def test_former_communes_are_recoded_with_a_note(tmp_path, few_territories):
    rows = with_cell(1, "CODE", "01039")  # a commune déléguée of Culoz-Béon (01138)
    rows[3][HEADER.index("CODE")] = "75101"  # Paris 1er arrondissement
    result = import_survey(write_csv(tmp_path / "enquete.csv", rows), mapping(),
                           geodata_root=few_territories)
    assert result.report.ok
    assert list(result.respondents["territory_code"]) == ["84", "01138", "38", "75056"]
    notes = "\n".join(result.report.notes)
    assert ("1 codes of former communes recoded to their commune (commune nouvelle or new "
            "code), as the indicators are (e.g. '01039' → '01138', row 3)") in notes
    assert "1 municipal arrondissement codes recoded to their commune" in notes


def test_former_commune_whose_commune_is_unknown_gets_a_hint(tmp_path, few_territories):
    rows = with_cell(1, "CODE", "13201")  # Marseille is not among the few territories
    error = imported(tmp_path, rows, geodata_root=few_territories)
    assert ("'13201' is a municipal arrondissement: use the commune code '13055'"
            in [r.reason for r in error.report.rejections])


def test_zero_pad_restores_only_a_dropped_leading_zero(tmp_path, few_territories):
    rows = with_cell(0, "CODE", "4")  # région La Réunion written as a number
    rows[0][HEADER.index("NIVEAU")] = "region"
    rows[1][HEADER.index("CODE")] = "1001"  # commune 01001 read as a number
    result = import_survey(write_csv(tmp_path / "enquete.csv", rows), mapping(),
                           geodata_root=few_territories)
    assert list(result.respondents["territory_code"][:2]) == ["04", "01001"]
    assert any(n.startswith("leading zeros restored on 2 territory codes")
               for n in result.report.notes)


def test_zero_pad_leaves_a_code_of_another_level_alone(tmp_path, few_territories):
    rows = with_cell(1, "CODE", "38")  # a département code on a commune row
    error = imported(tmp_path, rows, geodata_root=few_territories)
    assert problems(error) == [(3, "CODE", "'38' is a département code, not a commune code "
                                           "(territory level 'commune')")]
    assert not any("leading zeros" in n for n in error.report.notes)


def test_one_id_on_every_row_is_reported_in_linear_space(tmp_path, few_territories):
    rows = [[f"{'r1'}", *ROWS[i % 4][1:]] for i in range(20_000)]
    error = imported(tmp_path, rows, geodata_root=few_territories)
    report = error.report
    assert len(report.rejected_rows) == 20_000 and report.n_accepted == 0
    assert {r.reason for r in report.rejections} == {
        "duplicate respondent id 'r1' (on 20000 rows: 2, 3, 4, 5, 6 …)"}
    assert len(str(error)) < 2_000


def test_actor_not_surveyed_in_the_wave(tmp_path, few_territories):
    waves = [{**MAPPING["waves"][0], "actors": ["citoyen", "elu", "entreprise"]}]
    error = imported(tmp_path, ROWS, mapping={"waves": waves}, geodata_root=few_territories)
    assert problems(error) == [(5, "TYPE", "actor 'association' was not surveyed in wave "
                                "'2024-03' (actors: citoyen, elu, entreprise)")]


def test_wave_from_a_column(tmp_path, few_territories):
    waves = [MAPPING["waves"][0], {**MAPPING["waves"][0], "id": "2024-09",
                                   "name": "Vague de septembre 2024"}]
    columns = {**MAPPING["columns"], "wave": {"column": "VAGUE", "values": {"1": "2024-03",
                                                                            "2": "2024-09"}}}
    rows = [[*r, v] for r, v in zip(ROWS, ["1", "2", "Vague de septembre 2024", "3"],
                                    strict=True)]
    path = write_csv(tmp_path / "e.csv", rows, header=[*HEADER, "VAGUE"])
    result = import_survey(path, mapping(waves=waves, columns=columns), keep_valid_rows=True,
                           geodata_root=few_territories)
    assert result.respondents["wave"].tolist() == ["2024-03", "2024-09", "2024-09"]
    assert problems_of(result.report)[0][:2] == (5, "VAGUE")
    assert problems_of(result.report)[0][2].startswith("unknown wave '3'")


def test_respondents_located_only_in_france(tmp_path, few_territories):
    rows = with_cell(0, "NIVEAU", "france")
    rows[0][HEADER.index("CODE")] = "FR"
    result = import_survey(write_csv(tmp_path / "e.csv", rows), mapping(),
                           geodata_root=few_territories)
    assert result.respondents.loc[0, ["territory_code", "territory_level"]].tolist() == [
        "FR", "france"]
    rows[0][HEADER.index("CODE")] = "84"
    error = imported(tmp_path, rows, geodata_root=few_territories)
    assert problems(error) == [(2, "CODE", "territory level 'france' takes the code 'FR', "
                                "not '84'")]


def test_a_row_with_too_many_fields_names_the_file_and_line(tmp_path):
    path = write_csv(tmp_path / "e.csv", [ROWS[0], [*ROWS[1], "extra"]])
    with pytest.raises(SurveyFileError, match=r"e.csv: cannot read as CSV with separator ';'.*"
                                              r"Expected 11 fields in line 3, saw 12"):
        import_survey(path, mapping())


def test_all_or_nothing_then_keep_valid_rows(tmp_path, few_territories):
    rows = with_cell(0, "POIDS", "-1")
    rows[2][HEADER.index("TYPE")] = "maire"
    path = write_csv(tmp_path / "enquete.csv", rows)
    with pytest.raises(ImportRejected) as error:
        import_survey(path, mapping(), geodata_root=few_territories)
    message = str(error.value)
    assert message.startswith("enquete.csv: 2 of 4 rows rejected (2 problems)")
    assert "keep_valid_rows=True to import the 2 valid rows" in message
    assert error.value.report.n_accepted == 0
    result = import_survey(path, mapping(), keep_valid_rows=True, geodata_root=few_territories)
    assert result.respondents["respondent_id"].tolist() == ["r2", "r4"]
    assert result.source_rows == (3, 5)
    assert result.report.n_rows == 4 and result.report.n_accepted == 2
    assert result.report.rejected_rows == (2, 4)
    frame = result.report.to_frame()
    assert frame.to_dict("records")[1] == {
        "file": "enquete.csv", "row": 4, "column": "TYPE", "value": "maire",
        "reason": "unknown actor type 'maire'; valid: association, citoyen, elu, entreprise "
                  "(or map it under columns.actor.values in enquete.yaml)"}
    assert any("2 of 4 rows of enquete.csv rejected" in n for n in result.survey.notes)


# --- file-level errors ---------------------------------------------------------------------

def test_missing_column_names_file_column_and_mapping_key(tmp_path, few_territories):
    header = [("Poids" if c == "POIDS" else c) for c in HEADER]
    path = write_csv(tmp_path / "enquete.csv", ROWS, header=header)
    with pytest.raises(SurveyFileError) as error:
        import_survey(path, mapping(), geodata_root=few_territories)
    assert str(error.value).startswith(
        "enquete.csv: missing column 'POIDS' (columns.weight in enquete.yaml) "
        "(did you mean 'Poids'?)")


def test_repeated_column_is_an_error(tmp_path, few_territories):
    path = write_csv(tmp_path / "e.csv", [[*r, "x"] for r in ROWS], header=[*HEADER, "ID"])
    with pytest.raises(SurveyFileError, match=r"e.csv: column 'ID' appears several times "
                                              r"in the header \(positions \[1, 12\]\)"):
        import_survey(path, mapping(), geodata_root=few_territories)


def test_size_limit(tmp_path, few_territories):
    path = write_csv(tmp_path / "gros.csv", ROWS * 50)
    size = path.stat().st_size
    with pytest.raises(FileTooLarge, match=r"gros.csv: the file is too large .* the limit is "
                                           r"0.001 MB"):
        import_survey(path, mapping(), max_bytes=1000, geodata_root=few_territories)
    upload = io.BytesIO(path.read_bytes())
    upload.name = "gros.csv"
    with pytest.raises(FileTooLarge):
        import_survey(upload, mapping(), max_bytes=size - 1, geodata_root=few_territories)
    with pytest.raises(ImportRejected):  # within the limit: read (and the duplicates found)
        import_survey(path, mapping(), max_bytes=size, geodata_root=few_territories)


@pytest.mark.parametrize(("name", "content", "words"), [
    ("enquete.xls", b"x", "unsupported file type '.xls' (save it as .xlsx)"),
    ("enquete.json", b"{}", "unsupported file type '.json'; valid: .csv, .xlsx, .sav"),
    ("enquete.xlsx", b"not a zip", "cannot read as an XLSX workbook"),
    ("enquete.sav", b"not spss" * 20, "cannot read as an SPSS .sav file"),
    ("enquete.csv", b"", "cannot read as CSV"),
])
def test_unreadable_files(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SurveyFileError) as error:
        import_survey(path, mapping())
    assert str(error.value).startswith(f"{name}: ") and words in str(error.value)


def test_mixed_decimal_marks_are_an_error(tmp_path, few_territories):
    rows = with_cell(0, "POIDS", "1,25")
    path = write_csv(tmp_path / "e.csv", rows)  # others use '.'
    rows[1][HEADER.index("POIDS")] = "0.5"
    path = write_csv(tmp_path / "e.csv", rows)
    with pytest.raises(SurveyFileError, match=r"e.csv: mixed decimal marks: row 2, column "
                                              r"'POIDS' has '1,25' but row 3"):
        import_survey(path, mapping(), geodata_root=few_territories)
    result = import_survey(path, mapping(file={"decimal": "."}), keep_valid_rows=True,
                           geodata_root=few_territories)
    assert problems_of(result.report) == [(2, "POIDS", "weight '1,25' is not a number")]


# --- aggregated form -----------------------------------------------------------------------

PUBLISHED = {"Sociétale": (28, 64), "Économique": (35, 59), "Sociale": (21, 48),
             "Environnementale": (16, 29)}
"""IMPACT-Citoyens 2019, Q3: % ranking each dimension first, first or second."""


def test_published_national_table_comes_back_exactly(tmp_path, few_territories):
    rows = [f"{label};En premier;{first}" for label, (first, _) in PUBLISHED.items()]
    rows += [f"{label};En premier ou deuxième;{both}" for label, (_, both) in PUBLISHED.items()]
    path = tmp_path / "impact_2019_q3.csv"
    path.write_text("Dimension;Mesure;Part (%)\n" + "\n".join(rows) + "\n", encoding="utf-8")
    data = {"form": "aggregates", "survey": {"name": "IMPACT-Citoyens 2019"},
            "share_unit": "percent",
            "columns": {"territory_code": {"constant": "FR"},
                        "territory_level": {"constant": "france"},
                        "actor": {"constant": "citoyen"}, "item": "Dimension",
                        "measure": {"column": "Mesure", "values": {
                            "En premier": "first", "En premier ou deuxième": "first_or_second"}},
                        "share": "Part (%)"}}
    result = import_aggregates(path, parse_mapping(data), geodata_root=few_territories)
    table = result.table
    assert list(table.columns) == list(AGGREGATE_COLUMNS)
    assert result.source == "IMPACT-Citoyens 2019" and result.simulated is False
    first = table[table["measure"] == "first"].set_index("item")["share"]
    both = table[table["measure"] == "first_or_second"].set_index("item")["share"]
    assert first.to_dict() == {"dimension:societal": 0.28, "dimension:economic": 0.35,
                               "dimension:social": 0.21, "dimension:environmental": 0.16}
    assert both.to_dict() == {"dimension:societal": 0.64, "dimension:economic": 0.59,
                              "dimension:social": 0.48, "dimension:environmental": 0.29}
    assert table["n_unweighted"].isna().all() and table["n_effective"].isna().all()
    assert result.notes == ()  # sums are 100 % and 200 %
    assert "n_unweighted not given: left missing" in result.report.notes


AGGREGATE_ROWS = [
    ["84", "region", "citoyen", "dimension:economic", "first", "0.35", "120", "96.5"],
    ["84", "region", "citoyen", "dimension:economic", "first_or_second", "0.6", "120", "96.5"],
    ["38", "departement", "tous", "domain:health", "first", "0.2", "80", "80"],
    ["FR", "france", "elu", "Santé", "first", "0.1", "600", "450"],
]


def write_aggregates(path, rows):
    text = "\n".join(",".join(r) for r in [list(AGGREGATE_COLUMNS), *rows]) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def test_aggregates_with_model_columns_need_no_mapping(tmp_path, few_territories):
    path = write_aggregates(tmp_path / "table.csv", AGGREGATE_ROWS)
    result = import_aggregates(path, geodata_root=few_territories)
    assert result.source == "table.csv"
    assert result.table["item"].tolist()[-1] == "domain:health"
    assert result.table["n_unweighted"].tolist() == [120, 120, 80, 600]
    assert result.table["n_effective"].tolist() == [96.5, 96.5, 80.0, 450.0]


@pytest.mark.parametrize(("row", "column", "value", "reason"), [
    (0, "share", "1.2", "share '1.2' is outside 0–1"),
    (0, "share", "-0.1", "share '-0.1' is outside 0–1"),
    (2, "share", "", "missing share"),
    (0, "n_unweighted", "0", "n_unweighted must be a positive whole number, got '0'"),
    (0, "n_unweighted", "12.5", "n_unweighted must be a positive whole number, got '12.5'"),
    (2, "n_effective", "-3", "n_effective must be a positive number, got '-3'"),
    (2, "n_effective", "81", "n_effective exceeds n_unweighted (81 > 80)"),
    (2, "item", "domain:sante", "unknown item 'domain:sante'"),
    (2, "measure", "second", "unknown measure 'second'"),
    (2, "actor", "maire", "unknown actor 'maire'"),
    (3, "territory_code", "FRA", "territory level 'france' takes the code 'FR', not 'FRA'"),
    (2, "territory_code", "84", None),  # Vaucluse
    (2, "territory_code", "38185", "'38185' is a commune code, not a département code"),
    (1, "share", "0.3", "share ranked first (0.35) exceeds the share ranked first or second "
     "(0.3) for dimension:economic"),
    (1, "measure", "first", "same territory, actor, item and measure on rows 2, 3"),
])
def test_aggregate_rejections(tmp_path, few_territories, row, column, value, reason):
    rows = copy.deepcopy(AGGREGATE_ROWS)
    rows[row][AGGREGATE_COLUMNS.index(column)] = value
    path = write_aggregates(tmp_path / "table.csv", rows)
    if reason is None:
        assert import_aggregates(path, geodata_root=few_territories).report.ok
        return
    with pytest.raises(ImportRejected) as error:
        import_aggregates(path, geodata_root=few_territories)
    assert any(r.row == row + 2 and r.reason.startswith(reason)
               for r in error.value.report.rejections), str(error.value.report)
    result = import_aggregates(path, keep_valid_rows=True, geodata_root=few_territories)
    assert row + 2 in result.report.rejected_rows
    assert len(result.table) == 4 - len(result.report.rejected_rows)


def test_aggregate_table_missing_a_column(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("territory_code,territory_level,actor,item,share\n84,region,tous,"
                    "dimension:social,0.2\n", encoding="utf-8")
    with pytest.raises(SurveyFileError, match=r"table.csv: missing column 'measure'"):
        import_aggregates(path)


def test_aggregate_sums_off_are_noted(tmp_path, few_territories):
    rows = [["FR", "france", "tous", f"dimension:{d}", "first", "0.3"] for d in DIMENSION_IDS]
    path = tmp_path / "table.csv"
    path.write_text("\n".join(",".join(r) for r in [list(AGGREGATE_COLUMNS[:6]), *rows]),
                    encoding="utf-8")
    result = import_aggregates(path, geodata_root=few_territories)
    assert result.notes == ("shares of the 4 dimensions (FR, tous, first) sum to 1.200, not 1",)


def test_aggregate_xlsx(tmp_path, few_territories):
    frame = pd.DataFrame(AGGREGATE_ROWS, columns=list(AGGREGATE_COLUMNS), dtype=object)
    frame["share"] = frame["share"].astype(float)
    frame["n_unweighted"] = frame["n_unweighted"].astype(int)
    frame.loc[0, "territory_code"] = 84
    path = tmp_path / "table.xlsx"
    frame.to_excel(path, index=False)
    result = import_aggregates(path, geodata_root=few_territories)
    assert result.table["territory_code"].tolist() == ["84", "84", "38", "FR"]
    assert result.table["share"].tolist() == [0.35, 0.6, 0.2, 0.1]


# --- round trip ----------------------------------------------------------------------------

TERRITORIES = [("84", "region"), ("11", "region"), ("04", "region"), ("38", "departement"),
               ("2A", "departement"), ("971", "departement"), ("38185", "commune"),
               ("01001", "commune"), ("2A004", "commune"), ("97411", "commune")]
ID_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éèàçôÉ"


def rankings(n_items):
    """A partial ranking: ranks 1..k given to k distinct items, as an item → rank dict."""
    return st.permutations(range(n_items)).flatmap(
        lambda order: st.integers(0, n_items).map(
            lambda k: {order[i]: i + 1 for i in range(k)}))


respondents = st.lists(
    st.tuples(st.text(ID_ALPHABET, min_size=1, max_size=8), st.sampled_from(list(ACTORS)),
              st.sampled_from(TERRITORIES),
              st.floats(0.001, 1000, allow_nan=False).map(lambda w: round(w, 4)).filter(
                  lambda w: w > 0),
              rankings(4), rankings(16)),
    min_size=1, max_size=12, unique_by=lambda r: r[0])


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=respondents, sep=st.sampled_from([";", ",", "\t"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "cp1252"]),
       decimal=st.sampled_from([".", ","]))
def test_any_valid_table_round_trips_through_csv(few_territories, rows, sep, encoding, decimal):
    expected = pd.DataFrame({
        "respondent_id": [r[0] for r in rows], "actor": [r[1] for r in rows],
        "wave": "2024-03", "territory_code": [r[2][0] for r in rows],
        "territory_level": [r[2][1] for r in rows], "weight": [r[3] for r in rows]})
    for j, column in enumerate(DIMENSION_COLUMNS):
        expected[column] = pd.array([r[4].get(j) for r in rows], dtype="Int64")
    for j, column in enumerate(DOMAIN_COLUMNS):
        expected[column] = pd.array([r[5].get(j) for r in rows], dtype="Int64")
    expected = expected.astype({c: "str" for c in RESPONDENT_COLUMNS[:5]})
    file = expected.rename(columns={c: c.upper() for c in RESPONDENT_COLUMNS})
    data = copy.deepcopy(MAPPING)
    data["columns"] = {name: name.upper() for name in RESPONDENT_COLUMNS[:6]
                       if name != "wave"}
    data["dimensions"] = {"ranks": {d: f"RANK_DIM_{d.upper()}" for d in DIMENSION_IDS}}
    data["domains"] = {"ranks": {d: f"RANK_DOM_{d.upper()}" for d in DOMAIN_IDS}}
    buffer = io.BytesIO(file.drop(columns="WAVE").to_csv(
        sep=sep, decimal=decimal, index=False).encode(encoding))
    buffer.name = "generated.csv"
    result = import_survey(buffer, parse_mapping(data), geodata_root=few_territories)
    pd.testing.assert_frame_equal(result.respondents, expected)


@pytest.mark.parametrize(("encoding", "message"), [
    ("utf-16", "UTF-16"), (None, "binary, not a text file")])
def test_undecodable_csv_is_refused_by_the_projects_one_decoder(tmp_path, encoding, message):
    # the importer once fell back to latin-1 silently; it now reads CSV text as the
    # official-file loaders do, and says why a file is refused
    path = tmp_path / "enquete.csv"
    text = "Dimension;Mesure;Part (%)\nsociale;first;20\n"
    path.write_bytes(text.encode(encoding) if encoding else b"\x00\x81\x8d\x90" * 40)
    with pytest.raises(SurveyFileError, match=f"enquete.csv.*{message}"):
        import_aggregates(path)


# --- the few territories of these tests are real ones ----------------------------------------

def test_the_few_territories_agree_with_the_geometry_artifacts(geodata_root):
    for level, few in small_geodata.TABLES.items():
        real = store.attributes(level, geodata_root).set_index("code")
        few = few.set_index("code")
        assert few.index.isin(real.index).all(), level
        pd.testing.assert_frame_equal(few, real.loc[few.index, few.columns], obj=level)
    communes = set(store.attributes("communes", geodata_root)["code"])
    assert not {"38999", "01039", "13201"} & communes  # unknown, merged, arrondissement
    assert "99" not in set(store.attributes("regions", geodata_root)["code"])
