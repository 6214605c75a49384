"""Survey files refused before parsing when they would open too large (rows, zip expansion)."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest

from atlas.perception.survey import bounds as bounds_module
from atlas.perception.survey.bounds import MAX_ROWS, Bounds
from atlas.perception.survey.import_report import FileTooLarge, SurveyFileError
from atlas.perception.survey.importers import import_survey
from atlas.perception.survey.mapping import FileOptions, parse_mapping
from atlas.perception.survey.reading import read

SECRET = "SECRET-4242"
MAPPING = {
    "survey": {"name": "Test"},
    "waves": [{"id": "w1", "name": "Vague 1", "start": "2024-01-08", "end": "2024-01-20",
               "mode": "CAWI"}],
    "columns": {"respondent_id": "ID", "actor": {"constant": "citoyen"},
                "territory_code": {"constant": "FR"}, "territory_level": {"constant": "france"},
                "weight": {"constant": 1}},
    "dimensions": {"ranks": {"societal": "R1"}},
}
_PARTS = {
    "[Content_Types].xml":
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels":
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml":
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
        'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships"><sheets><sheet name="Feuil1" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels":
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>',
}


def cell(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def workbook(path, rows: int, dimension: str | None = None, padding: int = 0,
             last_row: int | None = None):
    """A minimal workbook: header ID, R1 then ``rows`` rows (``last_row``: one more row
    numbered so); ``padding`` bytes of a repeated text in each row."""
    body = [f"<row>{cell('ID')}{cell('R1')}</row>"]
    body += [f"<row>{cell(f'r{i}')}{cell('1')}{cell(SECRET + 'x' * padding)}</row>"
             for i in range(rows)]
    if last_row is not None:
        body.append(f'<row r="{last_row}">{cell("last")}{cell("1")}</row>')
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
             'openxmlformats.org/spreadsheetml/2006/main">'
             + (f'<dimension ref="{dimension}"/>' if dimension else "")
             + f"<sheetData>{''.join(body)}</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def refusal(path, bounds: Bounds, sheet: str | int = 0, error=SurveyFileError) -> str:
    with pytest.raises(error) as caught:
        read(path, FileOptions(sheet=sheet), None, ("csv", "xlsx"), bounds)
    message = str(caught.value)
    assert message.startswith(path.name) and SECRET not in message, message
    return message


def test_a_plain_workbook_within_the_bounds_is_read(tmp_path):
    table = read(workbook(tmp_path / "ok.xlsx", 10), FileOptions(), None, ("xlsx",),
                 Bounds(rows=10))
    assert len(table.frame) == 10 and list(table.frame.columns)[:2] == ["ID", "R1"]


def test_a_workbook_expanding_beyond_the_bound_is_refused(tmp_path):
    path = workbook(tmp_path / "big.xlsx", 200, padding=10_000)
    message = refusal(path, Bounds(expanded_bytes=1_000_000), error=FileTooLarge)
    assert "expands to 2.0 MB" in message and "the limit is 1 MB" in message


def test_a_part_expanding_too_many_times_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(bounds_module, "RATIO_MIN_BYTES", 100_000)
    path = workbook(tmp_path / "bomb.xlsx", 50, padding=20_000)
    message = refusal(path, Bounds(ratio=100))
    assert "expands" in message and "times" in message and "limit is 100 times" in message


def test_a_sheet_declaring_too_many_rows_is_refused_from_its_dimension(tmp_path):
    path = workbook(tmp_path / "dim.xlsx", 3, dimension="A1:C1000001")
    message = refusal(path, Bounds(rows=20))
    assert "1,000,000" in message and "the limit is 20 rows" in message


@pytest.mark.parametrize("dimension", [None, "A1:C2", "A1"])
def test_rows_are_counted_when_the_dimension_is_absent_or_understated(tmp_path, dimension):
    assert len(read(workbook(tmp_path / "ok.xlsx", 20, dimension), FileOptions(), None,
                    ("xlsx",), Bounds(rows=20)).frame) == 20
    message = refusal(workbook(tmp_path / "many.xlsx", 21, dimension), Bounds(rows=20))
    assert "at least 21" in message and "the limit is 20 rows" in message


def test_a_sparse_row_number_counts_every_row_up_to_it(tmp_path):
    message = refusal(workbook(tmp_path / "sparse.xlsx", 2, last_row=5_000_000),
                      Bounds(rows=20))
    assert "the limit is 20 rows" in message


def test_only_the_sheet_read_is_counted(tmp_path):
    path = tmp_path / "two.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"ID": range(5), "R1": 1}).to_excel(writer, sheet_name="petit",
                                                         index=False)
        pd.DataFrame({"ID": range(30), "R1": 1}).to_excel(writer, sheet_name="grand",
                                                          index=False)
    for sheet in ("petit", 0):
        assert len(read(path, FileOptions(sheet=sheet), None, ("xlsx",),
                        Bounds(rows=20)).frame) == 5
    for sheet in ("grand", 1):
        refusal(path, Bounds(rows=20), sheet=sheet)


def test_a_file_that_is_no_zip_is_refused(tmp_path):
    path = tmp_path / "faux.xlsx"
    path.write_bytes(SECRET.encode() * 10)
    assert "not a zip archive" in refusal(path, Bounds())


def test_csv_rows_are_bounded(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("ID;R1\n" + "".join(f"r{i};1\n" for i in range(21)), encoding="utf-8")
    message = refusal(path, Bounds(rows=20))
    assert "21 lines under the header" in message and "the limit is 20 rows" in message
    path.write_text("ID;R1\r" + "".join(f"r{i};1\r" for i in range(20)), encoding="utf-8")
    assert len(read(path, FileOptions(), None, ("csv",), Bounds(rows=20)).frame) == 20


def test_import_survey_applies_the_default_row_bound(tmp_path):
    path = tmp_path / "enorme.csv"
    path.write_bytes(b"ID;R1\n" + f"{SECRET};1\n".encode() * (MAX_ROWS + 1))
    with pytest.raises(SurveyFileError, match="the limit is 200,000 rows") as caught:
        import_survey(path, parse_mapping(MAPPING))
    assert SECRET not in str(caught.value)


def test_a_missing_column_lists_the_file_columns_cut(tmp_path):
    path = tmp_path / "large.csv"
    header = ";".join(f"{SECRET}{'x' * 100}{i}" for i in range(200))
    path.write_text(f"{header}\n" + ";".join(["1"] * 200) + "\n", encoding="utf-8")
    with pytest.raises(SurveyFileError, match="missing column") as caught:
        import_survey(path, parse_mapping(MAPPING))
    message = str(caught.value)
    assert len(message) < 4_000 and "(200 columns)" in message and "x" * 100 not in message
