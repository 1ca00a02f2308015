"""The one store per process, and `question`: a query function cached until the data changes.

Results are cached by the store's data version, so a new upload or a curated change is seen on
the next rerun, and nothing expires on a timer. A question keeps its function's signature (minus
the store), so mypy checks every call and an editor jumps to the definition.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

import streamlit as st

from danvan_metrics.core import config
from danvan_metrics.registry.units import Resolver
from danvan_metrics.store.connection import Store, open_store

P = ParamSpec("P")
R = TypeVar("R")
_QUESTIONS: dict[str, Callable[..., Any]] = {}
_BUILT: OrderedDict[tuple[Hashable, ...], Any] = OrderedDict()
_BUILT_LOCK = threading.Lock()
BUILT_ENTRIES = 256


@st.cache_resource(show_spinner=False)
def _store_for(home: str) -> Store:
    return open_store(Path(home))


def get_store() -> Store:
    """The store for this process's state directory, created or refreshed once."""
    return _store_for(str(config.state_dir()))


@st.cache_data(show_spinner=False, max_entries=512)
def _answer(name: str, home: str, version: str, args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]) -> Any:
    return _QUESTIONS[name](Store(Path(home)), *args, **dict(kwargs))


def question(function: Callable[Concatenate[Store, P], R]) -> Callable[P, R]:
    """``function(store, *args)`` as a page asks it, ``ask(*args)``: on this process's store, cached per data version.

    Works outside Streamlit too (tests, the benchmark): the cache is then in memory.
    """
    name = f"{function.__module__}.{function.__qualname__}"
    _QUESTIONS[name] = function

    @functools.wraps(function)
    def ask(*args: P.args, **kwargs: P.kwargs) -> R:
        store = get_store()
        return cast(R, _answer(name, str(store.home), store.data_version(), args, tuple(sorted(kwargs.items()))))

    signature = inspect.signature(function)
    ask.__signature__ = signature.replace(parameters=list(signature.parameters.values())[1:])  # type: ignore[attr-defined]
    return ask


def get_resolver() -> Resolver:
    """The unit-name resolver over the store's registry (built once per data version)."""
    from danvan_metrics.store.resolving import resolver_for

    return resolver_for(get_store())


def built(key: tuple[Hashable, ...], build: Callable[[], R]) -> R:
    """``build()``, kept in this process for the same ``key`` and data version, shared and not copied.

    For figures: Plotly validates every property it is given, so building the compare chart costs
    tens of milliseconds a run, and `st.cache_data` would pickle it (unpickling validates again).
    What this returns is shared by every session: callers must not change it.
    """
    store = get_store()
    full = (str(store.home), store.data_version(), *key)
    with _BUILT_LOCK:
        if full in _BUILT:
            _BUILT.move_to_end(full)
            return cast(R, _BUILT[full])
    value = build()
    with _BUILT_LOCK:
        _BUILT[full] = value
        while len(_BUILT) > BUILT_ENTRIES:
            _BUILT.popitem(last=False)
    return value
