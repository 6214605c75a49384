"""Addresses that reproduce a view: each page opened from its address, and written back."""

from __future__ import annotations

from app_support import ROOT
from streamlit.testing.v1 import AppTest

from app_pages.common import method
from geodata import store


def open_address(page: str, **params: str) -> AppTest:
    """A session opened on ``page`` at an address carrying ``params``.

    AppTest knows the pages' addresses only after a first run: the session is started on
    the home page with no address, then forgets that it read it.
    """
    store.ensure_built()
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300).run()
    for key in ("links_read_method", "links_read_carte"):  # read by the home page's run
        del at.session_state[key]
    at.query_params.clear()
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page)
    return at.run()


def unescaped(text: str) -> str:
    """A Markdown message as the user reads it (backslash escapes removed)."""
    return text.replace("\\", "")


def link(at: AppTest) -> str:
    """The address offered by « Copier le lien »."""
    (address,) = [c.value for c in at.code if c.value.startswith("http")]
    return address


def test_territoire_opens_the_territory_of_its_address():
    at = open_address("app_pages/territoire.py", territoire="communes:15187")
    assert not at.exception
    assert at.header[0].value == "Saint-Flour"
    assert dict(at.query_params) == {"territoire": "communes:15187"}
    assert link(at) == "http://localhost:8501/territoire?territoire=communes%3A15187"


def test_territoire_says_when_its_address_is_wrong():
    at = open_address("app_pages/territoire.py", territoire="communes:99999")
    assert not at.exception
    assert any("le code « 99999 » parmi les communes" in e.value for e in at.error)
    at = open_address("app_pages/territoire.py", territoire="cantons:42")
    assert any("réglages inconnus" in w.value and "cantons" in unescaped(w.value)
               for w in at.warning)
    assert at.text_input(key="territoire_search")  # the search is offered instead


def test_carte_opens_the_map_of_its_address():
    at = open_address("app_pages/carte.py", niveau="communes", region="84", carte="overall")
    assert not at.exception
    state = at.session_state
    assert (state["map_level"], state["atlas_region"], state["map_what"]) == (
        "communes", "84", "overall")
    assert dict(at.query_params) == {"niveau": "communes", "carte": "overall", "region": "84"}
    at = open_address("app_pages/carte.py", carte="nimporte")
    assert any("carte=nimporte" in unescaped(w.value) for w in at.warning)


def test_objectif_percu_simulated_view_from_its_address():
    view = {"source": "simulated", "niveau": "departement", "domaine": "housing",
            "acteur": "elu", "territoire": "15"}
    at = open_address("app_pages/objectif_percu.py", **view)
    assert not at.exception
    assert at.radio(key="gap_level").value == "departement"
    assert at.selectbox(key="gap_domain").value == "housing"
    assert at.selectbox(key="gap_actor").value == "elu"
    assert at.selectbox(key="gap_territory_departement").value == "15"
    assert dict(at.query_params) == view


def test_objectif_percu_grand_debat_view_from_its_address():
    view = {"source": "grand_debat_2019", "niveau": "region", "domaine": "mobility",
            "acteur": "citoyen", "question": "transition:Q11", "territoire": "53"}
    at = open_address("app_pages/objectif_percu.py", **view)
    assert not at.exception
    assert at.selectbox(key="gd_actor").value == "citoyen"
    assert at.selectbox(key="gd_question_mobility").value == "transition:Q11"
    assert dict(at.query_params) == view


def test_the_method_travels_in_every_address():
    at = open_address("app_pages/donnees.py", normalisation="minmax", poids="social:2",
                      sans_origine="1")
    assert not at.exception
    assert at.session_state[method.KEYS["normalisation"]] == "minmax"
    assert at.session_state[method.WEIGHT_PREFIX + "social"] == 2.0
    assert at.session_state[method.KEYS["origin"]] is True
    assert dict(at.query_params) == {"normalisation": "minmax", "sans_origine": "1",
                                     "poids": "social:2"}
    at.switch_page("app_pages/territoire.py")
    at.session_state["atlas_territory_level"] = "communes"
    at.session_state["atlas_territory_code"] = "15187"
    at.run()
    assert link(at) == ("http://localhost:8501/territoire?territoire=communes%3A15187"
                        "&normalisation=minmax&sans_origine=1&poids=social%3A2")
    assert any(i.value.startswith("Méthode modifiée") for i in at.info)


def test_a_wrong_method_setting_is_said_and_ignored():
    at = open_address("app_pages/donnees.py", normalisation="magique", poids="social:7")
    assert not at.exception
    (warning,) = [w for w in at.warning if "réglages inconnus" in w.value]
    text = unescaped(warning.value)
    assert "normalisation=magique" in text and "poids social:7" in text
    assert dict(at.query_params) == {}  # the default method, as applied


def test_a_nested_path_sent_back_by_the_proxy_gets_the_french_page_not_found():
    at = open_address("app_pages/territoire.py", introuvable="/territoire/saint-flour")
    assert not at.exception
    errors = [unescaped(e.value) for e in at.error]
    assert any("Page introuvable : l'adresse « /territoire/saint-flour »" in e for e in errors)
    assert not at.warning or all("réglages inconnus" not in w.value for w in at.warning)
    assert "introuvable" not in dict(at.query_params)  # the page's own address is written
