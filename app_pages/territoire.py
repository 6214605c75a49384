"""Page « Territoire » : the sheet of one territory on screen (placeholder)."""

import streamlit as st

st.title("Fiche du territoire")
