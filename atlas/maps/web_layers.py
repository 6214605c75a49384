"""Lean payloads for the interactive web map: GeoJSON, and a compact layer encoding.

The browser only needs, per feature, the properties that colour it and label its tooltip:
``code``, ``name`` and a class index ``cls`` (colours are computed in JavaScript from that
index). Features carry no ``id`` and no ``bbox``, coordinates are rounded to
:data:`PRECISION` decimals and the JSON is written without spaces: for the 4,446 communes
of Occitanie this is 1.7 MB, against 3.5 MB from ``GeoDataFrame.to_json``.

Payloads are returned as strings, so that the app can cache them as they are.

:func:`map_layer` writes any level (régions, départements, EPCI, communes) for the national
view or one région in a compact encoding that ``main.js`` decodes (see :data:`LAYER_TYPE`):
coordinates quantised to a grid (:data:`VIEW_SCALES`), delta-encoded per feature and
written as base64url variable-length integers. All 34,871 communes of France take about a
megabyte, against 9.7 MB of GeoJSON at four decimals.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

import french
from geodata import build, insets, store
from geodata.crs import WEB_CRS
from geodata.hierarchy import departement_of, members
from geodata.levels import territory_level
from geodata.paths import geodata_dir

PRECISION = 4
"""Decimals kept in coordinates (1e-4° is about 10 m, under the simplification tolerance)."""

DENSITY_BREAKS = (20.0, 50.0, 100.0, 250.0, 1000.0, 5000.0)
"""Upper bounds (inhabitants per km²) of the density classes 0 to 5; class 6 is above."""

NATIONAL_VIEW = "france"
"""Geometries of the national map (coverage-simplified at 0.02°)."""

REGION_VIEW = "region"
"""Geometries of a région's map (0.005°)."""

"""Levels :func:`map_layer` draws."""

LAYER_TYPE = "AtlasLayer"
"""``type`` of a compact payload of :func:`map_layer`, a JSON object::

    {"type": "AtlasLayer", "version": 1, "scale": 1000, "bbox": [west, south, east, north],
     "code": [...], "name": [...], "cls": [...], "geometry": [...]}

with one entry per feature in each list. A feature's ``geometry`` is a string: its polygons
separated by ``;``, the rings of a polygon (exterior first) by ``,``. A ring is a sequence
of integers, alternately x (longitude) and y (latitude) in units of ``1 / scale`` degree,
each written as the difference from the previous vertex of the feature (the first vertex of
the feature is absolute). Rings are not closed (the first vertex is not repeated). Each
integer is zigzag-encoded (0, -1, 1, -2… → 0, 1, 2, 3…) and written five bits at a time,
low bits first, as characters of :data:`ALPHABET`: the value ``v`` of a chunk is written
``ALPHABET[v + 32]`` when more chunks follow, ``ALPHABET[v]`` for the last one.
"""

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
"""The 64 digits of the compact encoding (base64url: no escaping in JSON)."""

VIEW_SCALES = {NATIONAL_VIEW: 1000, REGION_VIEW: 10000}
"""Grid of the coordinates, per view: 1e-3° (about 100 m) for the national view simplified
at 0.02°, 1e-4° (about 10 m) for a région simplified at 0.005°."""


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


def map_layer(level: str, region: str | None = None, classes: pd.Series | None = None,
              tips: pd.Series | None = None, root: Path | None = None) -> str:
    """Compact payload of the territories of ``level``, for France or one région.

    Parameters
    ----------
    level
        A level of :mod:`geodata.levels` (either spelling).
    region
        ``None`` for the national view (:data:`NATIONAL_VIEW` geometries, the overseas
        territories moved into their insets), or a région code: the territories of that
        région in their true place (:data:`REGION_VIEW` geometries). An EPCI belongs to the
        région of most of its inhabitants.
    classes
        Class index of each territory, indexed by code; a code absent or missing gives
        ``cls`` null (drawn hatched).
    tips
        Tooltip text of each territory, indexed by code; by default (and for a code absent
        or missing) the territory's name.
    root
        Folder of the geometry artifacts (default: the cache).

    Returns
    -------
    str
        A JSON object of type :data:`LAYER_TYPE` whose features have ``code``, ``name``
        (the tooltip text) and ``cls``; territories without geometry are left out.
        :func:`decode_layer` reads it back.

    Raises
    ------
    ValueError
        If ``level`` or ``region`` is unknown.
    """
    level = territory_level(level).id
    if region is not None:
        members("regions", "regions", region, root)  # unknown région: ValueError
    layer = _encoded_layer(level, region, None if root is None else Path(root),
                           _build_stamp(root))
    codes = pd.Series(layer.codes, dtype=object)
    names = layer.names
    if tips is not None:
        tip = codes.map(tips)
        known = tip.notna().to_numpy()
        names = np.where(known, tip.astype(str).to_numpy(), np.asarray(names, dtype=object))
        names = names.tolist()
    cls = [None] * len(codes)
    if classes is not None:
        mapped = pd.to_numeric(codes.map(classes)).astype("Float64").round().astype("Int64")
        cls = mapped.astype(object).where(mapped.notna(), None).tolist()
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    return ('{"type":"' + LAYER_TYPE + '","version":1,"scale":' + str(layer.scale)
            + ',"bbox":' + dumps(layer.bbox) + ',"code":' + dumps(layer.codes)
            + ',"name":' + dumps(names) + ',"cls":' + dumps(cls)
            + ',"geometry":' + dumps(layer.geometry) + "}")


def decode_layer(payload: str) -> gpd.GeoDataFrame:
    """Read a payload of :func:`map_layer` back (``code``, ``name``, ``cls``, geometry).

    The geometries are those drawn by the browser: on the grid of the payload's scale.
    """
    data = json.loads(payload)
    if data.get("type") != LAYER_TYPE:
        raise ValueError(f"not a {LAYER_TYPE} payload: type {data.get('type')!r}")
    scale = data["scale"]
    geometries = [_decode_geometry(text, scale) for text in data["geometry"]]
    return gpd.GeoDataFrame({"code": data["code"], "name": data["name"],
                             "cls": pd.array(data["cls"], dtype="Int64")},
                            geometry=geometries, crs=WEB_CRS)


def encode_geometries(geometries: Sequence | np.ndarray, scale: int) -> list[str]:
    """Encode (multi)polygons as strings of the compact layer format (see :data:`LAYER_TYPE`).

    Coordinates are rounded to the grid of ``1 / scale`` degree; a vertex equal to the
    previous one on that grid is dropped, and so are rings left with fewer than three
    vertices (a polygon with its exterior), unless that would leave the feature empty.

    >>> import shapely
    >>> encode_geometries([shapely.box(0, 0, 0.002, 0.001)], 1000)
    ['EAACDAAB']
    """
    geoms = np.asarray(geometries, dtype=object)
    if len(geoms) == 0:
        return []
    parts, feature_of_part = shapely.get_parts(geoms, return_index=True)
    rings, part_of_ring = shapely.get_rings(parts, return_index=True)
    coords, ring_of_coord = shapely.get_coordinates(rings, return_index=True)
    # Open the rings: drop each ring's last vertex (a copy of its first).
    last = np.r_[ring_of_coord[1:] != ring_of_coord[:-1], True]
    grid = np.rint(coords[~last] * scale).astype(np.int64)
    ring_of_coord = ring_of_coord[~last]
    repeated = np.r_[False, (ring_of_coord[1:] == ring_of_coord[:-1])
                     & (grid[1:] == grid[:-1]).all(axis=1)]
    grid, ring_of_coord = grid[~repeated], ring_of_coord[~repeated]

    # Which rings to keep: three vertices or more; a polygon goes with its exterior.
    n_rings = len(rings)
    vertices = np.bincount(ring_of_coord, minlength=n_rings)
    exterior = np.r_[True, part_of_ring[1:] != part_of_ring[:-1]]
    polygon_ok = np.zeros(len(parts), dtype=bool)
    polygon_ok[part_of_ring[exterior]] = vertices[exterior] >= 3
    keep = (vertices >= 3) & polygon_ok[part_of_ring]
    feature_of_ring = feature_of_part[part_of_ring]
    kept_per_feature = np.bincount(feature_of_ring[keep], minlength=len(geoms))
    keep |= (kept_per_feature[feature_of_ring] == 0) & (vertices > 0)  # never empty a feature
    point_kept = keep[ring_of_coord]
    grid, ring_of_coord = grid[point_kept], ring_of_coord[point_kept]

    feature_of_coord = feature_of_ring[ring_of_coord]
    part_of_coord = part_of_ring[ring_of_coord]
    new_feature = np.r_[True, feature_of_coord[1:] != feature_of_coord[:-1]]
    new_part = np.r_[True, part_of_coord[1:] != part_of_coord[:-1]]
    new_ring = np.r_[True, ring_of_coord[1:] != ring_of_coord[:-1]]
    deltas = np.diff(grid, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    deltas[new_feature] = grid[new_feature]
    zigzag = ((deltas << 1) ^ (deltas >> 63)).ravel()  # x0, y0, x1, y1…
    digits = np.ones(len(zigzag), dtype=np.int64)
    while (zigzag >> (5 * digits)).any():
        digits += (zigzag >> (5 * digits)) > 0
    separator = (new_ring & ~new_feature).astype(np.int64)  # "," or ";" before the vertex
    per_vertex = separator + digits[0::2] + digits[1::2]
    start = np.r_[0, np.cumsum(per_vertex)[:-1]]
    out = np.zeros(int(per_vertex.sum()), dtype=np.uint8)
    out[start[separator == 1]] = np.where(new_part[separator == 1], ord(";"), ord(","))
    value_start = np.empty(len(zigzag), dtype=np.int64)
    value_start[0::2] = start + separator
    value_start[1::2] = start + separator + digits[0::2]
    table = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)
    for chunk in range(int(digits.max())):
        more = digits > chunk
        value = (zigzag[more] >> (5 * chunk)) & 31
        value |= np.where(digits[more] > chunk + 1, 32, 0)
        out[value_start[more] + chunk] = table[value]
    text = out.tobytes().decode("ascii")
    bounds = np.r_[start[new_feature], len(out)]
    strings = [""] * len(geoms)
    for feature, a, b in zip(feature_of_coord[new_feature], bounds[:-1], bounds[1:],
                             strict=True):
        strings[feature] = text[a:b]
    return strings


class _EncodedLayer:
    """Geometry part of a :func:`map_layer` payload (cached: it does not depend on classes)."""

    def __init__(self, codes: list[str], names: list[str], geometry: list[str], scale: int,
                 bbox: list[float]):
        self.codes, self.names, self.geometry = codes, names, geometry
        self.scale, self.bbox = scale, bbox


def _build_stamp(root: Path | None) -> int:
    """Modification time of the artifacts' build report: a rebuild empties the cache."""
    report = geodata_dir(root) / build.REPORT
    return report.stat().st_mtime_ns if report.exists() else 0


@lru_cache(maxsize=16)
def _encoded_layer(level: str, region: str | None, root: Path | None, stamp: int = 0
                   ) -> _EncodedLayer:
    """Geometry part of a layer (``stamp``: see :func:`_build_stamp`)."""
    table = _layer_territories(level, region, root)
    scale = VIEW_SCALES[NATIONAL_VIEW if region is None else REGION_VIEW]
    geometry = encode_geometries(table.geometry.to_numpy(), scale)
    bbox = [round(float(v), 6) for v in table.total_bounds] if len(table) else None
    return _EncodedLayer(table["code"].tolist(), table["name"].tolist(), geometry, scale,
                         bbox)


def _layer_territories(level: str, region: str | None, root: Path | None
                       ) -> gpd.GeoDataFrame:
    """Drawable territories (code, name, geometry) of ``level`` in ``region`` or France."""
    table = store.attributes(level, root)
    if region is None:
        shapes = store.web_geometries(level, NATIONAL_VIEW, root)
    else:
        table = table[table["code"].isin(members(level, "regions", region, root))]
        shapes = store.web_geometries(level, REGION_VIEW, root)
    out = shapes.merge(table[["code", "name"]], on="code", how="inner")
    out = out[out.geometry.notna() & ~out.geometry.is_empty].reset_index(drop=True)
    if region is None:
        out = insets.apply_insets(out, out["code"].map(departement_of(level, root)),
                                  target="web")
    return out


def _decode_geometry(text: str, scale: int) -> shapely.Geometry:
    """Read one feature's geometry string back (see :data:`LAYER_TYPE`)."""
    digit = {c: i for i, c in enumerate(ALPHABET)}
    polygons, rings, ring = [], [], []
    x = y = 0
    value = shift = 0
    numbers: list[int] = []

    def close_ring() -> None:
        points = [(ring[i] / scale, ring[i + 1] / scale) for i in range(0, len(ring), 2)]
        rings.append(points)
        ring.clear()

    for char in text:
        if char in ",;":
            close_ring()
            if char == ";":
                polygons.append(list(rings))
                rings.clear()
            continue
        chunk = digit[char]
        value |= (chunk & 31) << shift
        if chunk & 32:
            shift += 5
            continue
        number = (value >> 1) ^ -(value & 1)
        value = shift = 0
        numbers.append(number)
        if len(numbers) == 2:
            x, y = x + numbers[0], y + numbers[1]
            ring.extend((x, y))
            numbers.clear()
    close_ring()
    polygons.append(list(rings))
    # A ring of fewer than three vertices (kept so as not to empty a feature) is padded.
    shapes = [shapely.Polygon(*[(ring * 3)[:max(3, len(ring))] for ring in r[:1]], r[1:])
              for r in polygons]
    return shapely.MultiPolygon(shapes) if len(shapes) > 1 else shapes[0]


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
    labels = [f"moins de {french.integer(breaks[0])}"]
    labels += [f"{french.integer(lo)} à {french.integer(hi)}" for lo, hi in zip(breaks, breaks[1:],
                                                                      strict=False)]
    return [*labels, f"{french.integer(breaks[-1])} et plus"]


def inset_frames() -> str:
    """Outlines of the overseas inset boxes, with the name of their département."""
    frames = insets.frames(WEB_CRS).rename(columns={"departement": "code"})
    return geojson(frames, ("code", "name"))


def _plain(value: object) -> object:
    """JSON encoder fallback for numpy scalars."""
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    raise TypeError(f"cannot write {type(value).__name__} in GeoJSON properties")
