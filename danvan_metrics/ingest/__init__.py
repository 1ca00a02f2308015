"""Reading uploaded files and checking them, without writing anything.

`table` (the template's columns and cells) → `read` (`read_csv`, `read_xlsx`) → `numbers` (the one
Vietnamese number parser) → `validate` (`unit_lookup`, `periods`, `row_values`, `issues`: every
message names file, row and column); `check` holds the curated data to the source texts.
Imports `core` and `registry`.
"""
