"""The national report: the 18 régions side by side, national maps, objective against perceived.

Same typesetting and sources as :mod:`atlas.reports.regional_report`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from reportlab.platypus import Flowable, PageBreak

import french
from atlas.index.composite import Method
from atlas.index.level_indices import level_indices
from atlas.perception.grand_debat.reading import CAVEAT, SOURCE_LABEL
from atlas.reports import pdf_document as pdf
from atlas.reports import region_facts as rf
from atlas.reports import region_perception as perception
from atlas.reports import report_figures as figures
from atlas.reports.regional_report import method_and_sources
from atlas.reports.territory_record import level_rows

SECTIONS = ("1. Les 18 régions côte à côte", "2. Cartes nationales",
            "3. Fragilité objective et fragilité perçue, par région", "4. Méthode et sources")
"""Titles of the national report's sections."""


def build_france_report(out: Path | str, method: Method | None = None,
                        date: dt.date | None = None) -> Path:
    """Write the national report to the PDF ``out`` and return its path."""
    out = Path(out)
    out.write_bytes(france_report_bytes(method, date))
    return out


def france_report_bytes(method: Method | None = None, date: dt.date | None = None) -> bytes:
    """The PDF of the national report, as bytes."""
    method = method or Method()
    day = french.date(date or dt.date.today())
    names = rf.region_names()
    story: list[Flowable] = [
        pdf.paragraph("France : rapport national", "title"),
        pdf.paragraph(f"Atlas des fragilités territoriales — les 18 régions — {day}",
                      "subtitle"),
        pdf.paragraph("Toutes les valeurs viennent de fichiers officiels, avec leur source et "
                      "leur millésime ; une valeur manquante est écrite « non disponible », "
                      "jamais 0. Les perceptions sont réelles (Grand Débat national 2019, "
                      "contributions volontaires) ou simulées, et chacune le dit.", "note"),
        pdf.paragraph("Sommaire", "subtitle"), pdf.contents(), PageBreak(),
        *profiles(names, method), *national_maps(method), *perceived(names, method),
        *method_and_sources(method, SECTIONS[3]),
    ]
    return pdf.write(story, "Rapport national", f"Atlas des fragilités territoriales — "
                     f"France — {day}")


def profiles(names: dict[str, str], method: Method) -> Iterator[Flowable]:
    """Section 1: overall index and rank of each région, and the régions × domains grid."""
    yield pdf.heading(SECTIONS[0])
    rows = level_rows("regions", method).set_index("code")
    size = int(rows["overall"].notna().sum())
    table = []
    for code, name in names.items():
        r = rows.loc[code]
        interval = french.rank_interval(r["overall_rank_low"], r["overall_rank_high"])
        table.append([f"{name} ({code})", french.population(r["population"]),
                      french.number(r["overall"], 2),
                      french.rank(None if french.is_missing(r["overall_rank"])
                                  else r["overall_rank"], size), interval])
    yield pdf.table(["Région", "Population", "Indice global", "Rang (1 = la plus fragile)",
                     "Intervalle à 90 %"], table, [0.36, 0.18, 0.14, 0.16, 0.16])
    yield pdf.paragraph(
        "Une région sans indice global (« non disponible ») a moins de la moitié des domaines "
        "d'une dimension renseignés : c'est le cas de régions d'outre-mer, où plusieurs "
        "sources ne sont pas publiées.", "small")
    scores = level_indices("regions", method).domain_scores.reindex(list(names))
    yield pdf.heading("Profils des 16 domaines", 2)
    yield pdf.image(figures.grid_png(scores, names), pdf.WIDTH, pdf.WIDTH * 15 / 17)
    yield pdf.paragraph("Score de chaque domaine, de 0 (le moins fragile) à 1 (le plus "
                        "fragile) ; « n.d. » : non disponible.", "small")
    yield PageBreak()


def national_maps(method: Method) -> Iterator[Flowable]:
    """Section 2: the overall index of the régions, départements and communes."""
    yield pdf.heading(SECTIONS[1])
    width = pdf.WIDTH / 2 - 4
    maps = [pdf.image(figures.map_png(level, "overall", None, method=method), width,
                      width * 10.5 / 8.4)
            for level in ("regions", "departements", "epci", "communes")]
    yield pdf.grid(maps)
    yield PageBreak()


def perceived(names: dict[str, str], method: Method) -> Iterator[Flowable]:
    """Section 3: each région's findings that clear both uncertainties, per source."""
    yield pdf.heading(SECTIONS[2])
    yield pdf.paragraph(f"{SOURCE_LABEL} : {CAVEAT}. Échantillon simulé : "
                        f"{perception.SIMULATED}.", "note")
    yield pdf.table(["Région", "Grand Débat 2019 (réel) : paires question × domaine qui "
                     "franchissent les deux incertitudes",
                     "Simulé : corrélation de Spearman des deux ordres",
                     "Simulé : angles morts", "Simulé : domaines surestimés"],
                    perception.national_rows(names, method), [0.26, 0.3, 0.16, 0.14, 0.14])
    yield PageBreak()
