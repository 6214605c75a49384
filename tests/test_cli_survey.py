"""``atlas compare --survey``: clear messages, exit codes, kept rows and the rejected-rows CSV."""

from __future__ import annotations

import csv
import json

import pytest
import yaml
from test_survey_importers import HEADER, MAPPING, with_cell, write_csv

from atlas.cli.main import main


@pytest.fixture
def files(tmp_path):
    """A survey CSV with one rejected row (a formula as its id, given twice) and its mapping."""
    rows = with_cell(3, "ID", "=HYPERLINK(\"x\")")
    rows[2][HEADER.index("ID")] = "=HYPERLINK(\"x\")"
    survey = write_csv(tmp_path / "enquete.csv", rows)
    mapping = tmp_path / "enquete.yaml"
    mapping.write_text(yaml.safe_dump(MAPPING, allow_unicode=True), encoding="utf-8")
    return survey, mapping


def compare(*args: str) -> int:
    return main(["compare", "--level", "region", *map(str, args)])


def test_rejected_rows_import_nothing_and_exit_1(files, tmp_path, capsys, geodata_root):
    survey, mapping = files
    report = tmp_path / "rejets.csv"
    assert compare("--survey", survey, "--mapping", mapping, "--rejected-rows", report) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "enquete.csv: 2 of 4 rows rejected" in err
    assert "nothing imported; fix the file, or pass --keep-valid-rows to import the 2 valid " \
           "rows" in err
    with report.open(encoding="utf-8-sig", newline="") as handle:
        rejected = list(csv.DictReader(handle))
    assert [(r["row"], r["column"]) for r in rejected] == [("4", "ID"), ("5", "ID")]
    assert {r["value"] for r in rejected} == {"'=HYPERLINK(\"x\")"}  # escaped formula
    assert all(r["reason"].startswith("duplicate respondent id") for r in rejected)


def test_keep_valid_rows_compares_the_valid_rows(files, tmp_path, capsys, geodata_root):
    survey, mapping = files
    report = tmp_path / "rejets.csv"
    assert compare("--survey", survey, "--mapping", mapping, "--keep-valid-rows",
                   "--rejected-rows", report, "--json") == 0
    captured = capsys.readouterr()
    assert "2 valid rows imported (--keep-valid-rows)" in captured.err
    assert '"source": "Baromètre test 2024"' in captured.out
    assert report.exists()


@pytest.mark.parametrize(("args", "message"), [
    (("--actor", "maire"), "unknown actor 'maire'; valid: citoyen, elu, entreprise, "
                           "association, tous"),
    (("--survey", "{survey}"), "--survey needs --mapping"),
    (("--mapping", "{mapping}"), "--mapping, --keep-valid-rows and --rejected-rows go with "
                                 "--survey"),
    (("--survey", "{xls}", "--mapping", "{mapping}"), "unsupported file type '.xls'"),
    (("--survey", "{survey}", "--mapping", "{survey}"), "enquete.csv"),
])
def test_user_errors_exit_2_without_traceback(files, tmp_path, capsys, args, message):
    survey, mapping = files
    xls = tmp_path / "enquete.xls"
    xls.write_bytes(b"x")
    names = {"survey": survey, "mapping": mapping, "xls": xls}
    assert compare(*(a.format(**names) for a in args)) == 2
    err = capsys.readouterr().err
    assert err.startswith("atlas compare: ") and message in err and "Traceback" not in err


def test_perception_import_of_a_published_table(tmp_path, capsys, geodata_root):
    table = tmp_path / "impact_2019_q3.csv"
    table.write_text("territory_code;territory_level;actor;item;measure;share\n"
                     "FR;france;citoyen;dimension:economic;first;0,35\n"
                     "FR;france;citoyen;dimension:social;first;0,21\n", encoding="utf-8")
    assert main(["perception", "import", str(table), "--json"]) == 0
    captured = capsys.readouterr()
    record = json.loads(captured.out)
    assert record["form"] == "aggregates" and record["simulated"] is False
    assert record["report"] == {"file": "impact_2019_q3.csv", "format": "csv", "rows": 2,
                                "accepted": 2, "rejected_rows": 0,
                                "notes": record["report"]["notes"]}
    assert [(r["item"], r["share"], r["status"]) for r in record["shares"]] == [
        ("dimension:economic", 0.35, "ok"), ("dimension:social", 0.21, "ok")]
    assert "note: n_effective not given: left missing" in captured.err


def test_perception_import_of_a_respondent_file(files, tmp_path, capsys, geodata_root):
    survey, mapping = files
    assert main(["perception", "import", str(survey), "--mapping", str(mapping)]) == 1
    assert "2 of 4 rows rejected" in capsys.readouterr().err
    assert main(["perception", "import", str(survey), "--mapping", str(mapping),
                 "--keep-valid-rows", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["form"] == "respondents" and record["report"]["accepted"] == 2
    first = {(r["actor"], r["item"]): r["share"] for r in record["shares"]
             if r["measure"] == "first" and r["territory_code"] == "FR"}
    # rows kept: r1 (citoyen, weight 1.25, societal first), r2 (élu, 0.5, economic first)
    assert first[("tous", "dimension:societal")] is None  # 2 respondents: suppressed
    assert {a for a, _ in first} >= {"citoyen", "elu", "tous"}
