"""The unit resolver for a store: built once per registry version and reused (uploads do not change units)."""

from __future__ import annotations

from danvan_metrics.registry.units import Resolver
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store


def resolver_for(store: Store) -> Resolver:
    """A resolver over every unit in the store (both eras), cached by the units' fingerprint."""
    with store.connect() as conn:
        row = conn.execute("SELECT value FROM meta WHERE key = 'curated_fingerprint'").fetchone()
    fingerprint = row[0] if row else ""
    return _resolver_by_fingerprint(fingerprint, store)


_BY_FINGERPRINT: dict[str, Resolver] = {}


def _resolver_by_fingerprint(fingerprint: str, store: Store) -> Resolver:
    if fingerprint not in _BY_FINGERPRINT:
        if len(_BY_FINGERPRINT) >= 4:
            _BY_FINGERPRINT.clear()
        _BY_FINGERPRINT[fingerprint] = Resolver.from_frame(queries.units(store))
    return _BY_FINGERPRINT[fingerprint]
