"""Helpers for AppTest: the app's path, chart specs and table text as a user would read them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 30


def open_app(page: str = "", **query: str) -> AppTest:
    """The app at one page (its script, e.g. "pages/compare.py") with query parameters, run once."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()  # AppTest learns st.navigation's pages from a first run
    if page:
        for key, value in query.items():
            at.query_params[key] = value
        at.switch_page(page).run()
    return at


def signed_in(page: str, name: str, **query: str) -> AppTest:
    """The app at ``page`` signed in as account ``name``: a session opened in the record, as the sign-in
    route opens one, and handed to the app the way its cookie would be (AppTest cannot send cookies)."""
    from danvan_metrics.auth import accounts, sessions
    from danvan_metrics.core import config
    from danvan_metrics.ui import auth as ui_auth

    account = accounts.get(name, config.state_dir())
    assert account is not None, name
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state[ui_auth.TOKEN_KEY] = sessions.start(config.state_dir(), account)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    return at.switch_page(page).run()


def chart_specs(at: AppTest) -> list[dict[str, Any]]:
    """Every Plotly chart on the page as its figure dict (data and layout)."""
    return [json.loads(element.proto.spec) for element in at.get("plotly_chart")]


def table_text(at: AppTest) -> str:
    """All dataframes on the page as CSV text."""
    return "\n".join(frame.value.to_csv(index=False) for frame in at.dataframe)


def page_text(at: AppTest) -> str:
    """Markdown, captions, titles, headers and alerts: the prose a reader sees."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts.extend(str(element.value) for element in getattr(at, kind))
    # Markdown escapes (ui.md_text) are not what a reader sees: "4\\.007" shows as "4.007".
    return re.sub(r"\\([^\w\s])", r"\1", "\n".join(parts))
