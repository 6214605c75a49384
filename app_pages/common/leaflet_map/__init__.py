"""Offline Leaflet map: a bidirectional Streamlit component (components v1, no build step).

The frontend is two hand-written files (``frontend/index.html``, ``frontend/main.js``) that
speak Streamlit's component protocol directly. When the first map is drawn (never at
import), they are copied with Leaflet's own ``leaflet.js``/``leaflet.css`` (from the
installed ``django-js-lib-leaflet`` package, never a CDN) into
``<cache>/web/leaflet_component/``, which Streamlit serves.

Layers are strings of :mod:`atlas.maps.web_layers`: the compact encoding of
:func:`atlas.maps.web_layers.map_layer` (decoded and drawn by ``main.js`` as one canvas path per
layer, fast enough for the 34,871 communes of France) or plain GeoJSON. Each is written once,
gzip-compressed, into that folder under a name derived from its content, and the component
receives its URL:
a rerun sends a few hundred bytes over the websocket, the browser downloads each layer once
(gzip) and keeps it. Only a click on an interactive feature reruns the app; panning and
zooming do not.

Drawing is timed by ``benchmarks/bench_webmap_browser.py``; when a map is painted,
``body[data-drawn]`` of the component's page lists its layer ids (tests wait on it).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import streamlit.components.v1 as components

from atlas.maps.leaflet_files import LEAFLET_FILES, leaflet_static_dir
from french import MISSING
from geodata.paths import cache_dir

FRONTEND = Path(__file__).parent / "frontend"
OWN_FILES = ("index.html", "main.js")
STYLES = ("classes", "outline", "frame")
"""Layer styles drawn by ``main.js``: fill by class index, outline only, dashed inset box."""


@dataclass(frozen=True)
class Layer:
    """One layer of the map.

    Parameters
    ----------
    id
        Name of the layer, returned with clicks (``"regions"``, ``"communes"``…).
    geojson
        A payload of :func:`atlas.maps.web_layers.map_layer`, or a GeoJSON FeatureCollection whose
        features have ``code`` and ``name`` (and ``cls`` for the ``"classes"`` style)
        properties. ``name`` is the tooltip text (plain text, never HTML; line breaks
        kept); a missing ``cls`` is drawn hatched.
    style
        One of :data:`STYLES`.
    interactive
        Tooltip on hover and click sent back to Python.
    fit
        Fit the view to this layer when the layer set changes.
    weight
        Line width in pixels.
    """

    id: str
    geojson: str
    style: str = "classes"
    interactive: bool = False
    fit: bool = False
    weight: float = 0.6

    def __post_init__(self) -> None:
        """Reject an unknown style at once."""
        if self.style not in STYLES:
            raise ValueError(f"unknown style {self.style!r}; valid styles: {list(STYLES)}")
        if self.style == "frame" and self.geojson.startswith('{"type":"AtlasLayer"'):
            raise ValueError(f"layer {self.id!r}: inset frames carry their labels as "
                             "GeoJSON features, not a compact AtlasLayer payload")


@dataclass(frozen=True)
class Legend:
    """Legend of the ``"classes"`` layers: one label per class index, in order.

    ``missing`` labels the hatched swatch of features without a class (``None``: no swatch).
    """

    title: str
    labels: tuple[str, ...]
    missing: str | None = MISSING
    colours: tuple[str, ...] | None = None
    """One colour per class; default: the component's 7-class YlOrRd palette."""
    note: str | None = None
    """A few lines under the classes (source, caveat), in small type; ``None``: none."""


def component_dir(root: Path | None = None) -> Path:
    """Assemble the component folder (our frontend plus Leaflet) and return it.

    Files are rewritten only when their content differs, atomically, so that several
    servers may share a cache.
    """
    folder = Path(root) if root is not None else cache_dir() / "web" / "leaflet_component"
    (folder / "data").mkdir(parents=True, exist_ok=True)
    sources = [FRONTEND / name for name in OWN_FILES]
    sources += [leaflet_static_dir() / name for name in LEAFLET_FILES]
    for source in sources:
        content = source.read_bytes()
        target = folder / source.name
        if not target.is_file() or target.read_bytes() != content:
            _write_atomic(target, content)
    return folder


def publish(geojson: str, folder: Path) -> str:
    """Write a layer under ``folder/data/`` (once) and return its URL relative to the page.

    The file is gzip-compressed once, here (``.json.gz``, served as ``application/gzip``
    and inflated by ``main.js``): the server sends its bytes as they are instead of
    compressing a megabyte for every browser that opens the map.
    """
    name = _file_name(geojson)
    target = folder / "data" / name
    if not target.is_file():
        _write_atomic(target, gzip.compress(geojson.encode("utf-8"), compresslevel=9, mtime=0))
    return f"data/{name}"


@lru_cache(maxsize=64)
def _file_name(geojson: str) -> str:
    """Name of a layer's file, from its content (hashed once per cached payload)."""
    return f"{hashlib.sha256(geojson.encode('utf-8')).hexdigest()[:20]}.json.gz"


def read_layer(url: str, folder: Path | None = None) -> str:
    """The layer published at ``url`` (a URL of :func:`component_args`), as text."""
    folder = Path(folder) if folder is not None else component_dir()
    return gzip.decompress((folder / url).read_bytes()).decode("utf-8")


def component_args(layers: Sequence[Layer], folder: Path, highlight: str | None = None,
                   legend: Legend | None = None, height: int = 560) -> dict[str, Any]:
    """Arguments sent to ``main.js``: layer URLs and styles, never the geometries.

    Each layer's GeoJSON is written (once) into ``folder/data/`` by :func:`publish`.
    """
    return {
        "layers": [{"id": layer.id, "url": publish(layer.geojson, folder),
                    "style": layer.style, "interactive": layer.interactive,
                    "fit": layer.fit, "weight": layer.weight} for layer in layers],
        "highlight": highlight,
        "legend": None if legend is None else {"title": legend.title,
                                               "labels": list(legend.labels),
                                               "missing": legend.missing,
                                               "colours": None if legend.colours is None
                                               else list(legend.colours),
                                               "note": legend.note},
        "height": int(height),
    }


def _write_atomic(target: Path, content: bytes) -> None:
    handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)


@cache
def _declared() -> tuple[Path, Callable[..., Any]]:
    """The component folder, assembled once per process, and the declared component."""
    folder = component_dir()
    return folder, components.declare_component("leaflet_map", path=str(folder))


def leaflet_map(layers: Sequence[Layer], *, key: str, highlight: str | None = None,
                legend: Legend | None = None, height: int = 560,
                on_change: Callable[[], None] | None = None) -> dict | None:
    """Draw ``layers`` on an offline Leaflet map and return the last click.

    Parameters
    ----------
    layers
        Drawn in this order (later ones on top).
    key
        Widget key; ``st.session_state[key]`` holds the last click.
    highlight
        Code of a feature of an interactive layer to outline; when it changes without a
        click on the map (search, list), the map zooms to it.
    legend
        Legend of the class colours, or ``None``.
    height
        Height of the map in pixels.
    on_change
        Called (before the rerun) when a feature is clicked.

    Returns
    -------
    dict or None
        ``{"code": ..., "layer": ..., "t": ...}`` of the last clicked feature (``t``: click
        time in ms, so that clicking the same feature twice still counts), or ``None``.
    """
    folder, component = _declared()
    args = component_args(layers, folder, highlight, legend, height)
    return component(**args, key=key, default=None, on_change=on_change)
