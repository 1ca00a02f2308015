"""Files people take away: safe CSV/XLSX tables, chart images, slide decks (PPTX/PDF), notices.
`formats` defines each kind of file once (extension, MIME type, label, builder). Imports `core`, `store`, `figures`.
"""
