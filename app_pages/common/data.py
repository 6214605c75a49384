"""Cached access to the atlas for the pages: tables, report and map payloads.

Map payloads are JSON strings, cached once per process (``st.cache_resource``: a string
never changes, so no copy is needed), not objects.
Large tables are cached once per process (:func:`shared`) and handed out as copy-on-write
copies: ``st.cache_data`` would unpickle a fresh copy of a 35,000-row table at every call,
which cost a tenth of the server's time when many people used the map at once.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import json
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import streamlit as st

import french
from atlas.index import rank_change as rank_changes
from atlas.index.composite import IndexResult, Method
from atlas.index.level_indices import level_indices
from atlas.maps import change_map, classify, subjects, web_layers
from atlas.maps import map_table as map_views
from atlas.perception import gap_classes, share_classes
from atlas.perception.grand_debat import regional
from atlas.perception.grand_debat import shares as gd_shares
from atlas.perception.grand_debat import snapshot as gd_snapshot
from atlas.perception.grand_debat.comparison import RealComparison, compare_regions
from atlas.perception.grand_debat.questions import OPEN, closed_question
from atlas.reports.data_files import write_level
from atlas.reports.territory_record import territory_record
from geodata import build, search, store
from geodata.hierarchy import departement_of
from geodata.levels import TERRITORY_LEVELS, level_id
from indicators.history import history_catalogue, level_change
from indicators.snapshot import snapshot_catalogue


def fresh(value):
    """A copy of a cached value that costs nothing and leaves the cache intact.

    pandas ≥ 3 copies on write: a shallow copy shares the data until either side changes
    it. Frozen dataclasses (map views, classes) are rebuilt around copies of their tables.
    """
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy(deep=False)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{field.name: fresh(getattr(value, field.name))
                                             for field in dataclasses.fields(value)
                                             if field.init})
    return value


def shared(**options):
    """Cache a function's tables once per process and hand out :func:`fresh` copies.

    ``st.cache_resource`` (never pickled) with ``options``; for functions returning
    tables or frozen dataclasses of tables.
    """
    def decorate(func):
        cached = st.cache_resource(**options)(func)

        @functools.wraps(func)
        def read(*args, **kwargs):
            return fresh(cached(*args, **kwargs))

        read.clear = cached.clear
        return read
    return decorate


def ensure_artifacts() -> None:
    """Build the geometry artifacts, with a French spinner, when they are missing."""
    if not build.is_built():
        with st.spinner("Préparation des géométries des territoires (environ une minute, "
                        "une seule fois)…"):
            store.ensure_built()


@shared(show_spinner=False)
def table(level: str) -> pd.DataFrame:
    """Attributes of one territorial level (no geometry)."""
    return store.attributes(level)


@shared(show_spinner=False)
def search_index() -> pd.Series:
    """Normalised commune names, aligned with ``table("communes")``."""
    return search.search_index(table("communes"))


def find_communes(query: str, limit: int = 12) -> pd.DataFrame:
    """Communes matching ``query`` (name or INSEE code), best first."""
    return search.find(table("communes"), query, limit=limit, index=search_index())


@st.cache_data(show_spinner=False)
def report() -> dict:
    """The build report (sources, repairs, defects left)."""
    return store.report()


@shared(show_spinner="Calcul des indices…", max_entries=64)
def mapped_values(key: str, level: str, method: Method | None = None) -> pd.Series:
    """Values mapped for ``key`` at ``level`` (scores or indicator values), by code."""
    return subjects.values(key, level, method)


@shared(show_spinner=False, max_entries=64)
def classes(key: str, level: str, scheme: str = "quantiles", k: int = 5,
            method: Method | None = None) -> classify.Classes | None:
    """Classes of the mapped values at ``level`` (None for the density map)."""
    if key == subjects.DENSITY:
        return None
    return classify.classify(mapped_values(key, level, method), scheme, k,
                             decimals=2 if subjects.is_index(key) else 1)


@st.cache_resource(show_spinner="Calcul des indices…", max_entries=8)
def indices(level: str, method: Method | None = None) -> IndexResult:
    """The :class:`atlas.index.composite.IndexResult` of ``level`` (read-only, shared)."""
    return level_indices(level, method)


@shared(show_spinner="Calcul des valeurs de la carte…", max_entries=32)
def map_view(key: str, level: str, method: Method | None = None) -> map_views.MapView:
    """The :class:`atlas.maps.map_table.MapView` of ``key`` at ``level`` with ``method``."""
    return map_views.map_view(key, level, method)


def map_classes(key: str, level: str, scheme: str, k: int,
                method: Method | None) -> pd.Series:
    """Class index of every territory of ``level`` (density classes for the density map)."""
    if key == subjects.DENSITY:
        attributes = table(level)
        return pd.Series(web_layers.density_class(attributes["population"],
                                              attributes["area_km2"]).to_numpy(),
                         index=attributes["code"].to_numpy())
    return classes(key, level, scheme, k, method).cls


def shown_counts(key: str, level: str, region: str | None, scheme: str, k: int,
                 method: Method | None) -> tuple[int, ...]:
    """Number of territories of each class on the map (France, or one région)."""
    cls = map_classes(key, level, scheme, k, method)
    shown = cls[map_views.in_region(map_view(key, level, method), region).index]
    n = len(classes(key, level, scheme, k, method).labels)
    return tuple(int((shown == i).sum()) for i in range(n))


def density_labels(level: str, region: str | None) -> tuple[str, ...]:
    """Density classes with the number of territories of each on the map."""
    cls = map_classes(subjects.DENSITY, level, "quantiles", 5, None)
    shown = cls[map_views.in_region(map_view(subjects.DENSITY, level), region).index]
    return tuple(f"{label} ({french.integer((shown == i).sum())})"
                 for i, label in enumerate(web_layers.density_legend()))


def missing_note(key: str, level: str, region: str | None, method: Method | None) -> str:
    """The legend's line of territories without value (count and reason)."""
    return map_views.missing_note(map_view(key, level, method), region)


def rank_note(key: str, level: str, method: Method | None) -> str:
    """How to read the ranks of this map (empty for density)."""
    return map_views.rank_note(map_view(key, level, method))


@st.cache_resource(show_spinner="Préparation de la carte…", max_entries=32)
def layer_payload(key: str, level: str, region: str | None, scheme: str, k: int,
                  method: Method | None) -> str:
    """Payload of the map layer: territories of ``level`` in France or one région."""
    view = map_view(key, level, method)
    return web_layers.map_layer(level, region,
                            classes=map_classes(key, level, scheme, k, method),
                            tips=map_views.tooltips(view, region))


@st.cache_data(show_spinner="Comparaison avec la méthode par défaut…", max_entries=16)
def rank_change(key: str, level: str, method: Method) -> pd.DataFrame:
    """Standing before (default method) and after (``method``), the move and its class."""
    return rank_changes.compare_ranks(map_view(key, level, None).table,
                                      map_view(key, level, method).table,
                                      regional=method.frame == "region")


@st.cache_resource(show_spinner="Préparation de la carte des évolutions…", max_entries=16)
def rank_change_payload(key: str, level: str, region: str | None, method: Method) -> str:
    """Payload of the rank-change map of ``key`` (default method → ``method``)."""
    rows = rank_change(key, level, method)
    shown = rows if region is None else rows[rows["region"] == region]
    return web_layers.map_layer(level, region, classes=rows["cls"], tips=shown["tip"])


def rank_change_counts(key: str, level: str, region: str | None,
                       method: Method) -> tuple[int, ...]:
    """Number of territories of each class of change on the map."""
    rows = rank_change(key, level, method)
    shown = rows if region is None else rows[rows["region"] == region]
    return tuple(int((shown["cls"] == i).sum()) for i in range(len(rank_changes.LABELS)))


@st.cache_data(show_spinner="Calcul des évolutions…", max_entries=16)
def change_classes(indicator_id: str, level: str) -> change_map.ChangeClasses:
    """Classes of change (centred on 0) of an indicator's series at ``level``."""
    indicator = history_catalogue().by_id(indicator_id)
    return change_map.change_classes(level_change(level, indicator_id)["change"],
                                     indicator.direction, indicator.unit)


@st.cache_resource(show_spinner="Préparation de la carte des évolutions…", max_entries=16)
def change_payload(indicator_id: str, level: str, region: str | None) -> str:
    """Payload of the « Évolution » map of an indicator's series."""
    names = map_view(f"indicator:{indicator_id}", level).table["name"]
    shown = map_views.in_region(map_view(f"indicator:{indicator_id}", level), region)
    tips = change_map.tooltips(level, indicator_id, names.reindex(shown.index))
    return web_layers.map_layer(level, region, classes=change_classes(indicator_id, level).cls,
                                tips=tips)


def change_legend(indicator_id: str, level: str, region: str | None,
                  colours: tuple[str, ...]) -> tuple[str, tuple[str, ...], str]:
    """Title, labels with the number of territories on the map, and the missing line."""
    found = change_classes(indicator_id, level)
    shown = map_views.in_region(map_view(f"indicator:{indicator_id}", level), region).index
    cls = found.cls.reindex(shown)
    labels = tuple(f"{label} ({french.integer((cls == i).sum())})"
                   for i, label in enumerate(found.labels))
    return (change_map.legend_title(indicator_id), labels[:len(colours)],
            change_map.missing_note(level, indicator_id, shown))


@st.cache_resource(show_spinner=False)
def inset_frames() -> str:
    """Outlines of the overseas inset boxes of the national map."""
    return web_layers.inset_frames()


@st.cache_resource(show_spinner=False, max_entries=32)
def outline_payload(level: str, region: str | None) -> str:
    """Outlines (no classes) of ``level`` in France or one région, drawn over the map."""
    return web_layers.map_layer(level, region)


@shared(show_spinner=False)
def series_table() -> pd.DataFrame:
    """One row per indicator with several vintages: years, change, comparability, note."""
    from indicators.domains import DOMAIN_BY_ID
    from indicators.series import series_label

    catalogue = history_catalogue()
    rows = []
    for series in catalogue.series:
        indicator = catalogue.by_id(series.indicator)
        rows.append({
            "Domaine": DOMAIN_BY_ID[indicator.domain].label,
            "Indicateur": series_label(indicator.label),
            "Millésimes": ", ".join(str(year) for year, _ in series.vintages),
            "Évolution calculée": f"{series.change[0]}-{series.change[1]}",
            "Comparabilité": series.comparability_label,
            "Note": series.note})
    return pd.DataFrame(rows)


@shared(show_spinner=False)
def indicator_table() -> pd.DataFrame:
    """The catalogue as a table, with each indicator's coverage of communes and people."""
    from indicators.domain_coverage import coverage
    from indicators.domains import DOMAIN_BY_ID

    shares = {i: v for d in coverage()["domains"].values()
              for i, v in d["by_indicator"].items()}
    rows = []
    for indicator in snapshot_catalogue().indicators:
        source = indicator.source
        rows.append({
            "Indicateur": indicator.label, "Domaine": DOMAIN_BY_ID[indicator.domain].label,
            "Unité": indicator.unit,
            "Sens": "plus = plus fragile" if indicator.direction == 1
            else "plus = moins fragile",
            "Source": f"{source.producer}, {source.dataset}", "Millésime": source.vintage,
            "Licence": source.licence,
            "Communes couvertes": shares[indicator.id]["communes_share"],
            "Population couverte": shares[indicator.id]["population_share"],
            "Niveaux supérieurs": "approximation (moyenne pondérée)"
            if indicator.aggregation.approximate else "recalcul exact (sommes)",
            "Réserves": " ".join(filter(None, [indicator.caveats, source.caveats])),
        })
    return pd.DataFrame(rows)


# --- Objective versus perceived (pages « Objectif vs perçu » and « Autodiagnostic ») ---

@st.cache_resource(show_spinner="Tirage de l'échantillon simulé…")
def survey_sample():
    """The atlas's simulated survey sample.

    See :func:`atlas.perception.survey.simulate.default_sample`.
    """
    from atlas.perception.survey.simulate import default_sample

    return default_sample()


@st.cache_resource(show_spinner="Comparaison de l'objectif et du perçu…", max_entries=16)
def gap_comparison(level: str, actor: str, method: Method | None = None):
    """The :class:`atlas.perception.gap.GapComparison` of ``level`` and ``actor`` (read-only)."""
    from atlas.perception import gap

    return gap.run(survey_sample(), level, actor, method=method)


@shared(show_spinner=False)
def perceived_profile(level: str, actor: str) -> pd.DataFrame:
    """Perceived-priority scores and ranks of the 16 domains by territory, for one actor."""
    from atlas.perception import compare
    from atlas.perception.survey.estimates import priority_scores

    return compare.perceived_profile(priority_scores(survey_sample().respondents, level),
                                     actor)


@shared(show_spinner="Calcul des indices…", max_entries=16)
def objective_profile(level: str, method: Method | None = None) -> pd.DataFrame:
    """Standing (1 = most fragile of its frame) and rank of the 16 domains by territory."""
    from atlas.perception import compare

    return compare.objective_profile(level_indices(level, method))


@st.cache_resource(show_spinner=False)
def national_shapes(level: str):
    """Régions or départements (national view, overseas in insets), with their names."""
    from geodata import insets

    shapes = store.web_geometries(level, web_layers.NATIONAL_VIEW).merge(
        table(level)[["code", "name"]], on="code", how="left")
    departement = shapes["code"].map(departement_of(level))
    return insets.apply_insets(shapes, departement, target="web")


@st.cache_resource(show_spinner="Préparation de la carte des écarts…")
def gap_payload(level: str, actor: str, domain: str, method: Method | None = None) -> str:
    """GeoJSON of the gap map (:func:`atlas.perception.gap_classes.gap_classes`)."""
    classes = gap_classes.gap_classes(gap_comparison(level, actor, method).table, domain)
    return _classed_payload(level, classes)


@st.cache_resource(show_spinner=False)
def spearman_payload(level: str, actor: str, method: Method | None = None) -> str:
    """GeoJSON of the profile-correlation map.

    Classes from :func:`atlas.perception.gap_classes.spearman_classes`.
    """
    summary = gap_comparison(level, actor, method).summary
    return _classed_payload(level, gap_classes.spearman_classes(summary))


def _classed_payload(level: str, classes: pd.DataFrame) -> str:
    shapes = national_shapes(level_id(level))
    out = shapes.assign(cls=shapes["code"].map(classes["cls"]).astype("Int64"),
                        name=shapes["name"] + " — " + shapes["code"].map(
                            classes["text"]).fillna("aucun répondant"))
    return web_layers.geojson(out, ("code", "name", "cls"))


@st.cache_data(show_spinner="Recherche de regroupements spatiaux…", max_entries=32)
def gap_clusters(level: str, actor: str, domain: str,
                 method: Method | None = None) -> pd.DataFrame:
    """Local Moran's I of the gaps in ``domain`` (:func:`atlas.perception.gap.gap_clusters`)."""
    from atlas.perception import gap

    return gap.gap_clusters(gap_comparison(level, actor, method), domain)


@st.cache_data(show_spinner=False)
def actor_agreement(level: str, territory: str) -> pd.DataFrame:
    """Spearman correlation of the domain profiles of each pair of actor types."""
    from atlas.perception import compare
    from atlas.perception.survey.estimates import priority_scores

    return compare.actor_agreement(priority_scores(survey_sample().respondents, level),
                                   territory)


# --- Grand Débat 2019 (pages « Objectif vs perçu », « Territoire », « Méthode & données ») ---

@st.cache_resource(show_spinner="Comparaison avec le Grand Débat (simulation Monte-Carlo des "
                                "régions)…", max_entries=12)
def real_comparison(actor: str, method: Method | None = None) -> RealComparison:
    """The régions' objective and perceived fragility, Grand Débat answers (shared).

    See :func:`atlas.perception.grand_debat.comparison.compare_regions`.
    """
    return compare_regions(actor, method)


@st.cache_data(show_spinner=False, max_entries=64)
def real_shares(question: str, actor: str) -> pd.DataFrame:
    """Perceived share of ``question`` by région (:func:`gd_shares.closed_shares`)."""
    return gd_shares.closed_shares(gd_snapshot.load(), closed_question(question), actor)


@st.cache_data(show_spinner=False, max_entries=64)
def real_share_map(question: str, actor: str) -> share_classes.ShareMap:
    """Classes, tooltips and legend of the map of ``question``'s perceived share."""
    return share_classes.share_map(real_shares(question, actor), closed_question(question),
                                   actor)


@st.cache_resource(show_spinner="Préparation de la carte…", max_entries=64)
def real_share_payload(question: str, actor: str) -> str:
    """Payload of the map of ``question``'s share: the 18 régions, overseas in insets."""
    drawn = real_share_map(question, actor)
    return web_layers.map_layer("regions", None, classes=drawn.cls, tips=drawn.tips)


@st.cache_data(show_spinner=False, max_entries=8)
def real_keywords(actor: str) -> pd.DataFrame:
    """Domains named in the open question Q172, by région (:func:`gd_shares.keyword_profile`)."""
    return gd_shares.keyword_profile(gd_snapshot.load(), OPEN[0], actor)


@st.cache_data(show_spinner=False, max_entries=64)
def regional_figures(region: str, own: bool) -> regional.RegionalFigures:
    """A région's Grand Débat figures beside France's (:mod:`regional`)."""
    return regional.regional_figures(region, own)


def level_file(level: str, fmt_key: str, method: Method | None) -> bytes:
    """Every territory of ``level`` as a file (a zip with its sources for CSV and Parquet).

    Built on click only (the download buttons pass this as a callable).
    """
    with tempfile.TemporaryDirectory() as folder:
        paths = write_level(level, fmt_key, Path(folder) / f"atlas_{level}.{fmt_key}", method)
        if len(paths) == 1:
            return paths[0].read_bytes()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                archive.write(path, path.name)
        return buffer.getvalue()


def territory_json(level: str, code: str, method: Method | None) -> bytes:
    """The territory's record (``atlas territory --json``), UTF-8 JSON bytes."""
    record = territory_record(level, code, method)
    return json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8")


@st.cache_data(show_spinner=False)
def status_table() -> pd.DataFrame:
    """Number of indicator values of each status, per level (from the snapshot)."""
    from indicators import snapshot
    from indicators.status import LABELS, Status

    rows = []
    for level in TERRITORY_LEVELS:
        label = level.plural_title
        counts = snapshot.details(level.id).status.stack().value_counts()
        rows.append({"Niveau": label, **{LABELS[Status(int(k))]: int(v)
                                         for k, v in counts.sort_index().items()}})
    return pd.DataFrame(rows).fillna(0)


@st.cache_data(show_spinner=False)
def outlier_table() -> pd.DataFrame:
    """Indicators treated for outliers before min-max and z-scores (communes, France)."""
    from atlas.index.normalize import outlier_treatments
    from indicators import snapshot

    labels = {i.id: i.label for i in snapshot_catalogue().indicators}
    table = outlier_treatments(snapshot.values("communes"))
    table = table[table["treatment"] != "none"]
    return pd.DataFrame({
        "Indicateur": table["indicator"].map(labels),
        "Traitement": table["treatment"].map({"log": "logarithme",
                                              "winsorised": "écrêtage"}),
        "Valeurs écrêtées": table["points"],
        "Asymétrie avant": table["skewness"].round(1),
        "Kurtosis avant": table["kurtosis"].round(1),
        "Asymétrie après": table["skewness_after"].round(1),
        "Kurtosis après": table["kurtosis_after"].round(1)})


@st.cache_data(show_spinner=False)
def estimation_note() -> dict | None:
    """How the estimated values were made, as the snapshot's provenance records it."""
    from indicators import snapshot

    return snapshot.provenance().get("estimation")
