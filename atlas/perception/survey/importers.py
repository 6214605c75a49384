"""Import delivered survey files (CSV, XLSX, SPSS ``.sav``) into the survey model.

:func:`import_survey` reads a respondent-level file through a mapping
(:mod:`~atlas.perception.survey.mapping`) and returns a
:class:`~atlas.perception.survey.model.Survey`;
:func:`import_aggregates` reads a published table in the aggregated form. Both validate every
row and list every rejected row in an :class:`ImportReport` (file, row as the user sees it —
header = row 1 for CSV/XLSX, case number for SAV —, column, value, reason). Import is
all-or-nothing by default: one rejected row raises :class:`ImportRejected`, carrying the full
report; ``keep_valid_rows=True`` returns the valid rows and the report instead. Nothing is
dropped silently: empty rows skipped, leading zeros restored and rows rejected are all
written in the report.

Files are parsed as data only (no pickle, no evaluation of their content) and refused above
``max_bytes``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cache
from os import PathLike
from pathlib import Path

import pandas as pd

from atlas.perception.survey.import_report import (
    FileTooLarge,
    ImportRejected,
    ImportReport,
    Rejection,
    SurveyFileError,
)
from atlas.perception.survey.mapping import (
    AGGREGATE_ACTORS,
    AGGREGATE_LEVELS,
    ITEMS,
    MEASURES,
    RESPONDENT_LEVELS,
    SHARE_UNITS,
    AggregateMapping,
    FileOptions,
    RespondentMapping,
    load_mapping,
    normalize_key,
)
from atlas.perception.survey.model import (
    ACTORS,
    AGGREGATE_COLUMNS,
    RESPONDENT_COLUMNS,
    Survey,
    Wave,
)
from atlas.perception.survey.reading import (
    DEFAULT_MAX_BYTES,
    FORMATS,
    Source,
    decimal_mark,
    read,
    require_columns,
)
from atlas.perception.survey.validation import Validator, identity_map
from geodata.levels import level as level_of

__all__ = ["AggregateImport", "FileTooLarge", "ImportRejected", "ImportReport",
           "ImportResult", "Rejection", "SurveyFileError", "import_aggregates",
           "import_survey"]


@dataclass(frozen=True)
class ImportResult:
    """An imported respondent file: the survey, the report, and where each row came from."""

    survey: Survey
    report: ImportReport
    source_rows: tuple[int, ...]
    """Row (or case) number in the file of each respondent, in order."""

    @property
    def respondents(self) -> pd.DataFrame:
        """The respondent table (:data:`~atlas.perception.survey.model.RESPONDENT_COLUMNS`)."""
        return self.survey.respondents


@dataclass(frozen=True)
class AggregateImport:
    """An imported published table (:data:`~atlas.perception.survey.model.AGGREGATE_COLUMNS`)."""

    table: pd.DataFrame
    report: ImportReport
    source: str
    simulated: bool = False
    waves: tuple[Wave, ...] = ()
    notes: tuple[str, ...] = ()


# --- public API ---------------------------------------------------------------------------

def import_survey(source: Source, mapping: RespondentMapping | str | PathLike[str], *,
                  keep_valid_rows: bool = False, max_bytes: int | None = DEFAULT_MAX_BYTES,
                  geodata_root: Path | None = None) -> ImportResult:
    """Import a respondent-level survey file.

    Parameters
    ----------
    source
        A ``.csv``, ``.xlsx`` or ``.sav`` file (path, or binary file object with a name).
    mapping
        A :class:`~atlas.perception.survey.mapping.RespondentMapping` or the path of its YAML file.
    keep_valid_rows
        Return the valid rows when some are rejected, instead of raising.
    max_bytes
        Refuse larger files (``None``: no limit).
    geodata_root
        Folder of the geometry artifacts giving the valid territory codes (default cache).

    Returns
    -------
    ImportResult
        ``survey`` (respondents in :data:`~atlas.perception.survey.model.RESPONDENT_COLUMNS`, the
        mapping's waves, ``source`` = survey name, ``simulated=False``) and ``report``.

    Raises
    ------
    SurveyFileError
        The file cannot be read, is too large, or lacks a mapped column.
    ImportRejected
        Some rows were rejected and ``keep_valid_rows`` is False.
    """
    mapping = _as_mapping(mapping, RespondentMapping)
    table = read(source, mapping.file, max_bytes, tuple(FORMATS.values()))
    require_columns(table, mapping.columns(), mapping.source)
    rankings = [r for r in (mapping.dimensions, mapping.domains) if r is not None]
    numeric = [mapping.weight.column] + [c for r in rankings if r.ranks for c in r.columns]
    decimal = decimal_mark(table, [c for c in numeric if c is not None], mapping.file.decimal)
    check = Validator(table, decimal, mapping.source)
    fields = mapping.fields()

    ids = check.text(fields["respondent_id"])
    check.reject_missing(ids, fields["respondent_id"], "respondent id")
    check.reject_duplicates(ids, fields["respondent_id"])
    actor = check.translate(fields["actor"], "actor", "actor type",
                            identity_map(ACTORS, ACTORS.values()))
    waves = {w.id: w for w in mapping.waves}
    wave = check.translate(fields["wave"], "wave", "wave",
                           identity_map(waves, [w.name for w in mapping.waves]))
    level = check.translate(fields["territory_level"], "territory_level", "territory level",
                            identity_map(RESPONDENT_LEVELS,
                                        [level_of(lv).label for lv in RESPONDENT_LEVELS]))
    valid = _territory_codes(geodata_root)
    code = check.codes(fields["territory_code"], level, valid)
    code = check.territories(code, level, fields["territory_code"], valid)
    weight = check.positive(fields["weight"], "weight")
    ranks: dict[str, pd.Series] = {}
    for ranking in rankings:
        ranks.update(check.ranking(ranking))
    check.actors_of_waves(actor, wave, waves, fields["actor"])

    keep = check.valid_rows(keep_valid_rows)
    data = {"respondent_id": ids, "actor": actor, "wave": wave, "territory_code": code,
            "territory_level": level, "weight": weight}
    unranked = pd.Series(pd.NA, index=table.frame.index, dtype="Int64")
    frame = pd.DataFrame(
        {c: (data[c] if c in data else ranks.get(c, unranked))
         for c in RESPONDENT_COLUMNS}).loc[keep].reset_index(drop=True)
    frame = frame.astype({**{c: "str" for c in RESPONDENT_COLUMNS[:5]}, "weight": "float64",
                          **{c: "Int64" for c in RESPONDENT_COLUMNS[6:]}})
    report = check.report(int(keep.sum()))
    unranked = frame[list(RESPONDENT_COLUMNS[6:])].isna().all(axis=1).sum()
    if unranked:
        report = dataclasses.replace(report, notes=(
            *report.notes, f"{unranked} respondents ranked no dimension and no domain "
            "(kept: they answered the survey but not the ranking question)"))
    notes = list(mapping.notes)
    notes.append(f"imported from {table.file} with the mapping {Path(mapping.source).name}")
    if report.rejections:
        notes.append(f"{len(report.rejected_rows)} of {report.n_rows} rows of {table.file} "
                     "rejected at import (see the import report)")
    survey = Survey(respondents=frame, waves=_waves_with_actors(mapping.waves, frame),
                    source=mapping.name, simulated=False, notes=tuple(notes))
    rows = tuple(int(r) for r in table.rows[keep.to_numpy()])
    return ImportResult(survey=survey, report=report, source_rows=rows)


def import_aggregates(source: Source, mapping: AggregateMapping | str | PathLike[str] | None = None,
                      *, keep_valid_rows: bool = False,
                      max_bytes: int | None = DEFAULT_MAX_BYTES,
                      geodata_root: Path | None = None, name: str | None = None
                      ) -> AggregateImport:
    """Import a published table in the aggregated form.

    Parameters
    ----------
    source
        A ``.csv`` or ``.xlsx`` file (path, or binary file object with a name).
    mapping
        An :class:`~atlas.perception.survey.mapping.AggregateMapping` or its YAML file;
        ``None`` when the columns already bear the names of
        :data:`~atlas.perception.survey.model.AGGREGATE_COLUMNS`
        (``n_unweighted`` and ``n_effective`` may then be absent).
    keep_valid_rows, max_bytes, geodata_root
        As for :func:`import_survey`.
    name
        Source name when there is no mapping (default: the file name).

    Returns
    -------
    AggregateImport
        The table (shares in [0, 1]), the report, the source name, ``simulated=False``.

    Raises
    ------
    SurveyFileError
        The file cannot be read, is too large, or lacks a mapped column.
    ImportRejected
        Some rows were rejected and ``keep_valid_rows`` is False.
    """
    if mapping is not None:
        mapping = _as_mapping(mapping, AggregateMapping)
    options = mapping.file if mapping is not None else FileOptions()
    table = read(source, options, max_bytes, ("csv", "xlsx"))
    if mapping is None:
        mapping = AggregateMapping.identity(name or table.file, tuple(table.frame.columns))
    require_columns(table, mapping.columns(), mapping.source)
    fields = mapping.fields
    numeric = [f.column for k, f in fields.items() if f is not None and f.column is not None
               and k in ("share", "n_unweighted", "n_effective")]
    check = Validator(table, decimal_mark(table, numeric, options.decimal), mapping.source)

    level = check.translate(fields["territory_level"], "territory_level", "territory level",
                            identity_map(AGGREGATE_LEVELS,
                                        [level_of(lv).label for lv in AGGREGATE_LEVELS]))
    valid = _territory_codes(geodata_root)
    code = check.codes(fields["territory_code"], level, valid)
    code = check.territories(code, level, fields["territory_code"], valid)
    actor = check.translate(fields["actor"], "actor", "actor",
                            identity_map(AGGREGATE_ACTORS, ACTORS.values()))
    item = check.translate(fields["item"], "item", "item", _item_identities())
    measure = check.translate(fields["measure"], "measure", "measure", identity_map(MEASURES))
    share = check.share(fields["share"], SHARE_UNITS[mapping.share_unit], mapping.share_unit)
    n_raw, n_eff = check.sample_sizes(fields["n_unweighted"], fields["n_effective"])
    frame = pd.DataFrame({"territory_code": code, "territory_level": level, "actor": actor,
                          "item": item, "measure": measure, "share": share,
                          "n_unweighted": n_raw, "n_effective": n_eff})
    check.aggregate_consistency(frame, mapping)

    keep = check.valid_rows(keep_valid_rows)
    frame = frame.loc[keep].reset_index(drop=True).astype(
        {**{c: "str" for c in AGGREGATE_COLUMNS[:5]}, "share": "float64",
         "n_unweighted": "Int64", "n_effective": "float64"})
    report = check.report(int(keep.sum()))
    notes = [*mapping.notes, *_share_sum_notes(frame)]
    if report.rejections:
        notes.append(f"{len(report.rejected_rows)} of {report.n_rows} rows of {table.file} "
                     "rejected at import (see the import report)")
    return AggregateImport(table=frame, report=report, source=mapping.name, simulated=False,
                           waves=mapping.waves, notes=tuple(notes))


def _as_mapping(mapping, kind: type):
    if isinstance(mapping, str | PathLike):
        mapping = load_mapping(mapping)
    if not isinstance(mapping, kind):
        form = "respondents" if kind is RespondentMapping else "aggregates"
        raise TypeError(f"expected a mapping of form '{form}', got {type(mapping).__name__}"
                        + (f" from {mapping.source}" if hasattr(mapping, "source") else ""))
    return mapping


def _waves_with_actors(waves: tuple[Wave, ...], frame: pd.DataFrame) -> tuple[Wave, ...]:
    """Waves as declared; a wave declared without actors gets those found in its rows."""
    return tuple(w if w.actors else dataclasses.replace(w, actors=tuple(
        a for a in ACTORS if ((frame["wave"] == w.id) & (frame["actor"] == a)).any()))
        for w in waves)


def _share_sum_notes(frame: pd.DataFrame) -> list[str]:
    """Notes on complete sets of items whose shares do not sum to 1 (first) or 2."""
    notes = []
    target = {"first": 1.0, "first_or_second": 2.0}
    kind = frame["item"].str.split(":").str[0]
    for keys, group in frame.groupby([frame["territory_code"], frame["actor"],
                                      frame["measure"], kind]):
        code, actor, measure, item_kind = keys
        if len(group) == len(ITEMS[item_kind]):
            total = group["share"].sum()
            if abs(total - target[measure]) > 0.005 * len(group) + 1e-9:
                notes.append(f"shares of the {len(group)} {item_kind}s ({code}, {actor}, "
                             f"{measure}) sum to {total:.3f}, not {target[measure]:g}")
    return notes


def _item_identities() -> dict[str, str]:
    table = {}
    for kind, items in ITEMS.items():
        for item_id, item in items.items():
            target = f"{kind}:{item_id}"
            table.update({normalize_key(k): target for k in (target, item_id, item.label)})
    return table


@cache
def _territory_codes(root: Path | None) -> dict[str, frozenset[str]]:
    """Valid codes of each level, from the geometry artifacts."""
    from geodata import store

    return {level: frozenset(store.attributes(level_of(level).id, root)["code"].astype(str))
            for level in ("region", "departement", "commune")}
