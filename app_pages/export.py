"""Page « Export » : report maps and territory sheets to download (placeholder)."""

import streamlit as st

st.title("Exporter des cartes et des fiches")
