"""The one store per process, and `question`: a query function cached until the data changes.

Results are cached by the store's data version, so a new upload or a curated change is seen on
the next rerun, and nothing expires on a timer. A question keeps its function's signature (minus
the store), so mypy checks every call and an editor jumps to the definition.

The caches are plain dictionaries in this process, not `st.cache_data`: a page asks some twenty
questions a run, and Streamlit's cache hashes every argument and unpickles every answer, which
cost the compare page more CPU than its own work (docs/performance.md, #16). An answer is handed
out as a fresh shell over shared data instead (`_fresh`): with pandas' copy-on-write a page that
changes its frame changes only its own.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

import pandas as pd

from danvan_metrics.core import config
from danvan_metrics.registry.units import Resolver
from danvan_metrics.store.connection import Store, open_store

P = ParamSpec("P")
R = TypeVar("R")
_BUILT: OrderedDict[tuple[Hashable, ...], Any] = OrderedDict()
_BUILT_LOCK = threading.Lock()
BUILT_ENTRIES = 256
_ANSWERS: OrderedDict[tuple[Hashable, ...], Any] = OrderedDict()
ANSWER_ENTRIES = 512
_STORES: dict[str, Store] = {}
_STORES_LOCK = threading.Lock()


def get_store() -> Store:
    """The store for this process's state directory, created or refreshed once."""
    home = config.state_dir()
    key = str(home)
    store = _STORES.get(key)
    if store is None:
        with _STORES_LOCK:
            store = _STORES.get(key)
            if store is None:
                store = _STORES[key] = open_store(home)
    return store


def _fresh(value: Any) -> Any:
    """``value`` as a caller may change without changing the cached one: new shells, shared data."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy(deep=False)  # copy-on-write: a change makes the caller's own copy
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return list(value)
    if isinstance(value, tuple):
        return tuple(_fresh(item) for item in value)
    return value  # str, numbers, frozen dataclasses: nothing to change


def _remember(cache: OrderedDict[tuple[Hashable, ...], Any], limit: int, key: tuple[Hashable, ...],
              build: Callable[[], R]) -> R:  # fmt: skip
    """``build()`` kept in ``cache`` under ``key`` (the least recently used dropped past ``limit``)."""
    with _BUILT_LOCK:
        if key in cache:
            cache.move_to_end(key)
            return cast(R, cache[key])
    value = build()  # outside the lock: two sessions may both build once, neither waits on the other
    with _BUILT_LOCK:
        cache[key] = value
        while len(cache) > limit:
            cache.popitem(last=False)
    return value


def question(function: Callable[Concatenate[Store, P], R]) -> Callable[P, R]:
    """``function(store, *args)`` as a page asks it, ``ask(*args)``: on this process's store, cached per data version.

    Works the same outside Streamlit (tests, the benchmark).
    """
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def ask(*args: P.args, **kwargs: P.kwargs) -> R:
        store = get_store()
        key = (name, str(store.home), store.data_version(), _hashable(args), _hashable(tuple(sorted(kwargs.items()))))
        return cast(R, _fresh(_remember(_ANSWERS, ANSWER_ENTRIES, key, lambda: function(store, *args, **kwargs))))

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
    return _remember(_BUILT, BUILT_ENTRIES, (str(store.home), store.data_version(), *key), build)


def derived(key: tuple[Hashable, ...], build: Callable[[], R]) -> R:
    """`built`, handed out as a fresh shell (`_fresh`): for lists, dicts and frames a page may change."""
    return cast(R, _fresh(built(key, build)))


def _hashable(value: Any) -> Hashable:
    """``value`` as a cache key: lists and sets (a page's chosen units) as tuples, the rest as they are."""
    if isinstance(value, list | tuple):
        return tuple(_hashable(item) for item in value)
    if isinstance(value, set | frozenset):
        return tuple(sorted(value, key=str))
    if isinstance(value, dict):
        return tuple((k, _hashable(v)) for k, v in sorted(value.items()))
    return cast(Hashable, value)
