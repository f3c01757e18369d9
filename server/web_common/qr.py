"""A QR code as SVG for a screen (kiosk, booking page): the same modules as on the paper (waitwell.printers.qr)."""

from __future__ import annotations

from functools import lru_cache

from waitwell.printers.qr import QUIET_ZONE_MODULES, qr_matrix


@lru_cache(maxsize=256)
def qr_svg(url: str) -> str:
    """A crisp, scalable SVG: one path of horizontal runs of dark modules, inside the standard quiet zone."""
    matrix = qr_matrix(url)
    side = len(matrix) + 2 * QUIET_ZONE_MODULES
    runs: list[str] = []
    for row, cells in enumerate(matrix):
        column = 0
        while column < len(cells):
            if cells[column]:
                start = column
                while column < len(cells) and cells[column]:
                    column += 1
                x, y, width = start + QUIET_ZONE_MODULES, row + QUIET_ZONE_MODULES, column - start
                runs.append(f"M{x} {y}h{width}v1h-{width}z")
            else:
                column += 1
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" shape-rendering="crispEdges">'
        f'<rect width="{side}" height="{side}" fill="#fff"/><path fill="#000" d="{"".join(runs)}"/></svg>'
    )
