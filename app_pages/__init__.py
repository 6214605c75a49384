"""The Streamlit app's pages, one module per page (listed in ``streamlit_app.py``).

Their helpers (cached data, the shared sidebar, cards, selection, the Leaflet component)
are in :mod:`app_pages.common`. The folder is not called ``pages/``: a ``pages/`` folder
next to the entry point would put Streamlit in its legacy multipage mode. With
``streamlit_app.py``, the only layer that imports Streamlit.
"""
