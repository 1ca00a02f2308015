"""The command line (``python -m danvan_metrics``): one module per command group, calling the
same services as the pages.
"""
