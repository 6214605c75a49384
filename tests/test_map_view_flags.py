"""Flag counts in the map's tooltips and table: always out of the domains scored."""

from __future__ import annotations

import pandas as pd
from tiers import needs_geometry

import french
from atlas.index.flags import flags
from atlas.index.level_indices import level_indices
from atlas.maps import map_table
from atlas.maps.map_table import MapView, domain_count, tooltips


def view(key: str, flagged: list, scored: list) -> MapView:
    n = len(flagged)
    table = pd.DataFrame({
        "name": [f"T{i}" for i in range(n)], "region": "84", "value": [0.5] * n,
        "rank": pd.array([1] * n, dtype="Int64"), "frame_size": pd.array([9] * n, "Int64"),
        "flagged": pd.array(flagged, dtype="Int64"), "scored": pd.array(scored, "Int64"),
        "reason": pd.NA}, index=[f"c{i}" for i in range(n)])
    return MapView(key, "communes", table, 2, "score de 0 à 1")


def test_tooltips_say_out_of_how_many_domains():
    tips = tooltips(view("overall", [2, 2, 0, 1, 0], [16, 14, 9, 1, pd.NA])).tolist()
    assert tips[0] == "T0 — score 0,50 · rang 1/9 · 2 signalés"
    assert tips[1] == "T1 — score 0,50 · rang 1/9 · 2 signalés sur 14 domaines renseignés"
    assert tips[2] == "T2 — score 0,50 · rang 1/9"  # nothing flagged: kept short
    assert tips[3].endswith(" · 1 signalé sur 1 domaine renseigné")
    social = tooltips(view("dimension:social", [1, 1], [5, 3])).tolist()
    assert domain_count("dimension:social") == 5 and domain_count("overall") == 16
    assert social == ["T0 — score 0,50 · rang 1/9 · 1 signalé",
                      "T1 — score 0,50 · rang 1/9 · 1 signalé sur 3 domaines renseignés"]
    domain = tooltips(view("domain:health", [1, 0], [pd.NA, pd.NA])).tolist()
    assert domain == ["T0 — score 0,50 · rang 1/9 · signalé", "T1 — score 0,50 · rang 1/9"]


@needs_geometry
def test_commune_map_counts_flags_out_of_the_domains_scored():
    table = map_table.map_view("overall", "communes").table
    found = flags(level_indices("communes"))
    assert table["scored"].equals(found.scored.reindex(table.index).astype("Int64"))
    assert (table["flagged"] <= table["scored"]).all()
    partial = table[(table["flagged"] > 0) & (table["scored"] < 16)
                    & table["value"].notna()]
    assert len(partial) > 100  # many communes lack some domain
    code = partial.index[0]
    tip = tooltips(map_table.MapView("overall", "communes", table.loc[[code]], 2, ""))[code]
    scored = int(table.loc[code, "scored"])
    # a partial index says how many domains it is made of once, then counts its flags
    assert f"(indice partiel : {scored} domaines sur 16)" in tip
    assert tip.count("domaines") == 1 and "signalé" in tip
    dimension = map_table.map_view("dimension:social", "communes").table
    assert (dimension["scored"].dropna() <= 5).all()
    assert map_table.map_view("domain:health", "communes").table["scored"].isna().all()


@needs_geometry
def test_a_rank_says_out_of_how_many_and_what_it_means():
    view = map_table.map_view("domain:health", "communes")
    ranked = view.table.dropna(subset=["rank"])
    first = ranked["rank"].idxmin()
    size = int(ranked.loc[first, "frame_size"])
    assert size < len(view.table)  # some communes have no health score
    text = map_table.rank_text(view, first)
    assert text.startswith(f"rang 1 sur {french.integer(size)} communes ayant une valeur ")
    assert text.endswith("parmi les 1\u202f% de communes les plus fragiles de France")
    assert map_table.rank_text(map_table.map_view("density", "communes"), first) == ""
