"""Synthetic data for the demo and the benchmark, always labelled as such. Nothing the app runs
on real data imports it.
"""
