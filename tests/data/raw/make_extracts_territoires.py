"""Cut the extracts of the Observatoire, IRIS, IFN, CAF, NTD, ARCEP and France services files.

Run from the repository root: ``python tests/data/raw/make_extracts_territoires.py [DATA]``
with DATA the raw data folder (default ``../shared/data``). Text files keep whole records
byte for byte (encoding, BOM, quoting, line endings, a missing final line ending). The xlsx
extracts are rewritten with openpyxl, same sheet names and cell layout (title rows, header
row, sheets of metadata); a formula cell (the ``scale`` column) is written as
its cached value, which openpyxl cannot store beside a formula. The parquet extracts keep
the original column types for a subset of rows and columns. See README.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import openpyxl
import pandas as pd

HERE = Path(__file__).parent

COMMUNES = ("01001", "01002", "01004", "06088", "13055", "2A004", "2B033", "55039", "69123",
            "75056", "93059", "93066", "97411", "97617")
IRIS_COMMUNES = ("01001", "01002", "01004")
IRIS_PARIS = ("751041301", "751041302", "751041303", "751041304", "751041305", "751041399",
              "751145407")


def records(path: Path) -> list[bytes]:
    """Records of a csv file with their own line endings (a quoted field may hold newlines)."""
    out, current = [], b""
    for line in path.read_bytes().splitlines(keepends=True):
        current += line
        if current.count(b'"') % 2 == 0:
            out.append(current)
            current = b""
    return out + ([current] if current else [])


def cut(path: Path, out: Path, keep, head: int = 1) -> None:
    """Copy the first ``head`` records and the others for which ``keep(record)`` is true."""
    chosen = records(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(b"".join(chosen[:head] + [r for r in chosen[head:] if keep(r)]))


def field(record: bytes, number: int, sep: bytes = b",") -> str:
    """Field ``number`` of a record, quotes and spaces removed."""
    return record.split(sep)[number].strip().strip(b'"').decode()


def xlsx(source: Path, out: Path, keep, head: int = 1) -> None:
    """Rewrite ``source`` with every sheet: the first ``head`` rows and the kept rows.

    Sheets other than the first are small metadata sheets, copied whole.
    """
    book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    target = openpyxl.Workbook()
    target.remove(target.active)
    for n, sheet in enumerate(book.worksheets):
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        if n == 0:
            rows = rows[:head] + [r for r in rows[head:] if keep(r)]
        copy = target.create_sheet(sheet.title)
        for i, row in enumerate(rows, start=1):
            for j, value in enumerate(row, start=1):
                if value is not None:
                    copy.cell(row=i, column=j, value=value)
    target.save(out)


def observatoire(data: Path) -> None:
    """The xlsx exports of the Observatoire des territoires."""
    ot = data / "observatoire" / "ot_indicateurs"
    wanted = set(COMMUNES) | {1.0, "2A", 971.0, 976.0, 6.0, 11.0, 94.0}
    xlsx(ot / "securite.xlsx", HERE / "ot_securite_extract.xlsx", lambda r: r[0] in wanted)
    xlsx(ot / "mixite_generationelle.xlsx", HERE / "ot_mixite_generationelle_extract.xlsx",
         lambda r: r[0] in {"01001", "01004", "55039", "97617", 976.0, 6.0})
    xlsx(ot / "couvert_forestier.xlsx", HERE / "ot_couvert_forestier_extract.xlsx",
         lambda r: str(r[0])[:5] in IRIS_COMMUNES or r[0] in {"01", "69D", "69M", "2A", "84",
                                                              "94", "75056"})
    xlsx(ot / "cyclabilite.xlsx", HERE / "ot_cyclabilite_extract.xlsx",
         lambda r: r[0] in {"01001", "01004", "2A004", 27058.0})
    mobility = data / "observatoire" / "ot_mobilite" / "insee_rp_hist_part_domtrav_tc.xlsx"
    xlsx(mobility, HERE / "ot_part_domtrav_tc_extract.xlsx",
         lambda r: r[0] in {"01001", "01004", "2A004", "75056", "97411", "97617"}, head=5)


def iris(data: Path) -> None:
    """The PTOD IRIS parquet (two départements) and its table of communes >= 5,000."""
    ptod = data / "observatoire" / "ptod_rp2022"
    columns = ["code", "COM", "dep", "libelle_com", "TYP_IRIS", "P22_POP", "dm_0014_pct_22",
               "men_seul_pct_22", "soc_txchom_1564_22", "rev_txpauv_21", "rev_med_21",
               "men_tot_stock_22", "logd_dpe_fg_pct_24", "ecosi_nafdom1_cat_26"]
    folder = HERE / "ptod_iris"
    folder.mkdir(exist_ok=True)
    one = pd.read_parquet(ptod / "iris" / "agg_iris_01.parquet", columns=columns)
    one[one["COM"].isin(IRIS_COMMUNES)].to_parquet(folder / "agg_iris_01.parquet",
                                                   index=False)
    paris = pd.read_parquet(ptod / "iris" / "agg_iris_75.parquet", columns=columns)
    paris[paris["code"].isin(IRIS_PARIS)].to_parquet(folder / "agg_iris_75.parquet",
                                                     index=False)
    communes = pd.read_parquet(ptod / "agg_commARM_5Khab.parquet",
                               columns=["code", "libelle", "P22_POP", "dmv_75p_pct_22",
                                        "soc_txchom_1564_22", "rev_txpauv_21"])
    keep = communes["code"].isin({"00FR", "01004", "01033", "75056", "75101", "75120",
                                  "13055", "13201", "93066"})
    communes[keep].to_parquet(HERE / "agg_commARM_5Khab_extract.parquet", index=False)


def ifn(data: Path) -> None:
    """Headerless région files of the IFN and their header file."""
    source = data / "numerique" / "ifn_iris_2020"
    out = HERE / "ifn_iris"
    (out).mkdir(exist_ok=True)
    (out / "headers.csv").write_bytes((source / "headers.csv").read_bytes())
    picks = {
        "11.csv": {"912860107", "751041301", "751041302", "751041699"},
        "84.csv": {"10010000", "10020000", "10040101", "10040102", "10040201", "10040202",
                   "262740000"},
        "94.csv": {"2A0040101", "2B1520000"},
    }
    for name, codes in picks.items():
        cut(source / name, out / name, lambda r, c=codes: field(r, 7, b";") in c, head=0)
    last = records(source / "4.csv")[-2:]  # Martinique; the file lacks a final line ending
    (out / "4.csv").write_bytes(b"".join(last))


def caf(data: Path) -> None:
    """CNAF recipients by IRIS."""
    wanted = {"010040101", "010040102", "010040201", "010040202", "010330201", "010330202",
              "2A0040101", "751041301", "751041302", "751041399", "132010101"}
    cut(data / "caf" / "iris_2020" / "data_CAF_2020_IRIS.csv",
        HERE / "data_CAF_2020_IRIS_extract.csv", lambda r: field(r, 0, b";") in wanted)


def ntd(data: Path) -> None:
    """Six of the NTD tables."""
    source = data / "observatoire" / "ntd_empreintes"
    communes = set(COMMUNES) | {"01019", "22016", "75101", "13201", "69381"}
    for name in ("bpe_communes", "mobilite_communes", "dispersion_communes",
                 "associations_communes", "filosofi_communes"):
        cut(source / f"{name}.csv", HERE / f"ntd_{name}_extract.csv",
            lambda r: field(r, 0) in communes)
    epci = {"200054781", "200000172", "EPTPC", "ZZZZZZZZZ", "null", "240100750"}
    for name in ("score_socle_epci", "solaire_epci"):
        cut(source / f"{name}.csv", HERE / f"ntd_{name}_extract.csv",
            lambda r: field(r, 0) in epci)


def arcep(data: Path) -> None:
    """ARCEP FttH per commune: the title lines, the header and a few communes."""
    wanted = set(COMMUNES) | {"01005", "97801"}
    cut(data / "numerique" / "arcep_ftth_2018" / "ftthCommunes_T3-2017_T1-2018.csv",
        HERE / "ftthCommunes_T3-2017_T1-2018_extract.csv", lambda r: field(r, 0) in wanted,
        head=5)


def france_services(data: Path) -> None:
    """France services sites and conseillers numériques hosts."""
    source = data / "numerique" / "france_services"
    sites = {"1", "3", "99", "76", "124", "280", "426", "435", "942", "657", "1679", "1684",
             "1685", "2688"}
    cut(source / "liste-fs.csv", HERE / "liste-fs_extract.csv",
        lambda r: field(r, 0) in sites)
    with open(source / "cnum.json", encoding="utf-8") as handle:
        hosts = json.load(handle)
    codes = {"03218", 40075, 43034, "06010", 75118, 13213, 69152, 25282, 97801, 93059, 49069}
    seen: set = set()
    kept = {}
    for name, host in hosts.items():
        code = host["Code commune Insee"]
        if code in codes and code not in seen:
            kept[name] = host
            seen.add(code)
    text = json.dumps(kept, indent=2, ensure_ascii=False)
    (HERE / "cnum_extract.json").write_text(text, encoding="utf-8")


def main(data: Path) -> None:
    """Write every extract."""
    observatoire(data)
    iris(data)
    ifn(data)
    caf(data)
    ntd(data)
    arcep(data)
    france_services(data)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data"))
