"""Reading uploaded files (CSV/XLSX), parsing Vietnamese numbers, validating rows, the upload
template, and the curation checker. Pure: no writes. Imports `core` and `registry`.
"""
