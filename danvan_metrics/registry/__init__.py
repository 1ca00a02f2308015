"""Vietnam's administrative units: the registry and its resolver, the 2025 reform links, names,
and rolling figures up the hierarchy. Imports only `core`.
"""
