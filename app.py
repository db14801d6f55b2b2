"""formcheck's app: ``streamlit run app.py``. Pages live in :mod:`formcheck.app.pages`; this file only wires them."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from formcheck.app import access, runtime
from formcheck.app.pages import about_page, clients_page, live_page, review_page

runtime.configure(Path(__file__).resolve().parent)
st.set_page_config(page_title="formcheck", page_icon=":material/fitness_center:", layout="wide")
pages = [
    st.Page(review_page.render, title="Review a set", icon=":material/video_library:", url_path="review", default=True),
    st.Page(live_page.render, title="Live coach", icon=":material/videocam:", url_path="live"),
    st.Page(access.guarded(clients_page.render), title="Clients", icon=":material/groups:", url_path="clients"),
    st.Page(about_page.render, title="How it works", icon=":material/info:", url_path="about"),
]
st.navigation(pages).run()
