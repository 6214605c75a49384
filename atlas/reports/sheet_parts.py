"""Drawing of the territory sheet (:mod:`atlas.reports.sheet`): formatting, blocks and pages.

Everything here is layout: the data come ready in a :class:`SheetContent`. Pages are A4
portrait figures written by matplotlib's ``PdfPages`` (Type 3 fonts, matplotlib's default:
the text can still be extracted, and embedding is twice as fast as TrueType subsets).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath

import french
from atlas.index.composite import IndexResult, Method
from atlas.index.explain import DomainExplanation
from atlas.perception.grand_debat import wording
from atlas.perception.grand_debat.reading import CAVEAT, SOURCE_LABEL
from atlas.perception.grand_debat.regional import RegionalFigures
from atlas.perception.survey.model import SIMULATED_LABEL
from atlas.reports.territory import Territory
from french import MISSING_SHORT, NBSP
from geodata import insets, store
from geodata.crs import OVERSEAS_CRS
from geodata.hierarchy import departement_of
from indicators.domains import DIMENSIONS, DOMAIN_BY_ID, DOMAINS
from indicators.status import Status

A4 = (8.27, 11.69)
"""A4 portrait, inches."""
DIMENSION_COLOURS = {"societal": "#4e79a7", "economic": "#f28e2b", "social": "#b07aa1",
                     "environmental": "#59a14f"}
REFERENCE_STYLES = (("D", "#222222"), ("^", "#c0392b"), ("|", "#7f7f7f"))
"""Marker and colour of the reference profiles, in the order given."""
GREY = "#555555"
POPULATION_SOURCE = "INSEE, populations légales 2023"
METHOD_NOTE = (
    "Méthode. Chaque indicateur est converti en rang centile parmi les territoires du même "
    "niveau en France (0 = le moins fragile, 1 = le plus fragile, selon le sens de "
    "l'indicateur). Score d'un domaine = moyenne arithmétique des scores de ses "
    "indicateurs ; score d'une dimension = moyenne de ses domaines ; indice global = "
    "moyenne des quatre dimensions ; poids égaux. Un score n'est calculé que si au moins la "
    "moitié de ses composantes est disponible. Les valeurs des EPCI, départements et "
    "régions sont recalculées à partir des effectifs (sommes des numérateurs et "
    "dénominateurs), jamais en moyennant les scores des communes. Rang 1 = territoire le "
    "plus fragile. Sources et millésimes : tableau des indicateurs (page 2).")


@dataclass(frozen=True)
class Reference:
    """A reference profile drawn beside the territory's: a label and 16 domain scores."""

    label: str
    domain_scores: pd.Series


@dataclass(frozen=True)
class SheetContent:
    """Everything a sheet shows, ready to draw.

    Attributes
    ----------
    territory, level_label, level_plural, produced
        Who, its level in French (singular, plural) and the date of production.
    result
        The index of the territory's level.
    scores
        (label, score, rank text) of each dimension, then of the overall index.
    references
        Reference profiles drawn as markers on the domain chart.
    explanations
        Most then least fragile domains (:func:`atlas.index.explain.explain`).
    indicators
        The indicator table (:func:`atlas.reports.indicator_table.indicator_rows`).
    priorities
        Top domains perceived by the région's citizens
        (:func:`atlas.reports.sheet.perceived_priorities`).
    method_note
        The method's description (:func:`method_note`).
    grand_debat
        The Grand Débat figures of the territory's région
        (:func:`atlas.perception.grand_debat.regional.regional_figures`), or None.
    """

    territory: Territory
    level_label: str
    level_plural: str
    produced: date
    result: IndexResult
    scores: tuple[tuple[str, float, str], ...]
    references: tuple[Reference, ...]
    explanations: tuple[DomainExplanation, ...]
    indicators: pd.DataFrame
    priorities: pd.DataFrame
    method_note: str = METHOD_NOTE
    grand_debat: RegionalFigures | None = None


def method_note(method: Method | None = None) -> str:
    """The sheet's method note: :data:`METHOD_NOTE`, or the choices of another method."""
    if method is None or method == Method():
        return METHOD_NOTE
    from atlas.index.method_note import method_text

    choices = method_text(method).removeprefix("Score de fragilité : ")
    return (f"Méthode modifiée par l'utilisateur de l'atlas : {choices}. Score d'un domaine "
            "= moyenne de ses indicateurs, d'une dimension = moyenne de ses domaines, indice "
            "global = moyenne des dimensions. Un score n'est calculé que si au moins la "
            "moitié de ses composantes est disponible. Les valeurs des EPCI, départements "
            "et régions sont recalculées à partir des effectifs, jamais en moyennant les "
            "scores des communes. Rang 1 = territoire le plus fragile. Sources et "
            "millésimes : tableau des indicateurs (page 2).")


# --- formatting ------------------------------------------------------------------------

def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` characters (one empty line for empty text)."""
    return textwrap.wrap(text, width) or [""]


# --- page 1 -------------------------------------------------------------------------------

def write_pdf(content: SheetContent, out: Path) -> Path:
    """Draw both pages and write them to ``out``."""
    with matplotlib.rc_context({"font.family": "DejaVu Sans"}):
        pages = (first_page(content), second_page(content))
        with PdfPages(out, metadata=_metadata(content)) as pdf:
            for fig in pages:
                pdf.savefig(fig)
    return out


def _metadata(content: SheetContent) -> dict:
    t = content.territory
    return {"Title": f"Fiche territoire — {t.name} ({t.code})",
            "Subject": "Atlas des fragilités territoriales", "Author": "Atlas des fragilités"}


def first_page(content: SheetContent) -> Figure:
    """Header, location map, profile, scores, explanations, Grand Débat, method, priorities."""
    fig = Figure(figsize=A4)
    header(fig, content)
    profile_chart(fig.add_axes((0.31, 0.525, 0.32, 0.335)), content)
    location_map(fig.add_axes((0.69, 0.69, 0.29, 0.16)), content.territory)
    score_block(fig, content, x=0.69, y=0.675)
    explanation_block(fig, content, y=0.475)
    if content.grand_debat is not None:
        grand_debat_block(fig, content.grand_debat, x=0.03, y=0.255)
    below = text_block(fig, content.method_note, x=0.53, y=0.255, width=78, size=6.0)
    priority_block(fig, content, x=0.53, y=below - 0.012)
    fig.text(0.5, 0.012, "Atlas des fragilités territoriales — page 1/2", ha="center",
             fontsize=6, color=GREY)
    return fig


def header(fig: Figure, content: SheetContent) -> None:
    """Name, code, level, parents, population, area and date of production."""
    t = content.territory
    fig.text(0.03, 0.972, t.name, fontsize=17, weight="bold", va="top")
    parents = [f"{content.level_label} {t.code}"]
    main = " principal" if t.level == "epci" else ""
    if t.departement_name:
        parents.append(f"Département{main} : {t.departement_name} ({t.departement})")
    if t.region_name and t.level != "regions":
        parents.append(f"Région{main.replace('l', 'le')} : {t.region_name} ({t.region})")
    fig.text(0.03, 0.94, " · ".join(parents), fontsize=9, va="top")
    density = t.population / t.area_km2 if t.area_km2 else float("nan")
    fig.text(0.03, 0.922,
             f"Population : {french.population(t.population, NBSP)} ({POPULATION_SOURCE}) · "
             f"Superficie : {french.area(t.area_km2, 1, NBSP)} · "
             f"Densité : {french.quantity(density, 'hab./km²', 0, NBSP)}", fontsize=8,
             va="top")
    fig.text(0.03, 0.905, f"Fiche territoire de l'Atlas des fragilités territoriales, "
             f"produite le {french.date(content.produced)}", fontsize=7, va="top", color=GREY)
    fig.add_artist(Line2D([0.03, 0.97], [0.895, 0.895], color="#999999", lw=0.6))


def profile_chart(ax: Axes, content: SheetContent) -> None:
    """Horizontal bars of the 16 domain scores, grouped by dimension, with references."""
    code = content.territory.code
    scores = content.result.domain_scores.loc[code]
    positions, labels, y = {}, [], 0.0
    for dimension in DIMENSIONS:
        ax.text(-0.02, y - 0.1, dimension.label.upper(), transform=ax.get_yaxis_transform(),
                ha="right", va="center", fontsize=6.5, weight="bold",
                color=DIMENSION_COLOURS[dimension.id])
        y += 0.9
        for domain in (d for d in DOMAINS if d.dimension == dimension.id):
            positions[domain.id] = y
            labels.append(domain.label)
            y += 1.0
        y += 0.3
    ys = np.array(list(positions.values()))
    values = scores.reindex(list(positions)).to_numpy(dtype=float)
    colours = np.array([DIMENSION_COLOURS[DOMAIN_BY_ID[d].dimension] for d in positions])
    missing = np.isnan(values)
    ax.barh(ys[~missing], values[~missing], height=0.7, color=colours[~missing], alpha=0.85,
            zorder=2)
    missing_bars(ax, ys[missing])
    for yy, value in zip(ys, values, strict=True):
        ax.text(1.02, yy, french.number(value, 2, NBSP, MISSING_SHORT), va="center", fontsize=6,
                transform=ax.get_yaxis_transform())
    for ref, (marker, colour) in zip(content.references, REFERENCE_STYLES[-len(content.references):]
                                     if len(content.references) < 3 else REFERENCE_STYLES,
                                     strict=True):
        ref_values = ref.domain_scores.reindex(list(positions)).to_numpy(dtype=float)
        ax.scatter(ref_values, ys, marker=marker, s=22 if marker != "|" else 60,
                   color=colour, zorder=3, label=ref.label, linewidths=1.2)
    ax.axvline(0.5, color="#bbbbbb", lw=0.6, ls=":", zorder=1)
    ax.set_yticks(ys, labels, fontsize=6.8)
    ax.set_ylim(y - 0.2, -0.6)
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0", "0,25", "0,5", "0,75", "1"], fontsize=6)
    xlabel = "Score de domaine (0 = le moins fragile, 1 = le plus fragile)"
    if missing.any():
        xlabel += (f"\nHachuré, {MISSING_SHORT} : {french.MISSING}, moins de la moitié des "
                   "indicateurs du domaine disponibles")
    ax.set_xlabel(xlabel, fontsize=6.5)
    ax.grid(axis="x", color="#eeeeee", lw=0.5, zorder=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(f"Profil des 16 domaines — {content.territory.name}", fontsize=9,
                 loc="left", x=-0.85)
    ax.figure.legend(*ax.get_legend_handles_labels(), loc="upper left",
                     bbox_to_anchor=(0.685, 0.54), fontsize=6, frameon=False,
                     title=f"Repères : médiane des {content.level_plural}\nde chaque territoire",
                     title_fontsize=6, alignment="left")


MISSING_GID = "domaine-non-disponible"
"""``gid`` of the hatched bars of the domains without a score (found again in tests)."""


def missing_bars(ax: Axes, ys: np.ndarray) -> None:
    """Hatched full-width bars labelled « non disponible »: a missing score is not a 0."""
    if not len(ys):
        return
    bars = ax.barh(ys, np.ones(len(ys)), height=0.7, facecolor="white", edgecolor="#b0b0b0",
                   hatch="//////", linewidth=0.4, zorder=1.5)
    for bar in bars:
        bar.set_gid(MISSING_GID)
    for yy in ys:
        ax.text(0.015, yy, french.MISSING, ha="left", va="center", fontsize=5.5, color=GREY,
                zorder=4, bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6})


def location_map(ax: Axes, territory: Territory) -> None:
    """The territory highlighted within its région (within France for a région)."""
    frame, shape, parent, title = frame_and_shape(territory)
    ax.add_collection(_patches(frame, facecolor="#e8e8e8", edgecolor="white", linewidth=0.4))
    if parent is not None:
        ax.add_collection(_patches(parent, facecolor="none", edgecolor="#777777",
                                   linewidth=0.6))
    ax.add_collection(_patches(shape, facecolor="#c0392b", edgecolor="#7b241c",
                               linewidth=0.4))
    x0, y0, x1, y1 = frame.total_bounds
    sx0, sy0, sx1, sy1 = shape.total_bounds
    if max(sx1 - sx0, sy1 - sy0) < 0.03 * max(x1 - x0, y1 - y0):
        point = shape.geometry.union_all().representative_point()
        ax.scatter([point.x], [point.y], s=40, facecolor="none", edgecolor="#c0392b", lw=1.2)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(title, fontsize=7, loc="left", wrap=True)


def _patches(gdf: gpd.GeoDataFrame, **style) -> PatchCollection:
    """Polygons of ``gdf`` as one matplotlib collection.

    Drawn directly rather than with ``GeoDataFrame.plot``, which redraws the whole figure
    at each call (a third of a second per layer on a full page).
    """
    patches = []
    for polygon in shapely.get_parts(gdf.geometry.dropna().to_numpy()):
        if not isinstance(polygon, shapely.Polygon):
            continue
        rings = [polygon.exterior, *polygon.interiors]
        vertices = np.concatenate([np.asarray(r.coords)[:, :2] for r in rings])
        codes = np.concatenate([[MplPath.MOVETO] + [MplPath.LINETO] * (len(r.coords) - 2)
                                + [MplPath.CLOSEPOLY] for r in rings])
        patches.append(PathPatch(MplPath(vertices, codes)))
    return PatchCollection(patches, **style)


def frame_and_shape(territory: Territory) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame,
                                                   gpd.GeoDataFrame | None, str]:
    """Background, territory, parent outline (or None) and title of the location map.

    A région is shown among all régions, overseas ones in their insets (Lambert-93); any
    other territory among the départements of its région, in Lambert-93 or in the local
    CRS of an overseas département. Geometries are the coverage-simplified web ones.
    """
    if territory.level == "regions":
        regions = _web("regions", "france")
        placed = insets.apply_insets(regions, regions["code"].map(departement_of("regions")),
                                     target="static")
        return (placed, placed[placed["code"] == territory.code], None,
                "Localisation en France\n(outre-mer en encarts)")
    departements = _web("departements", "region")
    codes = store.attributes("departements").set_index("code")["region"]
    frame = departements[departements["code"].map(codes) == territory.region]
    crs = (OVERSEAS_CRS[frame["code"].iloc[0]]
           if frame["code"].isin(list(OVERSEAS_CRS)).all() else insets.STATIC_TARGET_CRS)
    shapes = _web(territory.level, "region")
    shape = shapes[shapes["code"] == territory.code].to_crs(crs)
    parent = (frame[frame["code"] == territory.departement].to_crs(crs)
              if territory.level in ("communes", "epci") else None)
    return (frame.to_crs(crs), shape, parent,
            f"Localisation dans la région\n{territory.region_name}")


@cache
def _web(level: str, view: str) -> gpd.GeoDataFrame:
    return store.web_geometries(level, view)


def score_block(fig: Figure, content: SheetContent, x: float, y: float) -> None:
    """Dimension and overall scores with their rank among the level's territories."""
    fig.text(x, y, "Scores et rangs", fontsize=8.5, weight="bold", va="top")
    fig.text(x, y - 0.015, f"parmi les {content.level_plural} de France\n(rang 1 = le plus "
             "fragile)", fontsize=6, va="top", color=GREY)
    yy = y - 0.045
    for i, (label, score, rank) in enumerate(content.scores):
        weight = "bold" if i == len(content.scores) - 1 else "normal"
        fig.text(x, yy, label, fontsize=7, va="top", weight=weight)
        fig.text(x + 0.12, yy, french.number(score, 2, NBSP, MISSING_SHORT), fontsize=7,
                 va="top", weight=weight)
        fig.text(x + 0.285, yy, rank, fontsize=6.3, va="top", ha="right", color=GREY)
        yy -= 0.018


def explanation_block(fig: Figure, content: SheetContent, y: float) -> None:
    """The three most and least fragile domains, each with its driving indicators."""
    rows = content.indicators.set_index("id")
    fig.text(0.03, y, "Pourquoi ? Domaines les plus et les moins fragiles", fontsize=9,
             weight="bold", va="top")
    fig.text(0.03, y - 0.016, f"Classés par position parmi les {content.level_plural} de "
             "France ; principaux indicateurs (valeur du territoire, valeur France)",
             fontsize=6, va="top", color=GREY)
    columns = {True: (0.03, "Les plus fragiles"), False: (0.52, "Les moins fragiles")}
    for fragile, (x, title) in columns.items():
        lines = [(title, "bold")]
        for e in (e for e in content.explanations if e.fragile == fragile):
            lines.append((f"{e.label} — score {french.number(e.score, 2, NBSP)}, rang "
                          f"{french.rank(e.rank, e.frame_size, NBSP)}", "bold"))
            for d in e.drivers:
                row = rows.loc[d.indicator]
                value, france = (french.quantity(v, row["unit"], space=NBSP)
                                 for v in (d.value, row["france"]))
                lines.append((f"• {row['label']} : {value} (France : {france})", "normal"))
        if len(lines) == 1:
            lines.append(("Aucun domaine calculé.", "normal"))
        _lines(fig, lines, x, y - 0.036, width=78, size=6.6)


def priority_block(fig: Figure, content: SheetContent, x: float, y: float) -> None:
    """Top domains perceived by the région's citizens, marked as simulated."""
    t = content.territory
    fig.text(x, y, "Priorités perçues par les citoyens de la région", fontsize=8.5,
             weight="bold", va="top")
    fig.text(x, y - 0.016, f"« {SIMULATED_LABEL} » — pas une enquête réelle",
             fontsize=6.5, va="top", color="#c0392b")
    table = content.priorities
    if table.empty:
        fig.text(x, y - 0.035, "Pas de répondants simulés dans cette région.", fontsize=7,
                 va="top")
        return
    ax = fig.add_axes((x + 0.2, y - 0.095, 0.2, 0.065))
    ys = np.arange(len(table))
    ax.barh(ys, table["score"].to_numpy(dtype=float), color="#9aa8b8", height=0.6)
    ax.set_yticks(ys, [DOMAIN_BY_ID[d].label for d in table["domain"]], fontsize=5.8)
    for yy, score in zip(ys, table["score"], strict=True):
        ax.text(score + 0.02, yy, french.number(score, 2, NBSP), va="center", fontsize=5.5)
    ax.set_ylim(len(table) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.tick_params(axis="x", labelsize=5)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    n = int(table["n_unweighted"].iloc[0])
    status = table["status"].iloc[0]
    note = (f"Région {t.region_name} : score de priorité (1 = cité en premier par tous), "
            f"{french.integer(n, NBSP)} répondants simulés"
            + (" — estimation fragile" if status == "fragile" else ""))
    text_block(fig, note, x=x, y=y - 0.112, width=100, size=5.5, colour=GREY)


GD_COLUMNS = ((0.0, "left"), (0.225, "left"), (0.268, "left"), (0.42, "right"),
              (0.468, "right"))
"""x offset and alignment of the Grand Débat table's columns: question, answer, région's
share and interval, France's share, contributors."""
GD_SIZE = 5.6


def grand_debat_block(fig: Figure, figures: RegionalFigures, x: float, y: float) -> float:
    """The région's Grand Débat shares beside France's, with the caveat and the source.

    Returns the y below the block.
    """
    fig.text(x, y, SOURCE_LABEL, fontsize=8.5, weight="bold", va="top")
    scope = (f"Valeurs de la région {figures.region_name}" if figures.own else
             f"Valeurs de sa région ({figures.region_name}) : le Grand Débat ne connaît que "
             "la région des contributions")
    yy = text_block(fig, scope, x, y - 0.016, width=78, size=6.3)
    yy = text_block(fig, f"Attention : {CAVEAT}.", x, yy - 0.002, width=78, size=6.3,
                    colour="#c0392b")
    step = GD_SIZE * 1.35 / 72 / fig.get_figheight()
    headers = ("Part des contributeurs…", "Rép.", "Région [IC 95 %]" if figures.own
               else "Sa région [IC 95 %]", "France", "Contrib.")
    yy -= 0.004
    for (dx, align), header in zip(GD_COLUMNS, headers, strict=True):
        fig.text(x + dx, yy, header, fontsize=GD_SIZE, weight="bold", va="top", ha=align)
    yy -= step * 1.2
    table = figures.table
    for row in table.itertuples():
        share = wording.share_text(row.share, row.ci_low, row.ci_high, NBSP, MISSING_SHORT,
                                   compact=True)
        if row.status == "fragile":
            share += " *"
        cells = (row.short, wording.answer_text(row.fragile_answer), share,
                 french.percent(row.france_share, 1, NBSP, MISSING_SHORT),
                 french.integer(row.contributors, NBSP, MISSING_SHORT))
        for (dx, align), cell in zip(GD_COLUMNS, cells, strict=True):
            fig.text(x + dx, yy, cell, fontsize=GD_SIZE, va="top", ha=align)
        yy -= step
    note = (f"{wording.SHARE_DEFINITION} * : moins de 30 réponses (estimation fragile) ; "
            f"{MISSING_SHORT} : moins de 10 réponses ou aucune contribution. France : toutes "
            f"les contributions. {wording.source_line()}")
    return text_block(fig, note, x, yy - 0.003, width=94, size=5.2, colour=GREY)


def text_block(fig: Figure, text: str, x: float, y: float, width: int, size: float,
               colour: str = "black") -> float:
    """Wrapped text from (x, y) downwards; returns the y below it."""
    return _lines(fig, [(line, "normal") for line in wrap(text, width)], x, y, width, size,
                  colour)


def _lines(fig: Figure, lines: list[tuple[str, str]], x: float, y: float, width: int,
           size: float, colour: str = "black") -> float:
    step = size * 1.3 / 72 / fig.get_figheight()
    for text, weight in lines:
        for part in wrap(text, width):
            fig.text(x, y, part, fontsize=size, weight=weight, va="top", color=colour)
            y -= step
    return y


# --- page 2 -------------------------------------------------------------------------------

TABLE_COLUMNS = (("", 0.025, 0.04), ("Indicateur", 0.04, 0.27), ("Valeur", 0.27, 0.39),
                 ("France", 0.39, 0.435), ("Repose sur", 0.435, 0.56),
                 ("Source", 0.56, 0.80), ("Millésime", 0.80, 0.985))
"""(title, left and right edge in figure fraction) of each column."""
TABLE_TOP, TABLE_BOTTOM = 0.942, 0.058
FONT_SIZES = (7.0, 6.5, 6.0, 5.75, 5.5, 5.25, 5.0, 4.5)
"""Font sizes tried for the table, largest first."""
CHAR_WIDTH = 0.54
"""Mean character width in em (DejaVu Sans), to wrap cells."""
ARROWS = {1: "↑", -1: "↓"}
LINESPACING = 1.15
"""Line height in multiples of the font size."""
ASCENT = 0.8
"""Top of a line to its baseline, in multiples of the font size."""


def second_page(content: SheetContent) -> Figure:
    """The indicator table, grouped by domain, with source and vintage of each line."""
    fig = Figure(figsize=A4)
    t = content.territory
    fig.text(0.03, 0.985, f"Indicateurs — {t.name} ({content.level_label.lower()} {t.code})",
             fontsize=11, weight="bold", va="top")
    fig.text(0.03, 0.965, "Valeur du territoire et de la France entière (recalculée à partir "
             "des effectifs) ; Source : producteur et millésime de chaque donnée.",
             fontsize=6.5, va="top", color=GREY)
    size, rows = _fit_table(content, fig)
    step = _line_step(fig, size)
    y = TABLE_TOP
    for title, x, _ in TABLE_COLUMNS:
        fig.text(x, y, title, fontsize=size + 0.5, weight="bold", va="top")
    y -= step * 1.3
    y -= size * ASCENT / 72 / fig.get_figheight()
    for kind, cells in rows:
        if kind == "domain":
            fig.text(TABLE_COLUMNS[0][1], y, cells[0][0], fontsize=size, weight="bold",
                     va="baseline", color=DIMENSION_COLOURS[cells[1][0]])
        else:
            for (_, x, _), lines in zip(TABLE_COLUMNS, cells, strict=True):
                for i, line in enumerate(lines):
                    fig.text(x, y - i * step, line, fontsize=size, va="baseline")
        y -= step * _height(kind, cells)
    fig.text(0.03, 0.05, "\n".join(wrap(_footnote(content), 180)), fontsize=5.5, va="top",
             color=GREY)
    fig.text(0.5, 0.012, "Atlas des fragilités territoriales — page 2/2", ha="center",
             fontsize=6, color=GREY)
    return fig


def _fit_table(content: SheetContent, fig: Figure) -> tuple[float, list[tuple[str, list]]]:
    """Largest font size of :data:`FONT_SIZES` at which the table fits, and its rows."""
    for size in FONT_SIZES:
        rows = _table_lines(content, size, fig.get_figwidth() * 72)
        lines = 1.3 + sum(_height(kind, cells) for kind, cells in rows)
        if lines * _line_step(fig, size) <= TABLE_TOP - TABLE_BOTTOM:
            break
    return size, rows


def _line_step(fig: Figure, size: float) -> float:
    """Distance between two lines of text of ``size``, in figure fraction."""
    return size * LINESPACING / 72 / fig.get_figheight()


def _height(kind: str, cells: list[list[str]]) -> int:
    return max(len(c) for c in cells) if kind == "row" else 1


def _table_lines(content: SheetContent, size: float,
                 page_width: float) -> list[tuple[str, list[list[str]]]]:
    """Rows of the table: a ``domain`` heading, then one ``row`` of wrapped cells each."""
    widths = [int((right - left) * page_width / (size * CHAR_WIDTH)) - 1
              for _, left, right in TABLE_COLUMNS]
    lines = []
    table = content.indicators
    for domain in DOMAINS:
        members = table[table["domain"] == domain.id]
        if members.empty:
            continue
        lines.append(("domain", [[domain.label], [domain.dimension]]))
        for row in members.itertuples():
            value = french.indicator_value(row.value, NBSP, MISSING_SHORT)
            if not french.is_missing(row.value):
                # a plain space before the unit: in this narrow cell a long unit
                # (« consultations/hab./an ») goes to the next line whole
                value = f"{'≈ ' if row.approximate else ''}{value} {row.unit}"
            if row.status == Status.ESTIMATED and not np.isnan(row.low):
                value += (f" [{french.indicator_value(row.low, NBSP)} ; "
                          f"{french.indicator_value(row.high, NBSP)}]")
            producer = row.producer.removesuffix(", remis en forme par un tiers")
            if row.third_party:
                producer += " *"
            cells = (ARROWS[row.direction], row.label, value,
                     french.indicator_value(row.france, NBSP, MISSING_SHORT),
                     row.short.replace(NBSP, " "), producer, row.vintage)
            lines.append(("row", [wrap(c, w) for c, w in zip(cells, widths, strict=True)]))
    return lines


def _footnote(content: SheetContent) -> str:
    parts = ["Sens : ↑ une valeur plus élevée signale plus de fragilité, ↓ moins de "
             "fragilité. France : même unité que la valeur."]
    if content.territory.level != "communes":
        parts.append("≈ : valeur approchée (moyenne des valeurs communales pondérée par la "
                     "population). Repose sur : officiel = valeur publiée pour ce "
                     "territoire ; recalculé n % = à partir des communes qui portent n % de "
                     "sa population (jamais moins de 80 %).")
    else:
        parts.append("Repose sur : vide = valeur publiée ; lissé = taux ramené vers celui "
                     "du département (Bayes empirique) ; estimé [bornes] = estimation "
                     "d'une valeur couverte par le secret statistique, avec son intervalle ; "
                     "faible eff. = petit effectif, à lire avec prudence.")
    parts.append("* : données officielles remises en forme par un tiers (voir la page "
                 "méthodologie de l'atlas).")
    parts.append(f"{MISSING_SHORT} : {french.MISSING}, la colonne « Repose sur » dit pourquoi "
                 "(non publié = secret statistique ou petit effectif). Toutes les sources "
                 "sont publiées sous Licence Ouverte / Etalab 2.0.")
    return " ".join(parts)
