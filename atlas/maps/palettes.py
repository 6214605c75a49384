"""Colour-blind-safe palettes of the maps (web and static), sampled for any class count.

Sequential palettes go from light (least) to dark (most): on a fragility map, darker is
more fragile. All come from ColorBrewer or the viridis family, which stay readable with
the common colour-vision deficiencies (Brewer & Harrower, colorbrewer2.org; Nuñez et al.
2018 for cividis).
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np

SEQUENTIAL = {
    "ylorrd": ("Jaune → rouge", "YlOrRd"),
    "viridis": ("Viridis (jaune → violet foncé)", "viridis_r"),
    "cividis": ("Cividis (jaune → bleu foncé)", "cividis_r"),
    "blues": ("Bleus", "Blues"),
    "purples": ("Violets", "Purples"),
}
"""Palette key → (French label, matplotlib colormap)."""
DIVERGING = "PuOr_r"
"""Colormap of maps whose classes sit around a neutral middle (rank changes, gaps)."""
DEFAULT_INDEX = "ylorrd"
DEFAULT_VALUE = "blues"


def colours(palette: str, k: int) -> tuple[str, ...]:
    """``k`` hex colours of ``palette`` from light to dark.

    The lightest end is skipped so that the first class stays distinct from the white
    page and from the grey hatching of missing values.

    >>> colours("blues", 3)
    ('#d0e1f2', '#4a98c9', '#08306b')
    """
    if palette not in SEQUENTIAL:
        raise ValueError(f"unknown palette {palette!r}; valid palettes: {sorted(SEQUENTIAL)}")
    if k < 1:
        raise ValueError(f"a palette needs at least one class, not {k}")
    return _sample(SEQUENTIAL[palette][1], np.linspace(0.2, 1.0, k) if k > 1 else [0.6])


def diverging(k: int) -> tuple[str, ...]:
    """``k`` colours of the diverging palette, the middle one neutral when ``k`` is odd."""
    return _sample(DIVERGING, np.linspace(0.1, 0.9, k))


def _sample(name: str, positions) -> tuple[str, ...]:
    cmap = mpl.colormaps[name]
    return tuple(mpl.colors.to_hex(cmap(float(p))) for p in positions)
