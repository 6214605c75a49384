"""AppTest of the pages « Objectif vs perçu » and « Autodiagnostic », and their pure logic."""

import io
import json

import pandas as pd
import pytest
from app_support import displayed, open_app
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import french
from app_pages.common.grand_debat_view import SOURCE_KEY
from app_pages.common.leaflet_map import read_layer
from atlas.index.level_indices import level_indices
from atlas.perception import autodiagnostic as auto
from atlas.perception import compare
from atlas.perception.grand_debat.coverage import SIMULATED
from atlas.perception.survey.model import SIMULATED_LABEL

GAP_PAGE, AUTO_PAGE = "app_pages/objectif_percu.py", "app_pages/autodiagnostic.py"
RANKING = ["health", "housing", "poverty", "education", "mobility", "digital"]


def open_page(page: str) -> AppTest:
    """The page; « Objectif vs perçu » on its simulated source (the Grand Débat is the
    default where it covers the view: see tests/test_app_grand_debat.py)."""
    state = {SOURCE_KEY: SIMULATED} if page == GAP_PAGE else {}
    return open_app(page, **state)


def maps(at: AppTest) -> dict[str, dict]:
    """Arguments of each Leaflet map of the run, by the id of its first layer."""
    found = {}
    for component in at.get("component_instance"):
        args = json.loads(component.proto.json_args)
        found[args["layers"][0]["id"]] = args
    return found


def features(args: dict) -> list[dict]:
    drawn = json.loads(read_layer(args["layers"][0]["url"]))
    return [f["properties"] for f in drawn["features"]]


@pytest.fixture(scope="module")
def gap_app() -> AppTest:
    return open_page(GAP_PAGE)


def test_gap_page_runs_and_says_the_data_are_simulated(gap_app):
    assert not gap_app.exception
    assert gap_app.title[0].value == "Objectif vs perçu"
    assert any(SIMULATED_LABEL in w.value for w in gap_app.warning)
    captions = "\n".join(c.value for c in gap_app.caption)
    assert "inférieur à 30" in captions and "inférieur à 10" in captions  # n_eff thresholds
    assert set(maps(gap_app)) == {"gap"}
    assert SIMULATED_LABEL in maps(gap_app)["gap"]["legend"]["title"]


def test_profile_correlation_map_and_table():
    at = open_page(GAP_PAGE)
    at.radio(key="gap_view").set_value("rho").run()
    assert not at.exception
    args = maps(at)["rho"]
    assert SIMULATED_LABEL in args["legend"]["title"]
    props = features(args)
    assert len(props) == 18 and {p["cls"] for p in props} <= {0, 1, 2, 3, 4, None}
    (table,) = [d for d in at.dataframe if "spearman" in d.value.columns]
    assert len(table.value) == 18 and table.value["spearman"].dropna().between(-1, 1).all()
    texts = displayed(at, "spearman")  # French, the data still numbers (sorted as such)
    for value, text in zip(table.value["spearman"], texts["spearman"], strict=True):
        assert text == french.number(value, 2)


def test_gap_map_greys_findings_that_are_not_significant(gap_app):
    args = maps(gap_app)["gap"]
    legend = args["legend"]
    assert len(legend["labels"]) == len(legend["colours"]) == 7
    assert "non significatif" in legend["labels"][5]
    assert "insuffisantes" in legend["labels"][6]
    props = features(args)
    assert len(props) == 18
    domain = gap_app.selectbox(key="gap_domain").value
    table = gap_app.session_state["gap_level"], gap_app.session_state["gap_actor"]
    from app_pages.common import data

    rows = data.gap_comparison(*table).table
    rows = rows[rows["domain"] == domain].set_index("territory_code")
    for p in props:
        category = rows.loc[p["code"], "category"]
        if category == compare.NOT_SIGNIFICANT:
            assert p["cls"] == 5
        elif category == compare.NO_DATA:
            assert p["cls"] == 6
        else:
            assert 0 <= p["cls"] <= 4
        assert category in p["name"]  # the tooltip gives the gap and the category


def test_changing_actor_level_and_domain(gap_app):
    gap_app.selectbox(key="gap_actor").select("elu").run()
    assert not gap_app.exception
    gap_app.radio(key="gap_level").set_value("departement").run()
    assert not gap_app.exception
    gap_app.selectbox(key="gap_domain").select("housing").run()
    assert not gap_app.exception
    found = maps(gap_app)
    assert len(features(found["gap"])) == 101
    assert "Mal-logement" in found["gap"]["legend"]["title"]
    assert len(gap_app.selectbox(key="gap_territory_departement").options) > 18
    (table,) = [d for d in gap_app.dataframe if "label" in d.value.columns]
    assert len(table.value) == 16
    (map_table,) = [d for d in gap_app.dataframe if "label" not in d.value.columns
                    and "category" in d.value.columns]  # the map's data beside it
    assert 90 < len(map_table.value) == map_table.value["territory_code"].nunique() <= 101
    assert set(map_table.value["domain"]) == {"housing"}
    gap_app.selectbox(key="gap_actor").select("tous").run()
    gap_app.radio(key="gap_level").set_value("region").run()
    assert not gap_app.exception
    assert len(features(maps(gap_app)["gap"])) == 18


def test_choosing_a_territory_shows_its_16_domains(gap_app):
    gap_app.selectbox(key="gap_territory_region").select("53").run()
    assert not gap_app.exception
    (table,) = [d for d in gap_app.dataframe if "label" in d.value.columns]
    assert set(table.value["territory_code"]) == {"53"} and len(table.value) == 16
    assert set(table.value["category"]) <= set(compare.CATEGORIES)
    texts = displayed(gap_app, "label")
    for column in ("standing", "score", "ci_low", "ci_high"):
        assert [french.number(v, 2) for v in table.value[column]] == list(texts[column])
    assert all(t[0] in "+\u2212" or t == french.MISSING for t in texts["gap"])


def test_a_territory_never_survives_a_change_of_level_under_another_meaning(gap_app):
    gap_app.selectbox(key="gap_territory_region").select("32").run()  # Hauts-de-France
    chosen = gap_app.selectbox(key="gap_territory_region")
    assert chosen.format_func(chosen.value) == "Hauts-de-France (32)"
    gap_app.radio(key="gap_level").set_value("departement").run()
    assert not gap_app.exception
    shown = gap_app.selectbox(key="gap_territory_departement")
    assert shown.format_func(shown.value) != "Hauts-de-France (32)"
    (table,) = [d for d in gap_app.dataframe if "label" in d.value.columns]
    assert set(table.value["territory_code"]) == {shown.value}  # the figures are its own
    gap_app.radio(key="gap_level").set_value("region").run()
    back = gap_app.selectbox(key="gap_territory_region")
    assert back.value == "32" and back.format_func(back.value) == "Hauts-de-France (32)"


def fill(at: AppTest, ranks: dict[str, int]) -> AppTest:
    for domain, value in ranks.items():
        at.text_input(key="auto_rank_" + domain).input(str(value))
    (submit,) = [b for b in at.button if "Comparer" in b.label]
    return submit.click().run()


def test_autodiagnostic_with_a_valid_ranking(monkeypatch):
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    files = {}
    load = MemoryMediaFileStorage.load_and_get_id

    def keep(self, data, mimetype, kind, filename=None):
        files[filename] = data
        return load(self, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    at = open_page(AUTO_PAGE)
    assert not at.exception
    assert at.title[0].value == "Autodiagnostic"
    at.selectbox(key="auto_territory_regions").select("84").run()
    fill(at, {d: i + 1 for i, d in enumerate(RANKING)})
    assert not at.exception
    assert not at.error or all("Angles morts" in e.value for e in at.error)
    headers = [s.value for s in at.subheader]
    assert headers == ["Votre classement", "Profil objectif — Auvergne-Rhône-Alpes",
                       "Citoyens — Auvergne-Rhône-Alpes"]
    assert any(SIMULATED_LABEL in w.value for w in at.warning)
    findings = "\n".join(m.value for m in [*at.error, *at.warning, *at.success])
    assert "Angles morts possibles" in findings or "Aucun angle mort" in findings
    (button,) = at.get("download_button")
    assert button.proto.label.startswith("Télécharger")
    csv = files["autodiagnostic_84.csv"]  # the bytes offered by the download button
    assert csv.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.StringIO(csv.decode("utf-8-sig")), sep=";", decimal=",")
    assert frame["Votre rang"].iloc[0] == 1 and frame["Domaine"].iloc[0] == "Santé"
    assert set(frame["Perception des citoyens"]) == {SIMULATED_LABEL}
    assert frame["Score perçu par les citoyens"].notna().all()
    assert at.session_state["auto_ranking"]["health"] == 1


def test_autodiagnostic_rejects_duplicate_ranks():
    at = open_page(AUTO_PAGE)
    fill(at, {"health": 1, "housing": 1, "poverty": 2})
    assert not at.exception
    assert any("Le rang 1 est donné à plusieurs domaines" in e.value for e in at.error)
    assert not at.get("download_button")


def test_autodiagnostic_says_why_a_typed_rank_is_refused():
    at = open_page(AUTO_PAGE)
    fill(at, {"health": "0", "housing": "17", "poverty": "2,5", "education": "b",
              "employment": "-5"})
    assert not at.exception
    errors = [e.value for e in at.error]
    for label, typed in (("Santé", "0"), ("Pauvreté / exclusion", "2,5"),
                         ("Éducation", "b")):
        assert any(e.startswith(f"« {label} » : « {typed}") for e in
                   (e.replace("\\", "") for e in errors)), errors
    assert sum("n'est pas un rang" in e for e in errors) == 5
    assert at.info[0].value.startswith("Remplissez")  # nothing compared
    assert not at.get("download_button")


def test_autodiagnostic_for_a_commune():
    at = open_page(AUTO_PAGE)
    at.radio(key="auto_level").set_value("communes").run()
    at.text_input(key="auto_commune_search").input("saint flour").run()
    assert at.selectbox(key="auto_territory_communes").value == "15187"
    fill(at, {d: i + 1 for i, d in enumerate(RANKING)})
    assert not at.exception
    assert [s.value for s in at.subheader][1:] == ["Profil objectif — Saint-Flour",
                                                  "Citoyens — Auvergne-Rhône-Alpes"]


def test_autodiagnostic_needs_three_domains():
    at = open_page(AUTO_PAGE)
    fill(at, {"health": 1, "housing": 2})
    assert any("au moins 3" in e.value for e in at.error)


def test_autodiagnostic_at_departement_level_compares_with_its_region():
    at = open_page(AUTO_PAGE)
    at.radio(key="auto_level").set_value("departements").run()
    at.selectbox(key="auto_territory_departements").select("38").run()
    fill(at, {d: i + 1 for i, d in enumerate(RANKING)})
    assert not at.exception
    assert [s.value for s in at.subheader][1:] == ["Profil objectif — Isère",
                                                  "Citoyens — Auvergne-Rhône-Alpes"]


# Pure logic (atlas.perception.autodiagnostic)

def test_ranking_errors():
    assert auto.ranking_errors({d: i + 1 for i, d in enumerate(RANKING)}) == []
    assert auto.ranking_errors({"health": 1, "housing": 3, "poverty": 9}) == []
    errors = auto.ranking_errors({"health": 2, "housing": 2, "poverty": 17})
    assert any("rang 2" in e for e in errors) and any("de 1 à 16" in e for e in errors)
    assert auto.ranking_errors({"nope": 1}) == ["Domaines inconnus : nope."]


def objective_of(code: str) -> pd.DataFrame:
    profile = compare.objective_profile(level_indices("regions"))
    return profile[profile["territory_code"] == code]


def test_diagnose_names_blind_spots_and_unfragile_priorities():
    objective = objective_of("84")
    standing = objective.set_index("domain")["standing"]
    least = list(standing.sort_values().index[:2])
    most = standing.idxmax()
    ranks = {least[0]: 1, least[1]: 2, **{d: 3 + i for i, d in enumerate(
        [d for d in standing.sort_values().index[2:] if d != most][:3])}}
    result = auto.diagnose(ranks, objective)
    assert most in result.blind_spots
    assert set(least) <= set(result.not_fragile)  # the two least fragile, ranked first
    assert set(result.not_fragile) == {d for d, r in ranks.items()
                                       if r <= auto.TOP and standing[d] <= 0.25}
    assert len(result.table) == 16
    assert list(result.table["official_position"].dropna()) == [1, 2, 3, 4, 5]
    with pytest.raises(ValueError, match="au moins 3"):
        auto.diagnose({"health": 1}, objective)


def test_csv_is_for_excel_and_says_the_citizens_data_are_simulated():
    result = auto.diagnose({d: i + 1 for i, d in enumerate(RANKING)}, objective_of("84"))
    content = auto.to_csv(result, "Auvergne-Rhône-Alpes", simulated=True)
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    frame = pd.read_csv(io.StringIO(text), sep=";", decimal=",")
    assert len(frame) == 16
    assert set(frame["Perception des citoyens"]) == {SIMULATED_LABEL}
    assert frame["Domaine"].iloc[0] == "Santé"
    assert frame["Position objective (1 = le plus fragile de France)"].between(0, 1).all()
    real = auto.to_csv(result, "X", simulated=False, source="Enquête 2026").decode("utf-8-sig")
    assert SIMULATED_LABEL not in real and "Enquête 2026" in real


def test_gap_clusters_and_actor_agreement_are_shown(gap_app):
    expander = next(e for e in gap_app.expander
                    if e.label == "Regroupements spatiaux des écarts (Moran local)")
    caption = " ".join(c.value for c in expander.caption)
    assert "Benjamini-Hochberg" in caption and SIMULATED_LABEL in caption
    assert "significatif(s) sur" in caption
    assert "Accord entre types d'acteurs" in [s.value for s in gap_app.subheader]
    table = gap_app.dataframe[-1].value
    assert table.shape[0] == table.shape[1] >= 2  # one row and column per actor type
    assert (table.to_numpy().diagonal() == 1).all()


def test_gap_legend_is_written_from_the_classes_it_describes():
    import numpy as np

    from atlas.perception import gap_classes as pm

    labels = pm.gap_labels()
    assert len(labels) == len(pm.GAP_COLOURS) == len(pm.GAP_CUTS) + 3
    # every integer gap lands in the class whose label names it
    for gap in range(-16, 17):
        cls = int(np.digitize([gap], pm.GAP_CUTS)[0])
        text = labels[cls].split(" :")[0].replace("−", "-")
        if "ou moins" in text:
            assert gap <= int(text.split()[0])
        elif "ou plus" in text:
            assert gap >= int(text.split()[0])
        else:
            low, high = (int(x) for x in text.split(" à "))
            assert low <= gap <= high
    assert len(pm.spearman_labels()) == len(pm.SPEARMAN_COLOURS) == len(pm.SPEARMAN_CUTS) + 1


@given(st.text(max_size=6))
def test_a_typed_rank_is_read_as_written_or_refused(text):
    ranks, errors = auto.read_ranks({"health": text})
    typed = text.strip()
    if not typed:
        assert ranks == {"health": None} and errors == []
    elif ranks["health"] is not None:
        assert errors == [] and str(ranks["health"]) == typed.lstrip("0")
        assert 1 <= ranks["health"] <= 16
    else:
        assert len(errors) == 1 and errors[0].startswith("« Santé » : ")
