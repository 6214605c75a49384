"""The data behind one map: value, rank, flag and missing reason of every territory.

One table per (what is mapped, level, method) feeds the map's classes, its tooltips, the
sortable table shown beside it and the legend's « non disponible » line, so that the three
always say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

import french
from atlas.index.composite import IndexResult, Method
from atlas.index.flags import count_text, flags
from atlas.index.level_indices import level_indices
from atlas.index.normalize import fragility_rank
from atlas.maps import subjects
from geodata import store
from geodata.hierarchy import parent_of
from geodata.levels import level as level_of
from indicators import snapshot, value_notes
from indicators.domains import DOMAINS
from indicators.snapshot import snapshot_catalogue

NO_SOURCE_VALUE = "aucune valeur dans la source pour ce territoire"
NO_AREA = "superficie inconnue (pas de géométrie)"


@dataclass(frozen=True)
class MapView:
    """What a map shows for every territory of a level.

    Attributes
    ----------
    key, level
        The map choice (see :mod:`atlas.maps.subjects`) and the level.
    table
        Indexed by code: ``name``, ``region``, ``value`` (NaN where missing), ``rank``
        (1 = most fragile in the frame; NA for density), ``frame_size``, ``flagged``
        (number of flagged domains — for a domain map, 1 if that domain is flagged),
        ``scored`` (for the overall index or a dimension: the number of its domains that
        have a score, out of which ``flagged`` counts; else NA), ``reason`` (why the value
        is missing, else NA), ``note`` (what a value rests on: « valeur officielle »,
        « recalculé … (couverture 86 %) », « estimé (entre … et …) », « faible effectif »,
        « indice partiel : 15 domaines sur 16 »; empty for a plain value) and ``coverage``
        (indicators: share of the population the value rests on).
    decimals, unit
        How values are written.
    """

    key: str
    level: str
    table: pd.DataFrame
    decimals: int
    unit: str


def map_view(key: str, level: str, method: Method | None = None) -> MapView:
    """Build the :class:`MapView` of ``key`` at ``level`` with ``method`` (default method)."""
    attributes = store.attributes(level).set_index("code")
    regions = parent_of(level, "regions").reindex(attributes.index)
    table = pd.DataFrame({"name": attributes["name"], "region": regions})
    if key == subjects.DENSITY:
        area = attributes["area_km2"].astype("float64")
        table["value"] = attributes["population"].astype("float64") / area.where(area > 0)
        table["rank"] = pd.array([pd.NA] * len(table), dtype="Int64")
        table["frame_size"] = pd.NA
        table["flagged"] = pd.array([pd.NA] * len(table), dtype="Int64")
        table["scored"] = table["flagged"]
        table["reason"] = pd.Series(NO_AREA, index=table.index).where(table["value"].isna())
        return MapView(key, level, table, 0, "hab./km²")
    values = subjects.values(key, level, method).reindex(table.index).astype("float64")
    table["value"] = values
    if subjects.is_index(key):
        result = level_indices(level, method)
        _add_score_columns(table, key, result)
        return MapView(key, level, table, 2, "score de 0 à 1")
    indicator = snapshot_catalogue().by_id(key.partition(":")[2])
    oriented = (values * indicator.direction).to_frame("v")
    if indicator.comparison == "region":  # a score relative to its région: ranked there
        table["rank"] = fragility_rank(oriented, regions)["v"]
        table["frame_size"] = values.notna().groupby(regions).transform("sum").astype("Int64")
    else:
        table["rank"] = fragility_rank(oriented)["v"]
        table["frame_size"] = int(values.notna().sum())
    table["flagged"] = pd.array([pd.NA] * len(table), dtype="Int64")
    table["scored"] = table["flagged"]
    decimals = _decimals(values)
    found = snapshot.details(level)
    table["note"] = value_notes.notes(found, indicator.id, decimals).reindex(table.index)
    table["coverage"] = found.coverage[indicator.id].reindex(table.index)
    reason = value_notes.reasons(found, indicator.id).reindex(table.index)
    table["reason"] = reason.fillna(NO_SOURCE_VALUE).where(values.isna())
    return MapView(key, level, table, decimals, indicator.unit)


def _add_score_columns(table: pd.DataFrame, key: str, result: IndexResult) -> None:
    kind, _, ident = key.partition(":")
    column = subjects.OVERALL if key == subjects.OVERALL else ident
    ranks = result.ranks[column].reindex(table.index)
    table["rank"] = ranks
    frame = (pd.Series("france", index=table.index) if result.groups is None
             else result.groups.reindex(table.index))
    table["frame_size"] = ranks.notna().groupby(frame).transform("sum").astype("Int64")
    found = flags(result)
    if kind == "domain":
        table["flagged"] = found.domains[ident].reindex(table.index).astype("Int64")
        table["scored"] = pd.array([pd.NA] * len(table), dtype="Int64")
    elif kind == "dimension":
        table["flagged"] = found.per_dimension[ident].reindex(table.index).astype("Int64")
        table["scored"] = found.scored_per_dimension[ident].reindex(table.index).astype(
            "Int64")
    else:
        table["flagged"] = found.total.reindex(table.index).astype("Int64")
        table["scored"] = found.scored.reindex(table.index).astype("Int64")
    reasons = {"domain": result.domain_reasons, "dimension": result.dimension_reasons}
    reason = (result.overall_reason if kind not in reasons else reasons[kind][ident])
    table["reason"] = reason.reindex(table.index).where(table["value"].isna())
    table["coverage"] = np.nan
    if kind == "domain":
        table["note"] = ""
        return
    total = domain_count(key)
    count = table["scored"].where(table["value"].notna(), 0).fillna(0).astype(int)
    table["note"] = [value_notes.partial_note(c, total) for c in count]


def in_region(view: MapView, region: str | None) -> pd.DataFrame:
    """The rows of the territories shown for ``region`` (all of France when None)."""
    if region is None:
        return view.table
    return view.table[view.table["region"] == region]


def value_text(view: MapView, value: float) -> str:
    """A value written the French way with its unit, or :data:`french.MISSING`."""
    if french.is_missing(value):
        return french.MISSING
    if subjects.is_index(view.key):
        return f"score {french.number(value, view.decimals)}"
    return french.quantity(value, view.unit, view.decimals)


def tooltips(view: MapView, region: str | None = None) -> pd.Series:
    """Tooltip text of each territory: « Nom — valeur · rang r/n · signalé ».

    Kept short (34,870 of them travel to the browser): the legend says that rank 1 is the
    most fragile and which frame ranks are counted in (:func:`rank_note`).
    """
    rows = in_region(view, region)
    texts = []
    notes = rows["note"] if "note" in rows.columns else pd.Series("", index=rows.index)
    for name, value, rank, size, flagged, scored, reason, note in zip(
            rows["name"], rows["value"], rows["rank"], rows["frame_size"], rows["flagged"],
            rows["scored"], rows["reason"], notes.fillna(""), strict=True):
        if np.isnan(value):
            texts.append(f"{name} — {french.MISSING} : {reason}" if isinstance(reason, str)
                         else f"{name} — {french.MISSING}")
            continue
        text = f"{name} — {value_text(view, value)}"
        if note:
            text += f" ({note})"
        if not pd.isna(rank):
            text += f" · rang {french.integer(rank)}/{french.integer(size)}"
        # a partial index already says how many domains it holds: the flags count plainly
        text += _flag_text(view, flagged, pd.NA if note else scored)
        texts.append(text)
    return pd.Series(texts, index=rows.index, dtype="object")


def rank_note(view: MapView) -> str:
    """How to read the ranks of the tooltips and table (empty for density)."""
    if view.key == subjects.DENSITY:
        return ""
    frame = "dans sa région" if _regional(view) else "en France"
    return f"rang 1 = le plus fragile {frame}"


def rank_text(view: MapView, code: str) -> str:
    """A territory's rank in words: out of how many, and what it means.

    « rang 12 sur 18 991 communes ayant une valeur (rang 1 = le plus fragile en France) :
    parmi les 1 % de communes les plus fragiles de France ». « ayant une valeur » appears
    when some territories of the level have none, so that the number a rank is out of is
    explained when it changes from one map to another. Empty without a rank.
    """
    row = view.table.loc[code]
    if view.key == subjects.DENSITY or pd.isna(row["rank"]):
        return ""
    plural = level_of(view.level).plural
    regional = _regional(view)
    with_value = "" if regional or int(row["frame_size"]) >= len(view.table) else \
        " ayant une valeur"
    reading = french.rank_reading(row["rank"], row["frame_size"], plural,
                                  "de sa région" if regional else "de France")
    return (f"rang {french.rank(row['rank'], row['frame_size'])} {plural}{with_value} "
            f"({rank_note(view)}) : {reading}")


def missing_note(view: MapView, region: str | None = None) -> str:
    """Legend line of the territories without value: count and the commonest reason."""
    rows = in_region(view, region)
    missing = rows[rows["value"].isna()]
    if missing.empty:
        return f"{french.MISSING} (aucun)"
    reasons = missing["reason"].dropna()
    if len(reasons):  # « couverture 12 % » and « couverture 40 % » are one reason
        reasons = reasons.str.replace(r"\(couverture \d+\s%\)", "(couverture insuffisante)",
                                      regex=True)
    why = reasons.value_counts().index[0] if len(reasons) else "valeur absente"
    more = " ou autre raison" if reasons.nunique() > 1 else ""
    return f"{french.MISSING} ({french.integer(len(missing))}) : {why}{more}"


def _flag_text(view: MapView, flagged: object, scored: object = pd.NA) -> str:
    """« · signalé », « · 2 signalés », or « · 2 signalés sur 14 domaines renseignés »."""
    if pd.isna(flagged) or not flagged:
        return ""
    if view.key.startswith("domain:"):
        return " · signalé"
    possible = domain_count(view.key)
    scored = possible if pd.isna(scored) else int(scored)
    return " · " + count_text(int(flagged), scored, possible)


def domain_count(key: str) -> int:
    """Number of domains behind the overall index or a dimension (``key`` of a map)."""
    kind, _, ident = key.partition(":")
    return sum(1 for d in DOMAINS if kind != "dimension" or d.dimension == ident)


def _regional(view: MapView) -> bool:
    sizes = view.table["frame_size"].dropna()
    return bool(len(sizes)) and int(sizes.max()) < int(view.table["value"].notna().sum())


def _decimals(values: pd.Series) -> int:
    spread = float(values.abs().median()) if values.notna().any() else 1.0
    return 0 if spread >= 100 else 1 if spread >= 1 else 3
