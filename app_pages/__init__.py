"""Pages of the Streamlit app and their helpers.

With ``streamlit_app.py``, the only layer that imports Streamlit.
"""
