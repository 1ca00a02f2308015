"""danvan served as an ASGI app: app.py's pages plus the sign-in, sign-out and health routes.

`python -m danvan_metrics.serve` runs it (``streamlit run asgi.py`` finds ``app`` below). It lives
beside app.py so Streamlit reads this folder's `.streamlit/` settings however it is started.
"""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from danvan_metrics.web.routes import ROUTES, WorkerHeader

app = st.App(Path(__file__).with_name("app.py"), routes=ROUTES, middleware=[Middleware(WorkerHeader)])
