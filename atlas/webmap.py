"""Lean GeoJSON payloads for the interactive web map.

The browser only needs, per feature, the properties that colour it and label its tooltip:
``code``, ``name`` and a class index ``cls`` (colours are computed in JavaScript from that
index). Features carry no ``id`` and no ``bbox``, coordinates are rounded to
:data:`PRECISION` decimals and the JSON is written without spaces: for the 4,446 communes
of Occitanie this is 1.7 MB, against 3.5 MB from ``GeoDataFrame.to_json``.

Payloads are returned as strings, so that the app can cache them as they are.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata import insets, store
from geodata.crs import WEB_CRS

PRECISION = 4
"""Decimals kept in coordinates (1e-4° is about 10 m, under the simplification tolerance)."""

DENSITY_BREAKS = (20.0, 50.0, 100.0, 250.0, 1000.0, 5000.0)
"""Upper bounds (inhabitants per km²) of the density classes 0 to 5; class 6 is above."""

NATIONAL_VIEW = "france"
"""Geometries of the national map (coverage-simplified at 0.02°)."""

REGION_VIEW = "region"
"""Geometries of a région's map (0.005°)."""


def round_coordinates(geometries: Sequence | np.ndarray, precision: int = PRECISION
                      ) -> np.ndarray:
    """Round every coordinate of ``geometries`` to ``precision`` decimals.

    Unlike ``shapely.set_precision``, no vertex is merged and no small polygon vanishes:
    the shapes are only drawn, never measured.

    >>> import shapely
    >>> round_coordinates([shapely.Point(1.234567, 43.987654)])[0].wkt
    'POINT (1.2346 43.9877)'
    """
    array = np.asarray(geometries, dtype=object)
    return shapely.transform(array, lambda coords: np.round(coords, precision))


def geojson(gdf: gpd.GeoDataFrame, properties: Sequence[str] = ("code", "name"),
            precision: int = PRECISION) -> str:
    """Return a compact GeoJSON FeatureCollection of ``gdf`` as a string.

    Parameters
    ----------
    gdf
        Territories in EPSG:4326; rows whose geometry is missing or empty are left out
        (show them elsewhere: they cannot be drawn).
    properties
        Columns written as feature properties, in this order; missing values become
        ``null``.
    precision
        Decimals kept in coordinates.

    Returns
    -------
    str
        ``{"type":"FeatureCollection","features":[...]}`` without ids, bboxes or spaces.

    Raises
    ------
    ValueError
        If ``gdf`` is not in EPSG:4326 or lacks one of ``properties``.
    """
    if gdf.crs is None or gdf.crs != WEB_CRS:
        raise ValueError(f"web map geometries must be in {WEB_CRS}, not {gdf.crs}")
    missing = [p for p in properties if p not in gdf.columns]
    if missing:
        raise ValueError(f"columns {missing} not in the table; columns: {list(gdf.columns)}")
    drawable = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    shapes = shapely.to_geojson(round_coordinates(drawable.geometry.to_numpy(), precision))
    records = drawable[list(properties)].astype(object)
    records = records.where(records.notna(), None).to_numpy().tolist()
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"),
                             default=_plain).encode
    features = [
        '{"type":"Feature","properties":' + dumps(dict(zip(properties, row, strict=True)))
        + ',"geometry":' + shape + "}"
        for row, shape in zip(records, shapes, strict=True)
    ]
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


def density_class(population: pd.Series, area_km2: pd.Series,
                  breaks: Sequence[float] = DENSITY_BREAKS) -> pd.Series:
    """Class index of the population density (inhabitants per km²).

    Class ``i`` holds densities below ``breaks[i]`` (and at or above ``breaks[i - 1]``);
    the last class, ``len(breaks)``, holds densities at or above the last break. A missing
    population or area (or a zero area) gives a missing class, never class 0.

    >>> density_class(pd.Series([10, 60, None], dtype="Int64"), pd.Series([1.0, 1.0, 1.0]))
    0       0
    1       2
    2    <NA>
    dtype: Int64
    """
    area = area_km2.astype("float64").where(area_km2 > 0)
    density = population.astype("Float64") / area
    known = density.notna()
    out = pd.Series(pd.NA, index=population.index, dtype="Int64")
    values = density[known].to_numpy(dtype="float64")
    out[known] = np.searchsorted(np.asarray(breaks, dtype="float64"), values, side="right")
    return out


def density_legend(breaks: Sequence[float] = DENSITY_BREAKS) -> list[str]:
    """French labels of the density classes, one per class index.

    >>> density_legend((20, 1000))
    ['moins de 20', '20 à 1 000', '1 000 et plus']
    """
    labels = [f"moins de {_fr_int(breaks[0])}"]
    labels += [f"{_fr_int(lo)} à {_fr_int(hi)}" for lo, hi in zip(breaks, breaks[1:],
                                                                      strict=False)]
    return [*labels, f"{_fr_int(breaks[-1])} et plus"]


def national_regions(root: Path | None = None, classes: pd.Series | None = None) -> str:
    """The 18 régions for the national map, the overseas ones moved into their insets.

    Properties: ``code``, ``name``, ``cls``: the class of each région in ``classes``
    (indexed by code), by default its density class.
    """
    regions = _with_attributes(store.web_geometries("regions", NATIONAL_VIEW, root),
                               store.attributes("regions", root), classes)
    departement = regions["code"].map(overseas_departement_of_region(root))
    moved = insets.apply_insets(regions, departement, target="web")
    return geojson(moved, ("code", "name", "cls"))


def inset_frames() -> str:
    """Outlines of the overseas inset boxes, with the name of their département."""
    frames = insets.frames(WEB_CRS).rename(columns={"departement": "code"})
    return geojson(frames, ("code", "name"))


def region_communes(region: str, root: Path | None = None,
                    classes: pd.Series | None = None) -> str:
    """Communes of one région (région view geometries), in their true place.

    Properties: ``code``, ``name``, ``cls`` (class in ``classes``, indexed by code; by
    default the density class). The few communes without geometry are left out.

    Raises
    ------
    ValueError
        If ``region`` is not a région code.
    """
    communes = store.attributes("communes", root)
    members = communes[communes["region"] == _check_region(region, root)]
    shapes = store.web_geometries("communes", REGION_VIEW, root)
    return geojson(_with_attributes(shapes[shapes["code"].isin(members["code"])], members,
                                    classes), ("code", "name", "cls"))


def region_departements(region: str, root: Path | None = None) -> str:
    """Outlines of the départements of one région (région view). Properties: code, name."""
    deps = store.attributes("departements", root)
    members = deps[deps["region"] == _check_region(region, root)]
    shapes = store.web_geometries("departements", REGION_VIEW, root)
    table = shapes[shapes["code"].isin(members["code"])].merge(
        members[["code", "name"]], on="code", how="left")
    return geojson(table, ("code", "name"))


def overseas_departement_of_region(root: Path | None = None) -> dict[str, str]:
    """Map each overseas région code to its single département code (``"01"`` → ``"971"``)."""
    deps = store.attributes("departements", root)
    overseas = deps[deps["code"].isin([i.departement for i in insets.INSETS])]
    return dict(zip(overseas["region"], overseas["code"], strict=True))


def _with_attributes(shapes: gpd.GeoDataFrame, table: pd.DataFrame,
                     classes: pd.Series | None = None) -> gpd.GeoDataFrame:
    """Join name and class (``classes`` by code, else density) of ``table`` onto ``shapes``."""
    cls = (density_class(table["population"], table["area_km2"]) if classes is None
           else table["code"].map(classes).astype("Int64"))
    attrs = table[["code", "name"]].assign(cls=cls)
    return shapes.merge(attrs, on="code", how="left")


def _check_region(region: str, root: Path | None) -> str:
    codes = store.attributes("regions", root)["code"].tolist()
    if region not in codes:
        raise ValueError(f"unknown région {region!r}; valid codes: {sorted(codes)}")
    return region


def _plain(value: object) -> object:
    """JSON encoder fallback for numpy scalars."""
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    raise TypeError(f"cannot write {type(value).__name__} in GeoJSON properties")


def _fr_int(value: float) -> str:
    """Integer with a French thousands separator (narrow no-break space)."""
    return f"{int(value):,}".replace(",", "\u202f")
