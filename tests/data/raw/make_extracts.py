"""Cut the small real extracts of this folder from the full raw files (see README.md).

Run from the repository root: ``python tests/data/raw/make_extracts.py [DATA]`` with DATA
the raw data folder (default ``../shared/data``). Whole lines are copied byte for byte
(encoding, BOM, separators and line endings kept); only the *Dossier complet* is also cut
to a subset of its 1,927 columns, each cell copied as is.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).parent

COMMUNES = ("01001", "01002", "01004", "01005", "06088", "09304", "13055", "13201", "13216",
            "2A004", "2B033", "38185", "55039", "59350", "60694", "69123", "69381", "75056",
            "75101", "75120", "85165", "97101", "97209", "97302", "97411", "97424")


def lines(path: Path) -> list[bytes]:
    """Lines of a file with their own line endings (the BOM stays on the header)."""
    return path.read_bytes().splitlines(keepends=True)


def pick(path: Path, keep, out: str, head: int = 1) -> None:
    """Copy the header lines and the lines for which ``keep(line)`` is true."""
    raw = lines(path)
    chosen = raw[:head] + [line for line in raw[head:] if keep(line)]
    (HERE / out).write_bytes(b"".join(chosen))


def starts(*codes: str, sep: bytes = b";", quote: bytes = b"", skip: int = 0):
    """Predicate: the field number ``skip`` of the line is one of ``codes``."""
    wanted = {quote + c.encode() + quote for c in codes}
    return lambda line: line.split(sep)[skip] in wanted


def main(data: Path) -> None:
    """Write every extract."""
    insee = data / "insee"
    pick(insee / "filosofi_2021/cc_filosofi_2021_COM.csv", starts(*COMMUNES),
         "cc_filosofi_2021_COM_extract.csv")
    pick(insee / "filosofi_disp_2019/FILO2019_DISP_COM.csv", starts(*COMMUNES),
         "FILO2019_DISP_COM_extract.csv")
    pick(insee / "filosofi_disp_2019/FILO2019_DISP_DEP.csv",
         starts("01", "13", "2A", "2B", "38", "75", "972", "974"), "FILO2019_DISP_DEP_extract.csv")
    pick(insee / "filosofi_disp_2019/FILO2019_DISP_REG.csv", lambda line: True,
         "FILO2019_DISP_REG.csv")
    lost = tuple(c.lstrip("0") if c.startswith("0") else c for c in COMMUNES)
    pick(insee / "rp2021_logement_subset/base-cc-logement-2021_subset.CSV", starts(*lost),
         "base-cc-logement-2021_subset_extract.CSV")
    with zipfile.ZipFile(insee / "comparateur_2018/base_cc_comparateur_csv.zip") as source:
        data_lines = source.read("base_cc_comparateur.CSV").splitlines(keepends=True)
        meta_lines = source.read("meta_base_cc_comparateur.CSV").splitlines(keepends=True)
    wanted = starts(*COMMUNES)
    extract = b"".join(data_lines[:1] + [x for x in data_lines[1:] if wanted(x)])
    with zipfile.ZipFile(HERE / "base_cc_comparateur_extract.zip", "w",
                         zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("base_cc_comparateur.CSV", extract)
        archive.writestr("meta_base_cc_comparateur.CSV", b"".join(meta_lines[:8]))
    dossier(insee / "dossier_complet_2024_extract38")
    pick(data / "sante/apl_mg_2023/Accessibilite_potentielle_localisee_mg_2023.txt",
         lambda line: line.split(b"\t")[0] in {c.encode() for c in COMMUNES} | {b"55050"}
         or line.strip() == b"", "Accessibilite_potentielle_localisee_mg_2023_extract.txt")
    ssmsi(data / "ssmsi")
    ips = data / "education/ips_2022"
    uai = (b"0352443R", b"0352445T", b"9710980N", b"0010024W", b"0731372V", b"0382199J")
    for name, communes in (("ecoles", ("35085", "35115", "75101", "13201", "2A004", "97801",
                                       "38057")),
                           ("colleges", ("01173", "01004", "75101", "75112", "73164",
                                         "38503", "38185", "2B033"))):
        pick(ips / f"fr-en-ips_{name}_2022.csv",
             lambda line, c=communes: line.split(b";")[6] in {x.encode() for x in c}
             or line.split(b";")[4] in uai, f"fr-en-ips_{name}_2022_extract.csv")


def dossier(folder: Path) -> None:
    """A column subset of ten communes of the Isère extract, and its dictionary lines."""
    columns = ["CODGEO", "P21_POP", "P21_POP0014", "P21_POPH", "P21_POPF", "C21_POP15P",
               "P21_LOG", "P21_RP", "P21_LOGVAC", "P21_RP_HABFOR", "P21_CHOM1564",
               "P21_ACT1564", "SUPERF", "NBMENFISC21", "MED21", "PIMP21", "TP6021",
               "TP60AGE121", "PPSOC21", "D121", "D921", "RD21", "SNHM22", "ETTOT22",
               "ENCITOT12", "ELECTEURSLP2024"]
    rows = list(csv.reader(io.StringIO(
        (folder / "dossier_complet_grenoble49.csv").read_text(encoding="utf-8"), newline="")))
    index = [rows[0].index(c) for c in columns]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    for row in rows[:11]:
        writer.writerow([row[i] for i in index])
    (HERE / "dossier_complet_extract.csv").write_text(out.getvalue(), encoding="utf-8")
    meta = lines(folder / "meta_dossier_complet_2024.csv")
    wanted = {c.encode() for c in columns[1:]}
    kept = meta[:1] + [x for x in meta[1:] if x.split(b";")[0] in wanted]
    kept += [x for x in meta[1:] if x.startswith(b"CODGEO;")][:3]
    (HERE / "meta_dossier_complet_extract.csv").write_bytes(b"".join(kept))


def ssmsi(folder: Path) -> None:
    """Commune JSON (same serialisation, fewer rows), meta.json, dép./rég. CSV lines."""
    for year in (2019, 2024):
        doc = json.loads((folder / f"communes/{year}.json").read_text(encoding="utf-8"))
        doc["rows"] = [r for r in doc["rows"] if r[0] in COMMUNES + ("55050", "01008")]
        (HERE / f"ssmsi_communes_{year}_extract.json").write_text(
            json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    (HERE / "meta.json").write_bytes((folder / "communes/meta.json").read_bytes())
    classes = (b'"Homicides"', b'"Cambriolages de logement"',
               b'"Destructions et d\xc3\xa9gradations volontaires"')
    years = {b'"19"', b'"23"'}
    for name, skip, codes in (("dep", 2, ("01", "2A", "38", "971", "976")),
                              ("reg", 2, ("01", "06", "84"))):
        pick(folder / f"dep_reg_2023/donnee-{name}-2023.csv",
             lambda line, s=skip, c=codes: line.split(b";")[0] in classes
             and line.split(b";")[1] in years
             and (starts(*c, quote=b'"', skip=s)(line) or line.split(b";")[s] == b"NA"),
             f"donnee-{name}-2023_extract.csv")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data"))
