"""The figures of the regional and national reports, as PNG bytes.

Maps are the atlas's own report maps (:mod:`atlas.maps.static_maps`, half a page wide in
a région's report, a full page in the national one); the profile chart and the
régions × domains grid are drawn here with matplotlib in the colours of the PDF sheet.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

import french
from atlas.index.composite import Method
from atlas.maps import static_maps
from atlas.maps.subjects import FRAGILITY_COLOURS
from atlas.reports.sheet_table import DIMENSION_COLOURS
from french import NBSP
from indicators.domains import DIMENSIONS, DOMAIN_BY_ID, DOMAINS

DPI = 150
FONT = static_maps.FONT


def map_png(level: str, what: str, within: str | None = None, size: str = "half",
            method: Method | None = None) -> bytes:
    """One report map of ``what`` at ``level`` (within ``"regions:76"``, or France)."""
    data = static_maps.map_data(level, what, method=method, within=within)
    with static_maps.style():
        fig = static_maps.draw(data, size)
        return _png(fig)


def profile_png(profile: pd.DataFrame, name: str, references: list[str]) -> bytes:
    """Bars of the 16 domain scores grouped by dimension, with reference medians as marks.

    ``profile`` is :func:`atlas.reports.territory_profile.domain_profile`-like: index
    domain ids, a ``score`` column and one column per name of ``references``.
    """
    order = [d.id for dim in DIMENSIONS for d in DOMAINS if d.dimension == dim.id]
    values = profile["score"].reindex(order).to_numpy(dtype="float64")
    ys = np.arange(len(order))
    fig = Figure(figsize=(17 / 2.54, 10.5 / 2.54))
    ax = fig.add_axes((0.34, 0.14, 0.58, 0.83))
    colours = [DIMENSION_COLOURS[DOMAIN_BY_ID[d].dimension] for d in order]
    known = ~np.isnan(values)
    ax.barh(ys[known], values[known], height=0.7, color=np.array(colours)[known], alpha=0.85,
            zorder=2)
    for y, value in zip(ys, values, strict=True):
        ax.text(1.01, y, french.number(value, 2, NBSP, french.MISSING_SHORT), va="center",
                fontsize=6.5, transform=ax.get_yaxis_transform())
    marks = (("D", "#222222"), ("|", "#7a0177"))
    for (marker, colour), column in zip(marks, references, strict=False):
        ax.scatter(profile[column].reindex(order).to_numpy(dtype="float64"), ys,
                   marker=marker, s=18 if marker != "|" else 70, color=colour, zorder=3,
                   label=column, linewidths=1.2)
    ax.set_yticks(ys, [DOMAIN_BY_ID[d].label for d in order], fontsize=6.5)
    for tick, colour in zip(ax.get_yticklabels(), colours, strict=True):
        tick.set_color(colour)
    ax.set_ylim(len(order) - 0.4, -0.6)
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0", "0,25", "0,5", "0,75", "1"], fontsize=6.5)
    ax.axvline(0.5, color="#bbbbbb", lw=0.6, ls=":", zorder=1)
    ax.grid(axis="x", color="#eeeeee", lw=0.5, zorder=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel(f"Score de domaine de {name} (0 = le moins fragile, 1 = le plus fragile)",
                  fontsize=6.5)
    if references:
        ax.legend(fontsize=6, loc="lower right", bbox_to_anchor=(1.0, -0.2), ncol=2,
                  frameon=False)
    return _png(fig)


def grid_png(scores: pd.DataFrame, names: pd.Series) -> bytes:
    """Régions (rows) × 16 domains (columns) coloured by score, the score written in each cell.

    A missing score is a hatched grey cell written « n.d. ».
    """
    order = [d.id for dim in DIMENSIONS for d in DOMAINS if d.dimension == dim.id]
    table = scores.reindex(columns=order)
    fig = Figure(figsize=(17 / 2.54, 15 / 2.54))
    ax = fig.add_axes((0.24, 0.03, 0.63, 0.72))  # room for the slanted domain names
    masked = np.ma.masked_invalid(table.to_numpy(dtype="float64"))
    cmap = LinearSegmentedColormap.from_list(
        "fragility", list(FRAGILITY_COLOURS)).with_extremes(bad=static_maps.MISSING_COLOUR)
    ax.imshow(masked, cmap=cmap, vmin=0, vmax=1, aspect="auto")
    for (i, j), value in np.ndenumerate(table.to_numpy(dtype="float64")):
        ax.text(j, i, french.number(value, 2, NBSP, french.MISSING_SHORT), ha="center",
                va="center", fontsize=5, color="white" if value > 0.7 else "#222222")
    ax.set_yticks(range(len(table)), [names.get(c, c) for c in table.index], fontsize=6)
    ax.set_xticks(range(len(order)), [DOMAIN_BY_ID[d].label for d in order], fontsize=5.5,
                  rotation=60, ha="left", rotation_mode="anchor")
    ax.xaxis.tick_top()
    for tick, ident in zip(ax.get_xticklabels(), order, strict=True):
        tick.set_color(DIMENSION_COLOURS[DOMAIN_BY_ID[ident].dimension])
    ax.tick_params(length=0)
    return _png(fig)


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    with static_maps.style():
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None},
                    facecolor="white")
    return buffer.getvalue()
