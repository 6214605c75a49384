"""Atlas des fragilités territoriales: indices, comparisons, maps and exports.

Nothing here imports Streamlit; the app (``streamlit_app.py``, ``app_pages/``) is a thin
layer on top of these modules.
"""
