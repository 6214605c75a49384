"""Flag counts on the pages: « n signalés sur m domaines renseignés » where some are missing."""

import pytest
from app_support import carte_table, open_app

import french
from atlas.maps import map_table


@pytest.fixture(scope="module")
def overall():
    return map_table.map_view("overall", "communes").table


def pick(table, flagged: bool) -> str:
    """A commune with a score, some domains unscored, and flags (or none)."""
    rows = table[table["value"].notna() & (table["scored"] < 16) & (table["scored"] >= 2)]
    rows = rows[(rows["flagged"] > 1) if flagged else (rows["flagged"] == 0)]
    return str(rows.index[0])


def search(code: str):
    at = open_app()
    at.selectbox(key="map_what").select("overall").run()
    at.text_input(key="search").input(code).run()
    (hits,) = [s for s in at.selectbox if s.key.startswith("search_hit_")]
    hits.select(code).run()
    assert not at.exception
    return at


def test_card_counts_flags_out_of_the_domains_scored(overall):
    code = pick(overall, flagged=True)
    flagged, scored = int(overall.loc[code, "flagged"]), int(overall.loc[code, "scored"])
    at = search(code)
    text = "\n".join(m.value for m in at.markdown)
    assert (f":red-badge[Signalé] {flagged} domaines parmi les 10 % les plus fragiles de son "
            f"cadre de comparaison, sur {scored} domaines renseignés ({16 - scored} sans "
            "score faute de données).") in text
    table = carte_table(at).set_index("code")
    assert (table.loc[code, "flagged"], table.loc[code, "scored"]) == (flagged, scored)


def test_card_without_flags_still_says_how_many_domains_had_a_score(overall):
    code = pick(overall, flagged=False)
    scored = int(overall.loc[code, "scored"])
    at = search(code)
    notes = [c.value for c in at.caption]
    assert (f"Aucun domaine parmi les 10 % les plus fragiles, sur {scored} domaines "
            f"renseignés ({french.integer(16 - scored)} sans score faute de données) : un "
            "domaine sans score n'est ni signalé ni « non signalé ».") in notes


def test_territory_page_says_out_of_how_many(overall):
    code = pick(overall, flagged=True)
    flagged, scored = int(overall.loc[code, "flagged"]), int(overall.loc[code, "scored"])
    at = open_app("app_pages/territoire.py", atlas_territory_level="communes",
                  atlas_territory_code=code)
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert f"**Domaines signalés** ({flagged} signalés sur {scored} domaines renseignés," \
           in text
    missing = 16 - scored
    assert any(c.value.startswith(f"{missing} domaine{'s' if missing > 1 else ''} sans "
                                  "score faute de données") for c in at.caption)
