"""The committed snapshot of the Grand Débat answers, and its build from the raw files.

``atlas perception build --raw ../shared/data`` reads the files of
``perception/grand_debat_2019/`` (:func:`~atlas.perception.grand_debat.reading.read_contributions`)
and writes, beside this module, four small Parquet tables (closed answers of every closed
question, words of the declared open questions, contributors, questions' texts) and
``provenance.json`` (files with size and SHA-256, what was kept apart, the national check).
The atlas reads only the snapshot (:func:`load`), so it runs without the raw files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from functools import cache
from pathlib import Path

import pandas as pd

from atlas.perception.grand_debat.questions import CLOSED, OPEN
from atlas.perception.grand_debat.reading import (
    CAVEAT,
    QUESTIONNAIRES,
    SOURCE_ID,
    SOURCE_LABEL,
    Contributions,
    national_share,
    read_contributions,
)

SNAPSHOT_DIR = Path(__file__).with_name("snapshot")
RAW_SUBFOLDER = Path("perception") / "grand_debat_2019"
"""Where the files are inside the raw data folder."""
TABLES = ("closed", "keywords", "contributors", "questions")
PROVENANCE = "provenance.json"
PUBLISHER = ("Grand Débat national, contributions en ligne publiées en données ouvertes "
             "(Licence Ouverte) ; agrégation par région, mois et type d'auteur : "
             "jgorene/grand-debat-synthese, export du 21 mars 2019")
NATIONAL_CHECK = ("transition", "Q3", "yes", 95_669, 153_809)
"""The organisers' published national figure: 95,669 « oui » of 153,809 contributors."""


def build(raw: str | Path, out: str | Path | None = None) -> dict:
    """Read the raw Grand Débat files under ``raw`` and write the snapshot into ``out``.

    Parameters
    ----------
    raw
        The raw data folder (holding ``perception/grand_debat_2019/``) or that folder itself.
    out
        Where to write (default: the package's ``snapshot/`` folder).

    Returns
    -------
    dict
        The provenance record written.

    Raises
    ------
    FileNotFoundError
        Neither ``raw`` nor ``raw/perception/grand_debat_2019`` holds the files.
    LoadError
        A file is missing or malformed (file, row and column named).
    ValueError
        The national check fails: the files are not the published ones.
    """
    folder = Path(raw)
    if (folder / RAW_SUBFOLDER).is_dir():
        folder = folder / RAW_SUBFOLDER
    elif not any(folder.glob("transition_*.csv")):
        raise FileNotFoundError(f"{folder / RAW_SUBFOLDER}: no Grand Débat folder (give the "
                                "raw data folder that holds perception/grand_debat_2019/)")
    out = Path(out) if out is not None else SNAPSHOT_DIR
    contributions, report = read_contributions(folder)
    questionnaire, question, answer, count, total = NATIONAL_CHECK
    found = national_share(contributions.closed, questionnaire, question, answer)
    if found[:2] != (count, total):
        raise ValueError(f"{folder}: {questionnaire} {question} gives {found[0]:,} « oui » "
                         f"of {found[1]:,} contributors; the published figure is {count:,} "
                         f"of {total:,}: not the files of 21 March 2019")
    open_ids = {(q.questionnaire, q.question) for q in OPEN}
    keywords = contributions.keywords
    kept = keywords[[(a, b) in open_ids for a, b in zip(keywords["questionnaire"],
                                                         keywords["question"], strict=True)]]
    tables = {"closed": contributions.closed, "keywords": kept,
              "contributors": contributions.contributors,
              "questions": contributions.questions}
    out.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        table.reset_index(drop=True).to_parquet(out / f"{name}.parquet", index=False,
                                                compression="zstd")
    provenance = {
        "source": SOURCE_ID, "label": SOURCE_LABEL, "publisher": PUBLISHER,
        "caveat": CAVEAT, "period": "janvier – mars 2019",
        "built": dt.date.today().isoformat(),
        "files": [dict(entry, file=Path(entry["file"]).name,
                       sha256=_sha256(folder / Path(entry["file"]).name),
                       bytes=(folder / Path(entry["file"]).name).stat().st_size)
                  for entry in report.files],
        "questionnaires": {q: {"title": QUESTIONNAIRES[q], "contributors": int(
            contributions.contributors.loc[contributions.contributors["questionnaire"] == q,
                                           "contributors"].sum())} for q in QUESTIONNAIRES},
        "national_check": {"question": f"{questionnaire}:{question}", "yes": found[0],
                           "contributors": found[1], "share": round(found[2], 4)},
        "read": {k: v for k, v in report.to_dict().items() if k != "files"},
        "keywords_kept": sorted(f"{a}:{b}" for a, b in open_ids),
        "keywords_note": ("only the ten most frequent words of each published row "
                          "(month × région × author type) are in the files: word counts "
                          "are lower bounds"),
        "closed_questions_read_as_fragility": [q.id for q in CLOSED],
    }
    for entry in provenance["read"]["rejected_rows"]:
        entry["file"] = Path(entry["file"]).name
    for key in ("choice_rows_left_out", "empty_word_counts_left_out"):
        provenance["read"][key] = {Path(f).name: n for f, n in provenance["read"][key].items()}
    (out / PROVENANCE).write_text(json.dumps(provenance, ensure_ascii=False, indent=1) + "\n",
                                  encoding="utf-8")
    if out == SNAPSHOT_DIR:
        load.cache_clear()
    return provenance


@cache
def load(directory: Path | None = None) -> Contributions:
    """The snapshot's tables (cached).

    Raises
    ------
    FileNotFoundError
        If the snapshot was never built (run ``atlas perception build``).
    """
    folder = directory or SNAPSHOT_DIR
    missing = [t for t in TABLES if not (folder / f"{t}.parquet").exists()]
    if missing:
        raise FileNotFoundError(f"{folder}: no Grand Débat snapshot ({', '.join(missing)} "
                                "missing); build it with `atlas perception build --raw DIR`")
    tables = {t: pd.read_parquet(folder / f"{t}.parquet") for t in TABLES}
    for name in ("closed", "keywords", "contributors"):
        region = tables[name]["region"]
        tables[name]["region"] = region.astype(object).where(region.notna(), None)
    return Contributions(**tables)


@cache
def provenance(directory: Path | None = None) -> dict:
    """The snapshot's provenance record."""
    folder = directory or SNAPSHOT_DIR
    return json.loads((folder / PROVENANCE).read_text(encoding="utf-8"))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
