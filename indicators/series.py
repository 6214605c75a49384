"""Series: the vintages of one indicator, on the same geography and the same definition.

The catalogue's ``series`` section links the indicator of the indices (its latest vintage)
to earlier vintages of the same measure (``history_indicators``, built into the snapshot
but never part of the indices), says which two years the change is computed between and
whether the two are fully comparable or to be read with caution (a source's method, the
legislation or the way a third party grouped the data changed), with a French note.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

MARGINS = ("binomial", "poisson", "none")
"""Kinds of sampling margin (the same as :data:`indicators.change.MARGINS`)."""
COMPARABILITY = {"comparable": "comparable",
                 "caution": "à interpréter avec prudence"}
"""Comparability of a series' vintages → its French words."""


class _Described(Protocol):
    id: str
    domain: str
    unit: str
    direction: int


@dataclass(frozen=True)
class Series:
    """The vintages of one indicator.

    Attributes
    ----------
    indicator
        The indicator of the indices (latest vintage).
    vintages
        ``(year, indicator id)`` pairs, oldest first.
    change
        The two years whose difference is the change shown (``(before, after)``).
    margin
        ``"binomial"`` (census shares), ``"poisson"`` (events per inhabitants) or
        ``"none"`` (exhaustive data, medians, indices): the model of the sampling margin
        that widens each value's rank interval.
    comparability
        A key of :data:`COMPARABILITY`.
    note
        What the user reads about the comparability (French).
    """

    indicator: str
    vintages: tuple[tuple[int, str], ...]
    change: tuple[int, int]
    comparability: str
    note: str
    margin: str = "none"
    """Theoretical sampling margin of its values (:data:`indicators.change.MARGINS`)."""

    @property
    def before(self) -> str:
        """Id of the indicator of the change's first year."""
        return dict(self.vintages)[self.change[0]]

    @property
    def after(self) -> str:
        """Id of the indicator of the change's last year."""
        return dict(self.vintages)[self.change[1]]

    @property
    def comparability_label(self) -> str:
        """French words of :attr:`comparability`."""
        return COMPARABILITY[self.comparability]


def series_label(label: str) -> str:
    """An indicator's label without the year some labels end with.

    >>> series_label("Taux de chômage des 15-64 ans (2022)")
    'Taux de chômage des 15-64 ans'
    """
    return re.sub(r" \((19|20)[0-9]{2}\)$", "", label)


class SeriesError(ValueError):
    """A series entry of the catalogue is malformed; the message names it and the field."""


def parse_series(entries: list[dict], indicators: Mapping[str, _Described],
                 history: Mapping[str, _Described]) -> tuple[Series, ...]:
    """The catalogue's ``series`` entries, validated.

    Every vintage names a known indicator of the same domain, unit and direction as the
    series' indicator, which is its latest vintage; the change's years are vintages; a
    history indicator belongs to exactly one series.

    Raises
    ------
    SeriesError
        On the first entry at fault.
    """
    known = {**indicators, **history}
    out, used = [], set()
    for entry in entries:
        where = f"series of {entry.get('indicator', '?')!r}"
        for key in ("indicator", "vintages", "change", "comparability", "note"):
            if key not in entry:
                raise SeriesError(f"{where}: missing field {key!r}")
        main = entry["indicator"]
        if main not in indicators:
            raise SeriesError(f"{where}: not an indicator of the indices")
        vintages = tuple(sorted((int(y), str(i)) for y, i in entry["vintages"].items()))
        if len(vintages) < 2 or vintages[-1][1] != main:
            raise SeriesError(f"{where}: needs two vintages or more, the latest being "
                              f"{main!r}")
        for _, ident in vintages:
            if ident not in known:
                raise SeriesError(f"{where}: unknown indicator {ident!r}")
            first, other = known[main], known[ident]
            if (other.domain, other.unit, other.direction) != (
                    first.domain, first.unit, first.direction):
                raise SeriesError(f"{where}: {ident!r} differs in domain, unit or direction")
            if ident in history and ident in used:
                raise SeriesError(f"{where}: {ident!r} already belongs to another series")
            used.add(ident)
        change = tuple(int(y) for y in entry["change"])
        years = [y for y, _ in vintages]
        if len(change) != 2 or change[0] >= change[1] or not set(change) <= set(years):
            raise SeriesError(f"{where}: change must be two of its years, oldest first "
                              f"({years})")
        if entry["comparability"] not in COMPARABILITY:
            raise SeriesError(f"{where}: comparability must be one of {list(COMPARABILITY)}")
        margin = entry.get("margin", "none")
        if margin not in MARGINS:
            raise SeriesError(f"{where}: margin must be one of {list(MARGINS)}")
        out.append(Series(main, vintages, (change[0], change[1]), entry["comparability"],
                          str(entry["note"]), margin))
    orphans = sorted(set(history) - used)
    if orphans:
        raise SeriesError(f"history indicator {orphans[0]!r} belongs to no series")
    return tuple(out)
