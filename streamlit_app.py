"""Atlas des fragilités territoriales: entry point, navigation and shared sidebar.

Run with ``streamlit run atlas_app.py`` (this app behind the atlas's server middleware), or
``streamlit run streamlit_app.py``.
"""

import streamlit as st

from app_pages.common import data, links, method
from atlas.reports import build_report

st.set_page_config(page_title="Atlas des fragilités territoriales",
                   page_icon="🗺️", layout="wide")

page = st.navigation([
    st.Page("app_pages/carte.py", title="Carte", icon=":material/map:", default=True),
    st.Page("app_pages/territoire.py", title="Territoire", icon=":material/location_city:",
            url_path=links.PAGE_PATHS["territoire"]),
    st.Page("app_pages/objectif_percu.py", title="Objectif vs perçu",
            icon=":material/compare_arrows:", url_path=links.PAGE_PATHS["objectif_percu"]),
    st.Page("app_pages/autodiagnostic.py", title="Autodiagnostic",
            icon=":material/checklist:", url_path=links.PAGE_PATHS["autodiagnostic"]),
    st.Page("app_pages/donnees.py", title="Méthode & données",
            icon=":material/menu_book:", url_path=links.PAGE_PATHS["donnees"]),
    st.Page("app_pages/export.py", title="Export", icon=":material/download:",
            url_path=links.PAGE_PATHS["export"]),
])

# Less empty space above the page, so that a laptop screen (1366 × 768) shows the map.
st.html("<style>.stMainBlockContainer {padding-top: 3.75rem;}"
        " h1 {padding-top: 0 !important;}"
        # Streamlit's own English hints and table toolbar (« Press Enter to apply »,
        # « Download as CSV / Search / Fullscreen ») cannot be translated: hidden; the
        # pages offer their own French downloads.
        " [data-testid='InputInstructions'], [data-testid='stElementToolbar']"
        " {display: none !important;}"
        # The atlas opens no dialog: Streamlit's only one is its English « Page not found »,
        # replaced by the French page (links.page_not_found). Hidden on every run, so that
        # it does not come back when the French message, shown once, is gone.
        " [data-testid='stDialog'] {display: none !important;}</style>")
data.ensure_artifacts()
if (lost := links.unknown_page()) is not None and not st.session_state.get("lost_shown"):
    st.session_state.lost_shown = True
    links.page_not_found(lost)
links.unknown(method.apply_params(links.arrival("method")))
method.sidebar()

with st.sidebar:
    st.markdown("### Atlas des fragilités territoriales")
    st.caption("Communes, EPCI, départements et régions de France, avec leurs contours "
               "et leur population.")
    st.markdown("**Sources**")
    for key, source in data.report()["sources"].items():
        st.caption(f"{build_report.SOURCE_LABELS.get(key, key)} : {source}")
    st.caption("Logiciel libre (licence MIT). La carte fonctionne hors ligne : aucun fond "
               "de carte ni aucune bibliothèque n'est chargé depuis Internet.")

page.run()
