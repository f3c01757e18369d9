"""Printing tests. Importing waitwell.printers first sets up python-escpos (cache folder, quiet import)."""

import waitwell.printers  # noqa: F401
