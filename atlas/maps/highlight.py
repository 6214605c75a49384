"""One territory outlined and named on a static map: where a council's own territory is.

The outline is a thick dark line over a white one, drawn above the fills and the
boundaries; the name is written at a representative point of the territory's largest
part, with a white halo, and moved back inside the map's frame if it would spill over.
A territory too small to be seen at the map's scale gets a dot where its name points.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.collections import PathCollection

from atlas.maps import map_frames
from atlas.maps.map_paths import feature_paths, polygon_paths
from geodata.levels import level as level_of
from geodata.levels import parse_territory, territory_level

OUTLINE_COLOUR = "#111111"
OUTLINE_WIDTH = 1.6
HALO_WIDTH = 3.2
LABEL_SIZE = 8
OUTLINE_GID = "atlas-highlight-outline"
"""Identifier of the outline's artist (and its SVG group)."""
LABEL_GID = "atlas-highlight-label"
SMALL = 0.02
"""Below this share of the map's width, the territory gets a dot."""


@dataclass(frozen=True)
class Highlight:
    """A territory to outline and name, in the map's drawing CRS."""

    level: str
    code: str
    name: str
    geometry: shapely.Geometry


def read_highlight(territory: str | tuple[str, str]) -> tuple[str, str]:
    """The (level, code) of ``LEVEL:CODE`` or of a pair, the level in its plural spelling.

    >>> read_highlight("commune:15014"), read_highlight(("regions", "84"))
    (('communes', '15014'), ('regions', '84'))
    """
    if isinstance(territory, str):
        return parse_territory(territory)
    return territory_level(territory[0]).id, territory[1]


def find(territory: str | tuple[str, str], scope: map_frames.Scope,
         root: Path | None = None) -> Highlight:
    """The territory ``LEVEL:CODE`` in the drawing CRS of a map of ``scope``.

    Raises
    ------
    ValueError
        The territory is unknown or lies outside the map's frame.
    """
    level, code = read_highlight(territory)
    try:
        frame = map_frames.territories(level, scope, root).frame
    except ValueError:  # e.g. a région on a map of one département
        frame = None
    rows = None if frame is None else frame[frame["code"] == code]
    if rows is None or rows.empty:
        where = map_frames.scope_name(scope, root)
        raise ValueError(f"{level_of(level).label} {code!r} is not on a map of {where} "
                         "(unknown code, or outside the map's frame)")
    return Highlight(level, code, str(rows["name"].iloc[0]), rows.geometry.iloc[0])


def draw(ax, highlight: Highlight) -> None:
    """Outline and name ``highlight`` on ``ax`` (its limits already set)."""
    (path,) = feature_paths(polygon_paths([highlight.geometry]))
    for width, colour, gid in ((HALO_WIDTH, "white", None),
                               (OUTLINE_WIDTH, OUTLINE_COLOUR, OUTLINE_GID)):
        ax.add_collection(PathCollection([path], facecolors="none", edgecolors=colour,
                                         linewidths=width, zorder=4, gid=gid),
                          autolim=False)
    _label(ax, highlight)


def anchor(geometry: shapely.Geometry) -> tuple[float, float]:
    """A point inside the largest part of ``geometry``, where its name points.

    >>> anchor(shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(5, 0, 9, 4)]))
    (7.0, 2.0)
    """
    parts = shapely.get_parts(geometry)
    largest = parts[int(np.argmax(shapely.area(parts)))]
    point = shapely.point_on_surface(largest)
    return float(point.x), float(point.y)


def _label(ax, highlight: Highlight) -> None:
    """The name beside its anchor, towards the centre, then nudged inside the axes."""
    x, y = anchor(highlight.geometry)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    fx, fy = (x - x0) / (x1 - x0), (y - y0) / (y1 - y0)
    bx0, _, bx1, _ = shapely.bounds(highlight.geometry)
    small = (bx1 - bx0) / (x1 - x0) < SMALL
    if small:
        ax.plot([x], [y], marker="o", markersize=3, color=OUTLINE_COLOUR,
                markeredgecolor="white", markeredgewidth=0.6, zorder=5)
    ha = "left" if fx < 0.35 else "right" if fx > 0.65 else "center"
    dx = {"left": 5, "right": -5, "center": 0}[ha] if small else 0
    dy = 6 if fy < 0.85 else -6
    where = {"xy": (x, y), "xytext": (dx, dy if small else 0), "textcoords": "offset points",
             "ha": ha, "va": "bottom" if dy > 0 or not small else "top",
             "fontsize": LABEL_SIZE, "weight": "bold"}
    text = ax.annotate(highlight.name, color=OUTLINE_COLOUR, zorder=6, gid=LABEL_GID, **where)
    # the halo is a copy below, drawn as a path (a stroke): the name itself stays text in
    # an SVG or a PDF, to be found and edited
    halo = ax.annotate(highlight.name, color="white", zorder=5.9, **where,
                       path_effects=[patheffects.withStroke(linewidth=2.5,
                                                            foreground="white")])
    _keep_inside(ax, text, halo)


def _keep_inside(ax, text, *followers) -> None:
    """Move ``text`` (an annotation in offset points), and its ``followers``, inside ``ax``."""
    fig = ax.figure
    ax.apply_aspect()  # the axes' final box, once its aspect is kept
    renderer = fig._get_renderer()
    box, frame = text.get_window_extent(renderer), ax.get_window_extent(renderer)
    pad = 2 * fig.dpi / 72
    shift_x = max(0.0, frame.x0 + pad - box.x0) - max(0.0, box.x1 - (frame.x1 - pad))
    shift_y = max(0.0, frame.y0 + pad - box.y0) - max(0.0, box.y1 - (frame.y1 - pad))
    if shift_x or shift_y:
        dx, dy = text.xyann
        for item in (text, *followers):
            item.xyann = (dx + shift_x * 72 / fig.dpi, dy + shift_y * 72 / fig.dpi)
