"""danvan_metrics: figures on "dân vận chính quyền" for Vietnamese local government.

The package holds everything but the pages: the data model and catalog (`model`),
Vietnamese formats (`formats`), the DuckDB store (`store`), every SQL question
(`queries`), the curation checker (`check`), figure builders (`charts`), Streamlit
helpers (`ui`) and the command line (`cli`).
"""

__version__ = "0.1.0"
