"""Leaflet's own files, from the installed ``django-js-lib-leaflet`` package (never a CDN).

The app's map component and the interactive HTML export both take Leaflet from here.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

LEAFLET_FILES = ("leaflet.js", "leaflet.css")


def leaflet_static_dir() -> Path:
    """Return the folder of Leaflet's files inside the installed ``django-js-lib-leaflet``.

    The package is located without being imported (it would import Django).
    """
    spec = importlib.util.find_spec("js_lib_leaflet")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("Leaflet not found: `pip install django-js-lib-leaflet==1.9.4.1`")
    folder = Path(next(iter(spec.submodule_search_locations))) / "static" / "js_lib_leaflet"
    missing = [name for name in LEAFLET_FILES if not (folder / name).is_file()]
    if missing:
        raise FileNotFoundError(f"{missing} missing from {folder}")
    return folder
