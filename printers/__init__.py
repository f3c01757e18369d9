"""Ticket printing: one layout rendered with python-escpos, written to any connection, previewed as PNG.

Importing this package first points python-escpos' capabilities cache at a stable folder and keeps its
import quiet, so every submodule that imports `escpos` afterwards gets the same setup.
"""

from waitwell.printers.escpos_setup import configure_escpos

configure_escpos()
