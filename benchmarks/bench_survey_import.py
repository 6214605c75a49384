"""Time and peak memory of survey imports: a large CSV, a large XLSX, and hostile workbooks.

Usage: python benchmarks/bench_survey_import.py [--csv-mb 49] [--xlsx-rows 40000]
[--hostile-mb 220] [--only csv,xlsx,narrow,hostile,rows]

Files are generated in a temporary folder (deleted afterwards), with the columns of the
importers' tests (``tests/test_survey_importers.py``): a respondent id, an actor code, a
commune code, a weight written with a decimal comma, four dimension ranks and two domain
choices, read through a YAML mapping as a user gives it; then, as in a delivered file,
columns the mapping does not use (sex, age, 100 answers coded 1–5 in the CSV and 40 in
the workbook, a free comment). The territory codes are checked against a few communes
written as geometry-free artifacts (as ``tests/small_geodata.py`` does), so that no
geometry build is needed.

- ``csv``: a ``;``-separated CSV just under the 50 MB upload limit (about 190,000 rows);
- ``xlsx``: a workbook of ``--xlsx-rows`` respondents (within the bounds);
- ``narrow``: a CSV of the same size with only the mapped columns: a million rows;
- ``hostile``: a 3 MB workbook whose sheet expands to ``--hostile-mb`` MB of XML;
- ``rows``: a workbook of 220,000 rows (85 MB of XML, compressing as a real sheet does)
  without a ``<dimension>`` element: its rows are counted.

Each import runs in a fresh Python process: its time, and its peak resident set size
(``VmHWM`` of ``/proc/self/status``, Linux) beside the peak once the modules are
imported. For the hostile files the time is the time to refusal. Prints JSON; no assertion
is made.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMMUNES = ("01001", "2A004", "38185", "75056", "97411")
RANKS = ("Q3_SOC", "Q3_ECO", "Q3_SOCIALE", "Q3_ENV")
HEADER = ("ID", "TYPE", "CODE", "POIDS", *RANKS, "Q5_1", "Q5_2")
MAPPING = {
    "survey": {"name": "Baromètre généré"},
    "waves": [{"id": "2024-03", "name": "Vague de mars 2024", "start": "2024-03-04",
               "end": "2024-03-15", "mode": "CAWI"}],
    "columns": {"respondent_id": "ID",
                "actor": {"column": "TYPE", "values": {"1": "citoyen", "2": "elu",
                                                       "3": "entreprise", "4": "association"}},
                "territory_code": {"column": "CODE", "zero_pad": True},
                "territory_level": {"constant": "commune"}, "weight": "POIDS"},
    "dimensions": {"ranks": dict(zip(("societal", "economic", "social", "environmental"),
                                     RANKS, strict=True))},
    "domains": {"choices": ["Q5_1", "Q5_2"]},
}
DOMAINS = ("education", "health", "Santé", "employment", "poverty", "Mal-logement")
COMMENTS = ("", "", "Pas de médecin à moins de 30 km ; le bus ne passe plus.",
            "Trop de logements vacants dans le centre-bourg, « la mairie ne fait rien ».",
            "Rien à signaler", "Fermeture de l'école l'an prochain, inquiétude des parents.",
            "Accès au haut débit très mauvais (fibre prévue en 2027 ?)")

CHILD = r"""
import json, sys, time
from pathlib import Path
from atlas.perception.survey.importers import ImportRejected, SurveyFileError, import_survey

def memory(key):
    # VmHWM (peak) and VmRSS of this process, in MB; unlike ru_maxrss, VmHWM is not
    # inherited from the parent (the benchmark, which generated the files)
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024

path, mapping, root = sys.argv[1:4]
before = memory("VmHWM")
t0 = time.perf_counter()
try:
    result = import_survey(path, mapping, geodata_root=Path(root))
    outcome = f"{result.report.n_accepted} rows imported"
except SurveyFileError as error:
    outcome = f"refused: {str(error)[:300]}"
except ImportRejected as error:
    outcome = f"rows rejected: {error.report.summary(3)[:300]}"
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": round(seconds, 2), "peak_rss_mb": round(memory("VmHWM")),
                  "rss_after_imports_mb": round(before), "outcome": outcome}))
"""


def measure(path: Path, mapping: Path, root: Path) -> dict:
    """Import ``path`` in a fresh process; return its time, peak RSS and outcome."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), str(mapping), str(root)],
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        return {"error": out.stderr.strip().splitlines()[-1]}
    return {"file_mb": round(path.stat().st_size / 1e6, 1),
            **json.loads(out.stdout.strip().splitlines()[-1])}


def territories(folder: Path) -> Path:
    """Write the attribute tables of a few territories where ``geodata.store`` reads them."""
    import pandas as pd

    sys.path.insert(0, str(ROOT))
    from geodata import build

    folder.mkdir(parents=True, exist_ok=True)
    tables = {"communes": pd.DataFrame({"code": list(COMMUNES), "name": list(COMMUNES),
                                        "departement": ["01", "2A", "38", "75", "974"],
                                        "region": ["84", "94", "84", "11", "04"]}),
              "departements": pd.DataFrame({"code": ["01", "2A", "38", "75", "974"],
                                            "name": ["x"] * 5,
                                            "region": ["84", "94", "84", "11", "04"]}),
              "regions": pd.DataFrame({"code": ["04", "11", "84", "94"], "name": ["x"] * 4})}
    for level, table in tables.items():
        table.to_parquet(folder / f"{level}.parquet", index=False)
    (folder / build.REPORT).write_text("{}", encoding="utf-8")
    return folder


def respondent_rows(n: int, seed: int = 0, questions: int = 0) -> list[list[str]]:
    """``n`` respondents as text cells (weights with a decimal comma).

    ``questions`` > 0 adds the columns of :data:`EXTRA` (sex, age, that many answers coded
    1–5 or left empty, a free comment), which the mapping does not use.
    """
    rng = np.random.default_rng(seed)
    codes = rng.choice([c.lstrip("0") if c[0] == "0" else c for c in COMMUNES], n)
    weights = rng.uniform(0.2, 3.0, n)
    ranks = np.argsort(rng.random((n, 4)), axis=1) + 1
    first = rng.choice(DOMAINS, n)
    answers = rng.integers(0, 6, (n, questions)).astype(str)
    answers[answers == "0"] = ""
    ages = rng.integers(18, 95, n)
    comments = rng.choice(COMMENTS, n)
    rows = []
    for i in range(n):
        second = "" if i % 7 == 0 else "ageing"
        row = [f"R{i:07d}", str(1 + i % 4), codes[i], f"{weights[i]:.4f}".replace(".", ","),
               *map(str, ranks[i]), first[i], second]
        if questions:
            row += ["F" if i % 2 else "H", str(ages[i]), *answers[i], comments[i]]
        rows.append(row)
    return rows


def header(questions: int) -> list[str]:
    """Column names of :func:`respondent_rows` with ``questions`` extra answers."""
    return [*HEADER, *(("SEXE", "AGE", *(f"Q{10 + j}" for j in range(questions)),
                        "COMMENTAIRE") if questions else ())]


def write_csv(path: Path, megabytes: float, questions: int = 100) -> int:
    """A ``;``-separated respondent CSV of about ``megabytes`` MB; return its rows.

    With ``questions`` = 0 the rows are narrow (only the mapped columns), and a 49 MB file
    has a million rows.
    """
    sample = respondent_rows(2_000, questions=questions)
    width = sum(len(";".join(r)) + 3 for r in sample) / len(sample)
    n = int(megabytes * 1e6 / width)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(header(questions))
        for start in range(0, n, 50_000):
            rows = respondent_rows(min(50_000, n - start), seed=start, questions=questions)
            for i, row in enumerate(rows):
                row[0] = f"R{start + i:07d}"
            writer.writerows(rows)
    return n


def write_xlsx(path: Path, n: int, questions: int = 40) -> int:
    """A workbook of ``n`` respondents (numbers as numeric cells), written by openpyxl."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Données")
    sheet.append(header(questions))
    for row in respondent_rows(n, questions=questions):
        sheet.append([row[0], int(row[1]), int(row[2]) if row[2].isdigit() else row[2],
                      float(row[3].replace(",", ".")), *map(int, row[4:8]), row[8],
                      row[9] or None, *row[10:12],
                      *(int(a) if a else None for a in row[12:-1]), row[-1] or None])
    book.save(path)
    return n


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/></Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def cell_xml(text: str) -> str:
    """An inline-string cell of a sheet's XML."""
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def write_raw_xlsx(path: Path, rows: int, dimension: bool, noise: bool = False) -> int:
    """A minimal workbook of ``rows`` respondents written as XML, streamed into the zip.

    The cells are inline strings, so that the sheet XML is large and compresses well, as a
    crafted file does; ``dimension=False`` leaves out the ``<dimension>`` element;
    ``noise=True`` adds a random token to each row, so that the XML compresses only about
    25 times, as a real sheet does.
    """
    rng = np.random.default_rng(0)
    cells = "".join(cell_xml(v) for v in ("1", "38185", "1", "2", "3", "4", "health",
                                          "housing"))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _ROOT_RELS),
                           ("xl/workbook.xml", _WORKBOOK),
                           ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)):
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                        b'2006/main">')
            if dimension:
                sheet.write(f'<dimension ref="A1:J{rows + 1}"/>'.encode())
            header = "".join(cell_xml(h) for h in (*HEADER[:3], *HEADER[4:]))
            sheet.write(f"<sheetData><row>{header}</row>".encode())
            block = []
            for i in range(rows):
                token = cell_xml(rng.bytes(6).hex()) if noise else ""
                block.append(f"<row>{cell_xml(f'H{i:07d}')}{cells}{token}</row>")
                if len(block) == 10_000:
                    sheet.write("".join(block).encode())
                    block = []
            sheet.write(("".join(block) + "</sheetData></worksheet>").encode())
    return rows


def main() -> None:
    """Generate the files, import each in a fresh process, print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv-mb", type=float, default=49)
    parser.add_argument("--xlsx-rows", type=int, default=40_000)
    parser.add_argument("--hostile-mb", type=float, default=220)
    parser.add_argument("--only", default="csv,xlsx,narrow,hostile,rows")
    args = parser.parse_args()
    only = set(args.only.split(","))
    results = {}
    with tempfile.TemporaryDirectory(prefix="atlas-bench-survey-") as name:
        folder = Path(name)
        root = territories(folder / "geodata")
        mapping = folder / "enquete.yaml"
        mapping.write_text(yaml.safe_dump(MAPPING, allow_unicode=True), encoding="utf-8")
        xlsx_mapping = folder / "enquete_xlsx.yaml"
        xlsx_mapping.write_text(yaml.safe_dump(
            {**MAPPING, "columns": {**MAPPING["columns"], "weight": {"constant": 1}}},
            allow_unicode=True), encoding="utf-8")
        writers = {
            "csv": ("csv", "enquete.csv", mapping,
                    lambda p: write_csv(p, args.csv_mb)),
            "xlsx": ("xlsx", "enquete.xlsx", mapping,
                     lambda p: write_xlsx(p, args.xlsx_rows)),
            "narrow": ("csv_million_rows", "narrow.csv", mapping,
                       lambda p: write_csv(p, args.csv_mb, questions=0)),
            "hostile": ("hostile_xlsx", "hostile.xlsx", xlsx_mapping,
                        lambda p: write_raw_xlsx(p, int(args.hostile_mb * 1e6 / 375), True)),
            "rows": ("rows_xlsx_no_dimension", "rows.xlsx", xlsx_mapping,
                     lambda p: write_raw_xlsx(p, 220_000, False, noise=True)),
        }
        for key, (label, file_name, used, write) in writers.items():
            if key not in only:
                continue
            path = folder / file_name
            t0 = time.perf_counter()
            rows = write(path)
            made = {"rows": rows, "generated_s": round(time.perf_counter() - t0, 1)}
            if path.suffix == ".xlsx":
                with zipfile.ZipFile(path) as archive:
                    expanded = sum(i.file_size for i in archive.infolist())
                made["expanded_mb"] = round(expanded / 1e6, 1)
            results[label] = {**made, **measure(path, used, root)}
            print(json.dumps({label: results[label]}), file=sys.stderr)
    print(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
