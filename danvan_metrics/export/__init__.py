"""Files people take away: safe CSV/XLSX tables, chart images, slide decks (PPTX/PDF), notices.
Imports `core`, `store`, `figures`.
"""
