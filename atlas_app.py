"""The atlas's server: Streamlit's, with addresses of several segments sent to a French page.

Run with ``streamlit run atlas_app.py``. The app itself is ``streamlit_app.py``; Streamlit
alone would answer ``/territoire/saint-flour`` with a blank page
(:mod:`app_pages.common.nested_paths`).
"""

import streamlit as st
from starlette.middleware import Middleware

from app_pages.common.nested_paths import NestedPaths

app = st.App("streamlit_app.py", middleware=[
    Middleware(NestedPaths, base=lambda: st.get_option("server.baseUrlPath"))])
