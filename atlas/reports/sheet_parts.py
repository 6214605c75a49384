"""Drawing of the territory sheet (:mod:`atlas.reports.sheet`): blocks and pages.

Everything here is layout: the data come ready in a :class:`SheetContent`. Pages are A4
portrait figures written by matplotlib's ``PdfPages`` (Type 3 fonts, matplotlib's default:
the text can still be extracted, and embedding is twice as fast as TrueType subsets). Text
sizes, margins and wrapping come from :mod:`atlas.reports.sheet_text` (no text under 8
points, body text 9 points, nothing outside the 10 mm margins), the indicator table from
:mod:`atlas.reports.sheet_table`.
"""

from __future__ import annotations

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
from atlas.reports.sheet_table import DIMENSION_COLOURS, GREY, indicator_table
from atlas.reports.sheet_text import (
    BODY,
    BOTTOM,
    FAMILY,
    LEFT,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RIGHT,
    SMALL,
    Flow,
    line_height,
    text_width,
    wrap,
)
from atlas.reports.territory import Territory
from french import MISSING_SHORT, NBSP
from geodata import insets, store
from geodata.crs import OVERSEAS_CRS
from geodata.hierarchy import departement_of
from indicators.domains import DIMENSIONS, DOMAIN_BY_ID, DOMAINS

REFERENCE_STYLES = (("D", "#222222"), ("^", "#c0392b"), ("|", "#7f7f7f"))
"""Marker and colour of the reference profiles, in the order given."""
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
    "plus fragile. Sources et millésimes : tableau des indicateurs, en fin de fiche.")


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
            "millésimes : tableau des indicateurs, en fin de fiche.")


# --- pages ------------------------------------------------------------------------------

def write_pdf(content: SheetContent, out: Path) -> Path:
    """Draw every page and write them to ``out``."""
    with matplotlib.rc_context({"font.family": FAMILY}):
        figures = pages(content)
        with PdfPages(out, metadata=_metadata(content)) as pdf:
            for fig in figures:
                pdf.savefig(fig)
    return out


def _metadata(content: SheetContent) -> dict:
    t = content.territory
    return {"Title": f"Fiche territoire — {t.name} ({t.code})",
            "Subject": "Atlas des fragilités territoriales", "Author": "Atlas des fragilités"}


def pages(content: SheetContent) -> list[Figure]:
    """Every page of the sheet, as A4 figures.

    Page 1: header, profile, location map and scores; then, each block where there is
    room for it, the explanations, the Grand Débat, the method, the perceived priorities
    and the indicator table. Each page has a footer « page n/N ».
    """
    flow = Flow()
    header(flow, content)
    profile_chart(flow, content)
    score_block(flow, content)
    explanation_block(flow, content)
    if content.grand_debat is not None:
        grand_debat_block(flow, content.grand_debat)
    flow.paragraph(content.method_note, size=BODY, gap=12)
    priority_block(flow, content)
    flow.y -= 18
    indicator_table(flow, content)
    total = len(flow.figures)
    for number, fig in enumerate(flow.figures, start=1):
        footer = wrap(f"Atlas des fragilités territoriales — {content.territory.name} — page "
                      f"{number}/{total}", RIGHT - LEFT, SMALL)[-1]
        fig.text(0.5, (BOTTOM + 3) / PAGE_HEIGHT, footer, ha="center", va="baseline",
                 fontsize=SMALL, color=GREY)
    return flow.figures


def first_page(content: SheetContent) -> Figure:
    """The first page (header, profile, map, scores…)."""
    return pages(content)[0]


def header(flow: Flow, content: SheetContent) -> None:
    """Name, code, level, parents, population, area and date of production."""
    t = content.territory
    size = 18.0
    while size > 13 and text_width(t.name, size, bold=True) > RIGHT - LEFT:
        size -= 1
    flow.paragraph(t.name, size=size, bold=True)
    parents = [f"{content.level_label} {t.code}"]
    main = " principal" if t.level == "epci" else ""
    if t.departement_name:
        parents.append(f"Département{main} : {t.departement_name} ({t.departement})")
    if t.region_name and t.level != "regions":
        parents.append(f"Région{main.replace('l', 'le')} : {t.region_name} ({t.region})")
    flow.paragraph(" · ".join(parents), size=10, gap=3)
    density = t.population / t.area_km2 if t.area_km2 else float("nan")
    flow.paragraph(f"Population : {french.population(t.population, NBSP)} "
                   f"({POPULATION_SOURCE}) · Superficie : {french.area(t.area_km2, 1, NBSP)}"
                   f" · Densité : {french.quantity(density, 'hab./km²', 0, NBSP)}", size=BODY)
    flow.paragraph(f"Fiche territoire de l'Atlas des fragilités territoriales, produite le "
                   f"{french.date(content.produced)}", size=SMALL, colour=GREY)
    flow.y -= 5
    flow.figure.add_artist(Line2D([LEFT / PAGE_WIDTH, RIGHT / PAGE_WIDTH],
                                  [flow.y / PAGE_HEIGHT] * 2, color="#999999", lw=0.6))


CHART_RIGHT = 400.0
"""Right edge of the profile's bars, in points; the map and the legend are to its right."""
ROW = 11.5
"""Height of a row of the profile chart, in points."""


def profile_chart(flow: Flow, content: SheetContent) -> None:
    """Horizontal bars of the 16 domain scores, grouped by dimension, with references.

    The location map and the legend of the reference markers stand to its right.
    """
    code = content.territory.code
    scores = content.result.domain_scores.loc[code]
    flow.paragraph(f"Profil des 16 domaines — {content.territory.name}", size=11, bold=True,
                   gap=8, right=CHART_RIGHT + 30)
    top = flow.y - 6
    positions, labels, y = {}, [], 0.0
    for dimension in DIMENSIONS:
        y += 1.0
        for domain in (d for d in DOMAINS if d.dimension == dimension.id):
            positions[domain.id] = y
            labels.append(domain.label)
            y += 1.0
    label_width = max(text_width(label, SMALL) for label in labels)
    left = LEFT + label_width + 6
    height = (y + 0.2) * ROW
    ax = flow.figure.add_axes(flow.to_fraction(left, top - height, CHART_RIGHT - left,
                                               height))
    y = 0.0
    for dimension in DIMENSIONS:
        ax.text(-0.02, y, dimension.label.upper(), transform=ax.get_yaxis_transform(),
                ha="right", va="center", fontsize=SMALL, weight="bold",
                color=DIMENSION_COLOURS[dimension.id])
        y += 1.0 + sum(d.dimension == dimension.id for d in DOMAINS)
    ys = np.array(list(positions.values()))
    values = scores.reindex(list(positions)).to_numpy(dtype=float)
    colours = np.array([DIMENSION_COLOURS[DOMAIN_BY_ID[d].dimension] for d in positions])
    missing = np.isnan(values)
    ax.barh(ys[~missing], values[~missing], height=0.7, color=colours[~missing], alpha=0.85,
            zorder=2)
    missing_bars(ax, ys[missing])
    for yy, value in zip(ys, values, strict=True):
        ax.text(1.02, yy, french.number(value, 2, NBSP, MISSING_SHORT), va="center",
                fontsize=SMALL, transform=ax.get_yaxis_transform())
    styles = (list(REFERENCE_STYLES[-len(content.references):]) if content.references
              else [])
    for ref, (marker, colour) in zip(content.references, styles, strict=True):
        ref_values = ref.domain_scores.reindex(list(positions)).to_numpy(dtype=float)
        ax.scatter(ref_values, ys, marker=marker, s=22 if marker != "|" else 60, color=colour,
                   zorder=3, linewidths=1.2)
    ax.axvline(0.5, color="#bbbbbb", lw=0.6, ls=":", zorder=1)
    ax.set_yticks(ys, labels, fontsize=SMALL)
    ax.set_ylim(y - 0.5, -0.6)
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0", "0,25", "0,5", "0,75", "1"], fontsize=SMALL)
    ax.grid(axis="x", color="#eeeeee", lw=0.5, zorder=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(f"Profil des 16 domaines — {content.territory.name}", loc="left",
                 visible=False)  # said above the chart (the title may be long)
    flow.y = top - height - 2.2 * SMALL
    xlabel = "Score de domaine (0 = le moins fragile, 1 = le plus fragile)"
    if missing.any():
        xlabel += (f". Hachuré, {MISSING_SHORT} : {french.MISSING}, moins de la moitié des "
                   "indicateurs du domaine disponibles")
    flow.paragraph(xlabel, size=SMALL, x=left, right=RIGHT)
    side = CHART_RIGHT + 35
    location_map(flow.figure.add_axes(flow.to_fraction(side, top - 150, RIGHT - side, 120)),
                 content.territory, flow, side, top)
    legend(flow, content, styles, side, top - 165)


def legend(flow: Flow, content: SheetContent, styles: list[tuple[str, str]], x: float,
           y: float) -> None:
    """The reference markers of the profile, each with its wrapped label."""
    for line in wrap(f"Repères : médiane des {content.level_plural} de chaque territoire",
                     RIGHT - x, SMALL, bold=True):
        flow.text(x, y, line, SMALL, weight="bold")
        y -= line_height(SMALL)
    for (marker, colour), ref in zip(styles, content.references, strict=True):
        y -= 3
        flow.figure.add_artist(Line2D([(x + 4) / PAGE_WIDTH], [(y + 3) / PAGE_HEIGHT],
                                      marker=marker, color=colour, linestyle="none",
                                      markersize=5 if marker != "|" else 8, mew=1.2))
        for line in wrap(ref.label, RIGHT - x - 12, SMALL):
            flow.text(x + 12, y, line, SMALL)
            y -= line_height(SMALL)


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
        ax.text(0.015, yy, french.MISSING, ha="left", va="center", fontsize=SMALL, color=GREY,
                zorder=4, bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6})


def location_map(ax: Axes, territory: Territory, flow: Flow, x: float, top: float) -> None:
    """The territory highlighted within its région (within France for a région).

    Its title is written from (``x``, ``top``) down, wrapped to the right margin.
    """
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
    for line in wrap(title, RIGHT - x, SMALL):
        flow.text(x, top - SMALL, line, SMALL)
        top -= line_height(SMALL)


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
                "Localisation en France (outre-mer en encarts)")
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
            f"Localisation dans la région {territory.region_name}")


@cache
def _web(level: str, view: str) -> gpd.GeoDataFrame:
    return store.web_geometries(level, view)


def score_block(flow: Flow, content: SheetContent) -> None:
    """Dimension and overall scores with their rank among the level's territories."""
    flow.paragraph("Scores et rangs", size=11, bold=True, gap=10)
    flow.paragraph(f"Parmi les {content.level_plural} de France (rang 1 = le plus fragile)",
                   size=SMALL, colour=GREY)
    step = line_height(BODY)
    flow.need(step * len(content.scores))
    for i, (label, score, rank) in enumerate(content.scores):
        weight = "bold" if i == len(content.scores) - 1 else "normal"
        flow.y -= step
        base = flow.y + step - BODY
        flow.text(LEFT, base, label, BODY, weight=weight)
        flow.text(LEFT + 150, base, french.number(score, 2, NBSP, MISSING_SHORT), BODY,
                  weight=weight, ha="right")
        flow.text(LEFT + 170, base, rank, BODY, color=GREY)


def explanation_block(flow: Flow, content: SheetContent) -> None:
    """The three most and least fragile domains, each with its driving indicators."""
    rows = content.indicators.set_index("id")
    flow.paragraph("Pourquoi ? Domaines les plus et les moins fragiles", size=11, bold=True,
                   gap=12)
    flow.paragraph(f"Classés par position parmi les {content.level_plural} de France ; "
                   "principaux indicateurs (valeur du territoire, valeur France)",
                   size=SMALL, colour=GREY)
    for fragile, title in ((True, "Les plus fragiles"), (False, "Les moins fragiles")):
        flow.paragraph(title, size=BODY, bold=True, gap=5)
        explanations = [e for e in content.explanations if e.fragile == fragile]
        if not explanations:
            flow.paragraph("Aucun domaine calculé.", size=BODY)
        for e in explanations:
            flow.paragraph(f"{e.label} — score {french.number(e.score, 2, NBSP)}, rang "
                           f"{french.rank(e.rank, e.frame_size, NBSP)}", size=BODY, bold=True,
                           x=LEFT + 8, gap=2)
            for d in e.drivers:
                row = rows.loc[d.indicator]
                value, france = (french.quantity(v, row["unit"], space=NBSP)
                                 for v in (d.value, row["france"]))
                flow.paragraph(f"• {row['label']} : {value} (France : {france})", size=BODY,
                               x=LEFT + 16)


def priority_block(flow: Flow, content: SheetContent) -> None:
    """Top domains perceived by the région's citizens, marked as simulated."""
    t = content.territory
    table = content.priorities
    flow.need(40 + (len(table) * 13 + 30 if not table.empty else 0))
    flow.paragraph("Priorités perçues par les citoyens de la région", size=11, bold=True,
                   gap=12)
    flow.paragraph(f"« {SIMULATED_LABEL} » — pas une enquête réelle", size=BODY,
                   colour="#c0392b")
    if table.empty:
        flow.paragraph("Pas de répondants simulés dans cette région.", size=BODY)
        return
    labels = [DOMAIN_BY_ID[d].label for d in table["domain"]]
    left = LEFT + max(text_width(label, SMALL) for label in labels) + 8
    height = len(table) * 13
    top = flow.y - 6
    ax = flow.figure.add_axes(flow.to_fraction(left, top - height, 200, height))
    ys = np.arange(len(table))
    ax.barh(ys, table["score"].to_numpy(dtype=float), color="#9aa8b8", height=0.6)
    ax.set_yticks(ys, labels, fontsize=SMALL)
    for yy, score in zip(ys, table["score"], strict=True):
        ax.text(score + 0.02, yy, french.number(score, 2, NBSP), va="center", fontsize=SMALL)
    ax.set_ylim(len(table) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0", "0,25", "0,5", "0,75", "1"], fontsize=SMALL)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    flow.y = top - height - 2.4 * SMALL
    n = int(table["n_unweighted"].iloc[0])
    status = table["status"].iloc[0]
    flow.paragraph(f"Région {t.region_name} : score de priorité (1 = cité en premier par "
                   f"tous), {french.integer(n, NBSP)} répondants simulés"
                   + (" — estimation fragile" if status == "fragile" else ""), size=SMALL,
                   colour=GREY)


GD_COLUMNS = ((0.0, "left"), (200.0, "left"), (245.0, "left"), (400.0, "right"),
              (495.0, "right"))
"""x offset from the left margin (points) and alignment of the Grand Débat table's columns:
question, answer, région's share and interval, France's share, contributors."""


def grand_debat_block(flow: Flow, figures: RegionalFigures) -> None:
    """The région's Grand Débat shares beside France's, with the caveat and the source."""
    table = figures.table
    step = line_height(BODY)
    flow.need(70 + step * (len(table) + 1))
    flow.paragraph(SOURCE_LABEL, size=11, bold=True, gap=12)
    scope = (f"Valeurs de la région {figures.region_name}" if figures.own else
             f"Valeurs de sa région ({figures.region_name}) : le Grand Débat ne connaît que "
             "la région des contributions")
    flow.paragraph(scope, size=BODY)
    flow.paragraph(f"Attention : {CAVEAT}.", size=BODY, colour="#c0392b")
    headers = ("Part des contributeurs…", "Rép.", "Région [IC 95 %]" if figures.own
               else "Sa région [IC 95 %]", "France", "Contributeurs")
    flow.y -= step + 3
    for (dx, align), text in zip(GD_COLUMNS, headers, strict=True):
        flow.text(LEFT + dx, flow.y + step - BODY, text, BODY, weight="bold", ha=align)
    for row in table.itertuples():
        share = wording.share_text(row.share, row.ci_low, row.ci_high, NBSP, MISSING_SHORT,
                                   compact=True)
        if row.status == "fragile":
            share += " *"
        cells = (row.short, wording.answer_text(row.fragile_answer), share,
                 french.percent(row.france_share, 1, NBSP, MISSING_SHORT),
                 french.integer(row.contributors, NBSP, MISSING_SHORT))
        flow.y -= step
        for (dx, align), cell in zip(GD_COLUMNS, cells, strict=True):
            flow.text(LEFT + dx, flow.y + step - BODY, cell, BODY, ha=align)
    note = (f"{wording.SHARE_DEFINITION} * : moins de 30 réponses (estimation fragile) ; "
            f"{MISSING_SHORT} : moins de 10 réponses ou aucune contribution. France : toutes "
            f"les contributions. {wording.source_line()}")
    flow.paragraph(note, size=SMALL, colour=GREY, gap=3)
