"""Accounts, roles, sessions epochs and the audit trail. Imports `core` and `store`."""
