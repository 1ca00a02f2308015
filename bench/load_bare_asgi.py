"""The bare page (bench/load_bare.py) served the way danvan is: `st.App` on uvicorn, after the same warm-up.

`make load` measures the compare page against this, so the ratio is the page's own work: same
server, same loaded modules, same garbage-collector setting (danvan_metrics.serve.warm_up).
Run by ``python -m bench.load_bare_asgi [streamlit options]``.
"""

import sys
from pathlib import Path

import streamlit as st

BARE = Path(__file__).with_name("load_bare.py")

app = st.App(BARE)

if __name__ == "__main__":
    from danvan_metrics import serve

    sys.exit(serve.main(app=Path(__file__)))
