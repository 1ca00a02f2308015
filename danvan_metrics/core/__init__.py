"""The vocabulary every other package shares: the data model and metric kinds, Vietnamese formats,
user-facing messages, configuration and text folding. Imports nothing else from danvan_metrics.
"""
