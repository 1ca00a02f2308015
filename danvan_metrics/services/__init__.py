"""The write path: every change to data goes through here, checked against the acting account
and audited in the same transaction. Imports `core`, `store`, `ingest`, `auth`.
"""
