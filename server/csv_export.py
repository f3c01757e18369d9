"""CSV files that a spreadsheet opens as data, never as formulas (CSV injection, OWASP's advice).

Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`, `-` or `@` (and some a tab or a
carriage return before one) as a formula: a service, counter or clerk named `=HYPERLINK(...)` would run on a
supervisor's machine. Every CSV Waitwell writes goes through `csv_text`, which writes such a text cell with a
leading `'`, which spreadsheets show as text. Numbers the app writes as numbers (a negative minute count)
are not text and stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """The cell as written: text starting like a formula gets a leading `'`; anything else is left as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """Rows as CSV text (a header row is a row like any other), every text cell made spreadsheet-safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([spreadsheet_safe(value) for value in row])
    return out.getvalue()
