"""Files people take away: formula-safe CSV/XLSX tables, the upload template, chart images, decks.

`formats` defines each kind of file once (name, extension, MIME type, label, builder); `slides` says
what a slide shows, `covers` what PowerPoint (`pptx`) and PDF (`pdf`) decks share; `images` draws
through kaleido with plotly.js from disk; `notices` are the files a failed download gives instead.
Imports `core`, `registry`, `store`, `ingest` and `figures`.
"""
