"""danvan served as an ASGI app: app.py's pages plus the sign-in, sign-out and health routes.

`python -m danvan_metrics.serve` runs it (``streamlit run asgi.py`` finds ``app`` below). It lives
beside app.py so Streamlit reads this folder's `.streamlit/` settings however it is started.
"""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from streamlit.runtime.pages_manager import PagesManager

from danvan_metrics.web.routes import ROUTES, WorkerHeader

# app.py routes with st.navigation: the pages/ folder beside it is not Streamlit's automatic page list.
# Streamlit decides that once per process, on the first script run, from whether pages/ exists; left
# to it, the first visitor after a start ran pages/ as that list and a deep link (/so-sanh) opened
# with a "Page not found" dialog (streamlit/streamlit#9624). Said here, before any session starts.
PagesManager.uses_pages_directory = False

app = st.App(Path(__file__).with_name("app.py"), routes=ROUTES, middleware=[Middleware(WorkerHeader)])
