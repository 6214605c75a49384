"""Polygons as matplotlib paths, built at once with numpy (no Python loop per territory).

A report map of the communes has about 35,000 territories: one matplotlib patch each
(geopandas' ``.plot``) costs seconds to build and to write. Here the rings of all the
territories are laid in one array of vertices with their path codes; a map then draws one
compound path per class (:func:`group_paths`), or one per territory where they are few
(:func:`feature_paths`). Polygons are oriented first (exteriors counter-clockwise, holes
clockwise), so that the non-zero fill rule of every backend leaves holes and enclaves
empty whatever is drawn with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from matplotlib.path import Path


@dataclass(frozen=True)
class FeaturePaths:
    """The rings of many polygons, territory after territory.

    Attributes
    ----------
    vertices
        ``(n, 2)`` coordinates; every ring ends with its closing vertex.
    codes
        Matplotlib path code of each vertex (``MOVETO``, ``LINETO``, ``CLOSEPOLY``).
    starts
        Index of the first vertex of each territory, and the total at the end
        (``len(starts) == territories + 1``).
    """

    vertices: np.ndarray
    codes: np.ndarray
    starts: np.ndarray

    def __len__(self) -> int:
        return len(self.starts) - 1


def polygon_paths(geometries: Sequence | np.ndarray) -> FeaturePaths:
    """Rings of (multi)polygons as one array of vertices and codes.

    Empty or missing geometries give a territory of no vertex.

    >>> square = shapely.box(0, 0, 1, 1)
    >>> paths = polygon_paths([square, None])
    >>> len(paths), paths.starts.tolist(), paths.codes.tolist()
    (2, [0, 5, 5], [1, 2, 2, 2, 79])
    """
    geoms = np.asarray(geometries, dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    oriented = shapely.orient_polygons(geoms[present])
    if len(oriented):
        _, coords, offsets = shapely.to_ragged_array(oriented)
        coords = coords[:, :2]
        ring_ends = offsets[0]
        # first vertex of each territory: its first part's first ring's first vertex
        first = ring_ends[offsets[1] if len(offsets) == 2 else offsets[1][offsets[2]]]
    else:
        coords = np.empty((0, 2))
        ring_ends = first = np.zeros(1, dtype=np.int64)
    codes = np.full(len(coords), Path.LINETO, dtype=Path.code_type)
    codes[ring_ends[:-1]] = Path.MOVETO
    codes[ring_ends[1:] - 1] = Path.CLOSEPOLY
    counts = np.zeros(len(geoms), dtype=np.int64)
    counts[present] = np.diff(first)
    starts = np.concatenate([[0], np.cumsum(counts)])
    return FeaturePaths(coords, codes, starts)


def feature_paths(paths: FeaturePaths) -> list[Path]:
    """One path per territory (an empty path for a missing geometry)."""
    return [_path(paths, slice(a, b))
            for a, b in zip(paths.starts[:-1], paths.starts[1:], strict=True)]


def group_paths(paths: FeaturePaths, groups: np.ndarray, n: int) -> list[Path]:
    """One compound path per group ``0 … n - 1`` of the territories' ``groups`` indices.

    >>> two = polygon_paths([shapely.box(0, 0, 1, 1), shapely.box(2, 0, 3, 1)])
    >>> [len(p.vertices) for p in group_paths(two, np.array([1, 1]), 2)]
    [0, 10]
    """
    groups = np.asarray(groups)
    lengths = np.diff(paths.starts)
    owner = np.repeat(groups, lengths)  # group of every vertex
    return [_path(paths, owner == g) for g in range(n)]


def _path(paths: FeaturePaths, rows: slice | np.ndarray) -> Path:
    return Path(paths.vertices[rows], paths.codes[rows], readonly=True)
