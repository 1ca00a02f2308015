"""Reporting cycles (issue #17): regimes, their cycles, and who has reported what by when."""
