"""Validating the rows of a survey file against its mapping; every rejected row is reported."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from atlas.perception.survey.import_report import ImportRejected, ImportReport, Rejection
from atlas.perception.survey.mapping import (
    ITEMS,
    SHOWN_CHARS,
    AggregateMapping,
    Field,
    Ranking,
    clip,
    normalize_key,
)
from atlas.perception.survey.model import (
    DIMENSION_RANK,
    DOMAIN_RANK,
    Wave,
)
from atlas.perception.survey.reading import Table
from geodata.levels import level as level_of

_CODE_WIDTH = {"region": 2, "departement": 2, "commune": 5}
_RANK_PREFIX = {"dimension": DIMENSION_RANK, "domain": DOMAIN_RANK}
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


def identity_map(ids, labels=()) -> dict[str, str]:
    """Normalised id or label → id (labels given in the same order as ids)."""
    ids = list(ids)
    table = {normalize_key(i): i for i in ids}
    table.update({normalize_key(label): i for i, label in zip(ids, labels, strict=False)})
    return table


def _territory_reason(code: str, level: str, valid: dict[str, frozenset[str]]) -> str:
    label = level_of(level).label
    if level == "france":
        return f"territory level 'france' takes the code 'FR', not {code!r}"
    if code == "FR":
        return f"code 'FR' is for level 'france', not {label}"
    others = [level_of(lv).label for lv, codes in valid.items() if code in codes]
    if others:
        return (f"{code!r} is a {' or '.join(others)} code, not a {label} code "
                f"(territory level {level!r})")
    if level == "commune":
        from indicators.crosswalk import crosswalk

        walk = crosswalk()
        if code in walk.kind.index:
            kind, target = walk.kind[code], walk.target[code]
            if kind == "ARM":
                return (f"{code!r} is a municipal arrondissement: use the commune code "
                        f"{target!r}")
            return (f"{code!r} is no longer a commune: merged into {target!r} "
                    "(commune nouvelle); recode it")
    return f"unknown {label} code {code!r}"


# --- validation ---------------------------------------------------------------------------

class Validator:
    """Vectorised checks on a :class:`Table`, collecting rejections."""

    def __init__(self, table: Table, decimal: str, mapping_source: str):
        self.table = table
        self.decimal = decimal
        self.mapping = Path(mapping_source).name
        self.index = table.frame.index
        self.rejected = np.zeros(len(table.frame), dtype=bool)
        self.problems: list[tuple[int, int, str, str, str]] = []
        """(position, order of the check, column, value, reason)."""
        self.notes = list(table.notes)

    # bookkeeping
    def reject(self, mask: pd.Series, column: str,
               reason: str | Callable[[str], str], values: pd.Series | None = None) -> None:
        """Reject the rows of ``mask``; ``reason`` may be a function of the shown value."""
        positions = np.flatnonzero(mask.fillna(False).to_numpy(dtype=bool))
        if not len(positions):
            return
        self.rejected[positions] = True
        order = len(self.problems)
        for position in positions:
            raw, shown = ("", "") if values is None else _shown(values.iloc[position])
            text = reason(shown) if callable(reason) else reason
            self.problems.append((int(position), order, column, raw, text))

    def valid_rows(self, keep_valid_rows: bool) -> pd.Series:
        """Mask of accepted rows; raise :class:`ImportRejected` when all-or-nothing."""
        if self.rejected.any() and not keep_valid_rows:
            raise ImportRejected(self.report(0))
        return pd.Series(~self.rejected, index=self.index)

    def report(self, n_accepted: int) -> ImportReport:
        """The import report."""
        table = self.table
        rejections = tuple(
            Rejection(file=table.file, row=int(table.rows[p]), column=c, value=v, reason=r,
                      row_label=table.row_label)
            for p, _, c, v, r in sorted(self.problems, key=lambda x: (x[0], x[1])))
        return ImportReport(file=table.file, format=table.format, n_rows=len(table.frame),
                            n_accepted=n_accepted, rejections=rejections,
                            notes=tuple(self.notes))

    @staticmethod
    def column(field: Field, key: str) -> str:
        """Name of a field's column in messages (a constant names the mapping key)."""
        return field.column if field.column is not None else f"{key} (constant)"

    # cells
    def text(self, field: Field) -> pd.Series:
        """A field as text (missing when empty)."""
        if field.is_constant:
            return pd.Series([str(field.constant)] * len(self.index), index=self.index,
                             dtype=object)
        return self.table.texts(field.column)[0]

    def numbers(self, column: str) -> tuple[pd.Series, pd.Series]:
        """A column as floats (NaN when missing) and the mask of non-numbers."""
        return self.table.numbers(column, self.decimal)

    def translate(self, field: Field, key: str, what: str,
                  identities: dict[str, str]) -> pd.Series:
        """Map values or (SAV) value labels to ids; reject missing and unknown values."""
        texts = self.text(field)
        if field.is_constant:
            return texts
        lookup = dict(identities)
        lookup.update({normalize_key(k): v for k, v in field.values.items()})
        labels = self.table.labels.get(field.column, {})
        found: dict[str, str | None] = {}
        for text in texts.dropna().unique():
            target = lookup.get(normalize_key(text))
            label = labels.get(normalize_key(text))
            if target is None and label is not None:
                target = lookup.get(normalize_key(label))
            found[text] = target
        mapped = texts.map(found).astype(object)
        column = field.column
        self.reject_missing(texts, field, what)
        valid = sorted(set(identities.values()))
        self.reject(texts.notna() & mapped.isna(), column,
                    lambda v: f"unknown {what} {v}; valid: {', '.join(valid)} (or map it under "
                              f"columns.{key}.values in {self.mapping})",
                    self.shown(texts, field))
        return mapped

    def shown(self, texts: pd.Series, field: Field) -> pd.Series:
        """Values as shown in messages: ``'2' (label 'Élu')`` for labelled SAV codes."""
        labels = self.table.labels.get(field.column or "", {})
        if not labels:
            return texts
        def show(text: object) -> object:
            key = normalize_key(text) if isinstance(text, str) else None
            return _Shown(f"{text!r} (label {labels[key]!r})", text) if key in labels else text

        return pd.Series([show(t) for t in texts], index=self.index, dtype=object)

    # fields
    def reject_missing(self, texts: pd.Series, field: Field, what: str) -> None:
        """Reject rows where the field is missing."""
        self.reject(texts.isna(), self.column(field, what), f"missing {what}")

    def reject_duplicates(self, ids: pd.Series, field: Field) -> None:
        """Reject every row of an id given more than once, naming its first rows."""
        duplicated = ids.notna() & ids.duplicated(keep=False)
        if not duplicated.any():
            return
        rows = pd.Series(self.table.rows, index=self.index)[duplicated]
        where = _rows_of_groups(rows, [ids[duplicated]], self.table.row_label)
        shown = pd.Series([_Shown(f"{t!r} ({where[(t,)]})", t) if d else None
                           for t, d in zip(ids, duplicated, strict=True)],
                          index=self.index, dtype=object)
        self.reject(duplicated, self.column(field, "respondent_id"),
                    lambda v: f"duplicate respondent id {v}", shown)

    def codes(self, field: Field, level: pd.Series,
              valid: dict[str, frozenset[str]]) -> pd.Series:
        """Territory codes; with ``zero_pad``, the leading zero a spreadsheet dropped restored.

        Only a code one digit short of its level's width is padded, and only when the padded
        code exists at that level (« 1001 » → « 01001 », « 2 » → « 02 »; « 34 » given as a
        commune stays « 34 »); every restoration is counted in a note.
        """
        texts = self.text(field)
        if field.column is not None:
            self.reject_missing(texts, field, "territory code")
        if not field.zero_pad:
            return texts
        padded = texts.copy()
        for lv, width in _CODE_WIDTH.items():
            short = ((level == lv) & texts.notna() & texts.str.fullmatch(r"\d+").fillna(False)
                     & (texts.str.len() == width - 1))
            candidate = "0" + texts[short]
            padded[short] = candidate.where(candidate.isin(valid.get(lv, ())), texts[short])
        changed = texts.notna() & (padded != texts)
        if changed.any():
            first = changed.idxmax()
            self.notes.append(f"leading zeros restored on {int(changed.sum())} territory codes "
                              f"(e.g. {texts[first]!r} → {padded[first]!r}, "
                              f"{self.table.row_label} {self.table.rows[first]})")
        return padded

    def territories(self, code: pd.Series, level: pd.Series, field: Field,
                    valid: dict[str, frozenset[str]]) -> pd.Series:
        """Codes checked against their level's; former communes recoded (noted).

        A commune code that is no longer a commune (merged into a commune nouvelle, or an
        old code) and a municipal arrondissement code are recoded to the current commune,
        as the indicators are, with a note counting each kind. Unknown codes and codes of
        another level than the row's are rejected.
        """
        code = self._current_communes(code, level, valid.get("commune", frozenset()))
        ok = pd.Series(False, index=self.index)
        for lv, codes in valid.items():
            ok |= (level == lv) & code.isin(codes)
        ok |= (level == "france") & (code == "FR")
        bad = code.notna() & level.notna() & ~ok
        if not bad.any():
            return code
        reasons = {(c, lv): _Shown(_territory_reason(c, lv, valid), c)
                   for c, lv in set(zip(code[bad], level[bad], strict=True))}
        shown = pd.Series([reasons.get(p) for p in zip(code, level, strict=True)],
                          index=self.index, dtype=object)
        self.reject(bad, self.column(field, "territory_code"), lambda v: v, shown)
        return code

    def _current_communes(self, code: pd.Series, level: pd.Series,
                          communes: frozenset[str]) -> pd.Series:
        """Recode former commune and arrondissement codes to their current commune."""
        former = (level == "commune") & code.notna() & ~code.isin(communes)
        if not former.any():
            return code
        from indicators.crosswalk import crosswalk

        walk = crosswalk()
        known = former & code.isin(walk.target.index)
        target = code[known].map(walk.target)
        known[known] = target.isin(communes).to_numpy()
        if not known.any():
            return code
        out = code.copy()
        out[known] = code[known].map(walk.target)
        kinds = code[known].map(walk.kind)
        for kinds_of, what in ((("COMD", "COMA", "OLD"), "codes of former communes recoded "
                                "to their commune (commune nouvelle or new code)"),
                               (("ARM",), "municipal arrondissement codes recoded to their "
                                "commune")):
            hits = kinds[kinds.isin(kinds_of)]
            if len(hits):
                first = hits.index[0]
                self.notes.append(f"{len(hits)} {what}, as the indicators are (e.g. "
                                  f"{code[first]!r} → {out[first]!r}, "
                                  f"{self.table.row_label} {self.table.rows[first]})")
        return out

    def positive(self, field: Field, what: str) -> pd.Series:
        """A positive number (a constant was checked by the mapping)."""
        if field.is_constant:
            return pd.Series(float(field.constant), index=self.index)
        numbers, invalid = self.numbers(field.column)
        texts = self.text(field)
        self.reject_missing(texts, field, what)
        self.reject(invalid, field.column, lambda v: f"{what} {v} is not a number", texts)
        self.reject(numbers <= 0, field.column, lambda v: f"{what} must be > 0, got {v}", texts)
        return numbers

    def ranking(self, ranking: Ranking) -> dict[str, pd.Series]:
        """Rank columns of the model for one ranking (dimensions or domains)."""
        kind, n = ranking.kind, ranking.n_items
        if ranking.ranks:
            matrix = {}
            for item, column in ranking.ranks.items():
                numbers, invalid = self.numbers(column)
                texts = self.table.texts(column)[0]
                whole = numbers.notna() & (numbers == numbers.round())
                self.reject(invalid | (numbers.notna() & ~whole), column,
                            lambda v, k=kind: f"{k} rank {v} is not a whole number", texts)
                outside = whole & ((numbers < 1) | (numbers > n))
                self.reject(outside, column,
                            lambda v, k=kind: f"{k} rank {v} is out of range 1–{n}", texts)
                matrix[item] = numbers.where(whole & ~outside)
            ranks = pd.DataFrame(matrix, index=self.index)
            self._distinct_ranks(ranks, dict(ranking.ranks), kind)
        else:
            ranks = self._choices(ranking)
        prefix = _RANK_PREFIX[kind]
        return {prefix + item: ranks[item].round().astype("Int64") if item in ranks
                else pd.Series(pd.NA, index=self.index, dtype="Int64") for item in ITEMS[kind]}

    def _distinct_ranks(self, ranks: pd.DataFrame, columns: dict[str, str], kind: str) -> None:
        """Reject a rank given twice, and ranks that skip a number (1, 3 without 2)."""
        values = ranks.to_numpy()
        names = [columns[item] for item in ranks.columns]
        duplicated = np.zeros(len(ranks), dtype=bool)
        for rank in np.unique(values[~np.isnan(values)]):
            hits = values == rank
            rows = np.flatnonzero(hits.sum(axis=1) > 1)
            duplicated[rows] = True
            blocks: dict[str, list[int]] = {}
            for position in rows:
                block = ", ".join(n for n, h in zip(names, hits[position], strict=True) if h)
                blocks.setdefault(block, []).append(position)
            for block, positions in blocks.items():
                mask = np.zeros(len(ranks), dtype=bool)
                mask[positions] = True
                self.reject(pd.Series(mask, index=self.index), block,
                            f"rank {int(rank)} given to several {kind}s ({block})")
        count = (~np.isnan(values)).sum(axis=1)
        top = np.where(np.isnan(values), 0, values).max(axis=1)
        gaps = (top > count) & ~duplicated
        if gaps.any():
            shown = pd.Series(None, index=self.index, dtype=object)
            for position in np.flatnonzero(gaps):
                given = set(values[position][~np.isnan(values[position])].astype(int))
                skipped = [str(r) for r in range(1, int(top[position]) + 1) if r not in given]
                shown.iloc[position] = _Shown(", ".join(skipped),
                                              ", ".join(map(str, sorted(given))))
            self.reject(pd.Series(gaps, index=self.index), ", ".join(names),
                        lambda v: f"{kind} ranks skip {v}: ranks must run 1, 2, 3… without "
                        "gaps", shown)

    def _choices(self, ranking: Ranking) -> pd.DataFrame:
        kind = ranking.kind
        identities = identity_map(ITEMS[kind], [i.label for i in ITEMS[kind].values()])
        lookup = dict(identities)
        lookup.update({normalize_key(k): v for k, v in ranking.values.items()})
        chosen, present = [], []
        for position, column in enumerate(ranking.choices):
            field = Field(column=column, values=ranking.values)
            texts = self.text(field)
            labels = self.table.labels.get(column, {})
            found = {}
            for text in texts.dropna().unique():
                key = normalize_key(text)
                target = lookup.get(key)
                if target is None and key in labels:
                    target = lookup.get(normalize_key(labels[key]))
                found[text] = target
            mapped = texts.map(found).astype(object)
            ordinal = _ordinal(position)
            self.reject(texts.notna() & mapped.isna(), column,
                        lambda v, o=ordinal: f"{o} choice {v} is not a known {kind}; valid: "
                        f"{', '.join(ITEMS[kind])} (or map it under {kind}s.values in "
                        f"{self.mapping})", self.shown(texts, field))
            chosen.append(mapped)
            present.append(texts.notna())
        columns = ranking.choices
        for later in range(1, len(columns)):
            self.reject(present[later] & ~present[later - 1], columns[later],
                        f"{_ordinal(later)} choice given without a {_ordinal(later - 1)} choice "
                        f"({columns[later - 1]} is empty)")
            for earlier in range(later):
                same = chosen[later].notna() & (chosen[later] == chosen[earlier])
                self.reject(same, f"{columns[earlier]}, {columns[later]}",
                            lambda v, a=earlier, b=later: f"{kind} {v} chosen twice "
                            f"({_ordinal(a)} and {_ordinal(b)} choice)", chosen[later])
        items = {item: j for j, item in enumerate(ITEMS[kind])}
        values = np.full((len(self.index), len(items)), np.nan)
        for position in reversed(range(len(columns))):
            found = chosen[position].map(items).to_numpy(dtype=float, na_value=np.nan)
            rows = np.flatnonzero(~np.isnan(found))
            values[rows, found[rows].astype(int)] = position + 1
        return pd.DataFrame(values, index=self.index, columns=list(items))

    def actors_of_waves(self, actor: pd.Series, wave: pd.Series, waves: dict[str, Wave],
                        field: Field) -> None:
        """Reject respondents whose actor type was not surveyed in their wave."""
        for wave_id, spec in waves.items():
            if spec.actors:
                bad = (wave == wave_id) & actor.notna() & ~actor.isin(spec.actors)
                self.reject(bad, self.column(field, "actor"),
                            lambda v, w=spec: f"actor {v} was not surveyed in wave {w.id!r} "
                            f"(actors: {', '.join(w.actors)})", actor)

    def share(self, field: Field, divisor: float, unit: str) -> pd.Series:
        """Shares brought into [0, 1]; reject missing, non-numbers and shares outside."""
        if field.is_constant:
            return pd.Series(float(field.constant) / divisor, index=self.index)
        numbers, invalid = self.numbers(field.column)
        texts = self.text(field)
        self.reject_missing(texts, field, "share")
        self.reject(invalid, field.column, lambda v: f"share {v} is not a number", texts)
        top = "1" if divisor == 1 else f"{divisor:g} (share_unit: {unit})"
        self.reject((numbers < 0) | (numbers > divisor), field.column,
                    lambda v: f"share {v} is outside 0–{top}", texts)
        return numbers / divisor

    def sample_sizes(self, raw: Field | None, effective: Field | None
                     ) -> tuple[pd.Series, pd.Series]:
        """Unweighted and effective n (missing if not given): positive, effective ≤ raw."""
        sizes = []
        for field, what in ((raw, "n_unweighted"), (effective, "n_effective")):
            if field is None:
                self.notes.append(f"{what} not given: left missing")
                sizes.append(pd.Series(np.nan, index=self.index))
                continue
            if field.is_constant:
                sizes.append(pd.Series(float(field.constant), index=self.index))
                continue
            numbers, invalid = self.numbers(field.column)
            texts = self.text(field)
            self.reject(invalid, field.column, lambda v, w=what: f"{w} {v} is not a number",
                        texts)
            bad = numbers <= 0
            if what == "n_unweighted":
                bad |= numbers.notna() & (numbers != numbers.round())
            self.reject(bad, field.column, lambda v, w=what: f"{w} must be a positive "
                        f"{'whole ' if w == 'n_unweighted' else ''}number, got {v}", texts)
            if texts.isna().any():
                self.notes.append(f"{what} missing on {int(texts.isna().sum())} rows")
            sizes.append(numbers)
        n_raw, n_eff = sizes
        column = effective.column if effective is not None and effective.column else "n_effective"
        pairs = pd.Series([_Shown(f"{e:g} > {r:g}", f"{e:g}") for e, r in zip(n_eff, n_raw,
                                                                              strict=True)],
                          index=self.index, dtype=object)
        self.reject(n_eff > n_raw, column,
                    lambda v: f"n_effective exceeds n_unweighted ({v})", pairs)
        return n_raw, n_eff

    def aggregate_consistency(self, frame: pd.DataFrame, mapping: AggregateMapping) -> None:
        """Reject repeated keys, and a share ranked first above first-or-second."""
        key = ["territory_code", "territory_level", "actor", "item", "measure"]
        known = frame[key].notna().all(axis=1)
        rows = pd.Series(self.table.rows, index=self.index)
        label = self.table.row_label
        duplicated = known & frame.duplicated(key, keep=False)
        if duplicated.any():
            where = _rows_of_groups(rows[duplicated],
                                    [frame.loc[duplicated, k] for k in key], label)
            shown = pd.Series([_Shown(where[tuple(k)]) if d else None
                               for k, d in zip(frame[key].itertuples(index=False), duplicated,
                                               strict=True)], index=self.index,
                              dtype=object)
            self.reject(duplicated, "(row)", lambda v: f"same territory, actor, item and "
                        f"measure {v}", shown)
        column = mapping.fields["share"].column or "share"
        unique = known & ~duplicated & frame["share"].notna()
        first = frame[unique & (frame["measure"] == "first")]
        second = frame[unique & (frame["measure"] == "first_or_second")]
        both = first.reset_index().merge(second.reset_index(), on=key[:4],
                                         suffixes=("", "_2"))
        both = both[both["share"] > both["share_2"] + 1e-12]
        for _, pair in both.iterrows():
            text = (f"share ranked first ({pair['share']:g}) exceeds the share ranked first "
                    f"or second ({pair['share_2']:g}) for {pair['item']}")
            for position in (pair["index"], pair["index_2"]):
                self.reject(pd.Series(self.index == position, index=self.index), column, text)


class _Shown(str):
    """Text shown as is in a message, keeping the cell's raw value for the report."""

    raw: str

    def __new__(cls, shown: str, raw: str = ""):
        text = super().__new__(cls, shown)
        text.raw = raw
        return text


def _shown(value: object) -> tuple[str, str]:
    """``(raw value, value as shown in the reason)``."""
    if not isinstance(value, str) and pd.isna(value):
        return "", ""
    if isinstance(value, _Shown):
        return value.raw, str(value)
    return str(value), clip(repr(str(value)), SHOWN_CHARS)


_ROWS_NAMED = 5
"""Rows named in a message about rows sharing a value (the others are counted)."""


def _rows_of_groups(rows: pd.Series, by: list[pd.Series], label: str) -> dict[tuple, str]:
    """Where each group of ``rows`` (file row numbers) is, in linear time.

    « on rows 2, 5 », or for a large group « on 20000 rows: 2, 3, 4, 5, 6 … ».
    """
    out = {}
    for key, group in rows.groupby(by, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        first = ", ".join(map(str, group.iloc[:_ROWS_NAMED]))
        out[key] = (f"on {label}s {first}" if len(group) <= _ROWS_NAMED
                    else f"on {len(group)} {label}s: {first} …")
    return out


def _ordinal(position: int) -> str:
    return _ORDINALS[position] if position < len(_ORDINALS) else f"choice #{position + 1}"


