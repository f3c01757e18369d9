"""Read an ESC/POS byte stream back into what the paper shows: lines with their style, QR payloads, images, cuts,
and the print area they are centred in.

Deliberately independent of python-escpos: text is decoded with Python's own codecs for the code page the
stream selected, and any command the reader does not know is an error rather than silently skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from PIL import Image, ImageOps

# ESC t n numbers of Epson's standard character code tables, as Python codec names.
EPSON_CODE_PAGES: dict[int, str] = {
    0: "cp437", 1: "cp932", 2: "cp850", 3: "cp860", 4: "cp863", 5: "cp865", 13: "cp857", 14: "cp737",
    15: "iso8859_7", 16: "cp1252", 17: "cp866", 18: "cp852", 19: "cp858", 32: "cp720", 33: "cp775",
    34: "cp855", 35: "cp861", 36: "cp862", 37: "cp864", 38: "cp869", 39: "iso8859_2", 40: "iso8859_15",
    45: "cp1250", 46: "cp1251", 47: "cp1253", 48: "cp1254", 49: "cp1255", 50: "cp1256", 51: "cp1257",
    52: "cp1258",
}
QR_ERROR_LEVELS = {48: "L", 49: "M", 50: "Q", 51: "H"}
ALIGNMENTS = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}


class UnknownCommand(ValueError):
    pass


@dataclass(frozen=True)
class Style:
    width: int = 1
    height: int = 1
    bold: bool = False
    underline: int = 0
    align: str = "left"
    font: int = 0
    smooth: bool = False
    invert: bool = False
    upside_down: bool = False


@dataclass
class PrintedLine:
    text: str
    style: Style
    segments: list[tuple[str, Style]] = field(default_factory=list)


@dataclass
class PrintedQr:
    payload: str
    module_size: int
    error_level: str
    align: str


@dataclass
class PrintedImage:
    image: Image.Image  # mode "1", black where the printer puts a dot
    scale: int = 0

    @property
    def width(self) -> int:
        return self.image.width

    @property
    def height(self) -> int:
        return self.image.height

    def content_box(self) -> tuple[int, int, int, int] | None:
        """Bounding box of the printed dots (the image is often padded to the paper width to centre it)."""
        return ImageOps.invert(self.image.convert("L")).getbbox()


@dataclass
class PrintedCut:
    partial: bool


@dataclass
class Feed:
    lines: int


@dataclass
class StatusQuery:
    kind: int


Item = PrintedLine | PrintedQr | PrintedImage | PrintedCut | Feed | StatusQuery


@dataclass(frozen=True)
class PrintArea:
    """`GS L` left margin and `GS W` width in dots; a width of None is the printer's whole line."""

    left: int = 0
    width: int | None = None


@dataclass
class Printout:
    items: list[Item]
    print_area: PrintArea = field(default_factory=PrintArea)  # the one in effect when the paper began to print

    def of(self, kind: type) -> list:
        return [item for item in self.items if isinstance(item, kind)]

    @property
    def lines(self) -> list[PrintedLine]:
        return self.of(PrintedLine)

    @property
    def texts(self) -> list[str]:
        return [line.text for line in self.lines]

    @property
    def qr_codes(self) -> list[PrintedQr]:
        return self.of(PrintedQr)

    @property
    def images(self) -> list[PrintedImage]:
        return self.of(PrintedImage)

    @property
    def cuts(self) -> list[PrintedCut]:
        return self.of(PrintedCut)

    def reads(self, words: str) -> bool:
        """Whether the words appear on the paper, even when wrapped over several lines."""
        return " ".join(words.split()) in " ".join(" ".join(self.texts).split())

    def line_with(self, fragment: str) -> PrintedLine:
        matches = [line for line in self.lines if fragment in line.text]
        assert matches, f"no printed line contains {fragment!r}; lines: {self.texts}"
        return matches[0]


def read_escpos(data: bytes, code_pages: Mapping[int, str] = EPSON_CODE_PAGES) -> Printout:
    """Parse the stream; raises UnknownCommand at the first byte sequence it cannot account for."""
    return _Reader(data, code_pages).run()


class _Reader:
    def __init__(self, data: bytes, code_pages: Mapping[int, str]) -> None:
        self.data, self.code_pages, self.pos = data, code_pages, 0
        self.items: list[Item] = []
        self.style = Style()
        self.code_page = 0
        self.segments: list[tuple[str, Style]] = []
        self.qr: dict[str, object] = {}
        self.area = PrintArea()
        self.first_area: PrintArea | None = None

    def run(self) -> Printout:
        while self.pos < len(self.data):
            byte = self.take(1)[0]
            if byte == 0x1B:
                self.escape()
            elif byte == 0x1D:
                self.group_separator()
            elif byte == 0x10:
                self.data_link_escape()
            elif byte == 0x0A:
                self.end_line()
            elif byte == 0x0D:
                continue
            elif byte >= 0x20 or byte == 0x09:
                self.add_text(bytes([byte]).decode(self.codec(), errors="replace"))
            else:
                raise UnknownCommand(f"control byte 0x{byte:02x} at offset {self.pos - 1}")
        if self.segments:
            self.end_line()
        return Printout(self.items, self.first_area or self.area)

    def take(self, count: int) -> bytes:
        if self.pos + count > len(self.data):
            raise UnknownCommand(f"stream ends inside a command at offset {self.pos}")
        chunk = self.data[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def codec(self) -> str:
        if self.code_page not in self.code_pages:
            raise UnknownCommand(f"code page {self.code_page} is not in the reader's table")
        return self.code_pages[self.code_page]

    def add_text(self, text: str) -> None:
        self.first_area = self.first_area or self.area
        if self.segments and self.segments[-1][1] == self.style:
            self.segments[-1] = (self.segments[-1][0] + text, self.style)
        else:
            self.segments.append((text, self.style))

    def end_line(self) -> None:
        if not self.segments:
            self.items.append(Feed(1))
            return
        text = "".join(part for part, _ in self.segments)
        self.items.append(PrintedLine(text, self.segments[0][1], self.segments))
        self.segments = []

    def set_style(self, **changes: object) -> None:
        self.style = replace(self.style, **changes)

    def escape(self) -> None:
        command = self.take(1)
        if command == b"@":
            self.style, self.code_page, self.area = Style(), 0, PrintArea()
        elif command == b"!":
            mode = self.take(1)[0]
            self.set_style(font=mode & 1, bold=bool(mode & 8), height=2 if mode & 16 else 1,
                           width=2 if mode & 32 else 1, underline=1 if mode & 128 else 0)
        elif command == b"E":
            self.set_style(bold=bool(self.take(1)[0] & 1))
        elif command == b"G":
            self.take(1)
        elif command == b"-":
            self.set_style(underline=self.take(1)[0] % 48)
        elif command == b"a":
            self.set_style(align=ALIGNMENTS[self.take(1)[0]])
        elif command == b"M":
            self.set_style(font=self.take(1)[0] % 48)
        elif command == b"{":
            self.set_style(upside_down=bool(self.take(1)[0] & 1))
        elif command == b"t":
            self.code_page = self.take(1)[0]
        elif command == b"d":
            if self.segments:
                self.end_line()
            self.items.append(Feed(self.take(1)[0]))
        elif command in (b"2",):
            pass
        elif command in (b"3", b"J", b"r", b" "):
            self.take(1)
        else:
            raise UnknownCommand(f"ESC {command!r} at offset {self.pos - 2}")

    def group_separator(self) -> None:
        command = self.take(1)
        if command == b"!":
            size = self.take(1)[0]
            self.set_style(width=(size >> 4) + 1, height=(size & 0x0F) + 1)
        elif command == b"b":
            self.set_style(smooth=bool(self.take(1)[0] & 1))
        elif command == b"B":
            self.set_style(invert=bool(self.take(1)[0] & 1))
        elif command == b"|":
            self.take(1)
        elif command == b"L":
            self.area = replace(self.area, left=int.from_bytes(self.take(2), "little"))
        elif command == b"W":
            self.area = replace(self.area, width=int.from_bytes(self.take(2), "little"))
        elif command == b"V":
            mode = self.take(1)[0]
            if mode in (65, 66):
                self.take(1)
            self.items.append(PrintedCut(partial=mode in (1, 49, 66)))
        elif command == b"v":
            self.raster_image()
        elif command == b"(":
            function = self.take(1)
            if function != b"k":
                raise UnknownCommand(f"GS ( {function!r} at offset {self.pos - 3}")
            self.two_dimensional_code()
        else:
            raise UnknownCommand(f"GS {command!r} at offset {self.pos - 2}")

    def data_link_escape(self) -> None:
        if self.take(1) != b"\x04":
            raise UnknownCommand(f"DLE command at offset {self.pos - 2}")
        self.items.append(StatusQuery(self.take(1)[0]))

    def raster_image(self) -> None:
        if self.take(1) != b"0":
            raise UnknownCommand(f"GS v other than GS v 0 at offset {self.pos - 3}")
        scale = self.take(1)[0]
        width_bytes, height = int.from_bytes(self.take(2), "little"), int.from_bytes(self.take(2), "little")
        bits = self.take(width_bytes * height)
        if self.segments:
            self.end_line()
        # In ESC/POS a 1 bit is a printed (black) dot; in Pillow's mode "1" a 1 bit is white.
        image = Image.frombytes("1", (width_bytes * 8, height), bytes(255 - b for b in bits))
        self.first_area = self.first_area or self.area
        self.items.append(PrintedImage(image, scale))

    def two_dimensional_code(self) -> None:
        length = int.from_bytes(self.take(2), "little")
        body = self.take(length)
        symbol, function, params = body[0], body[1], body[2:]
        if symbol != 49:
            raise UnknownCommand(f"2D code type {symbol} (only QR is read) at offset {self.pos - length}")
        if function == 65:
            self.qr["model"] = params[0] - 48
        elif function == 67:
            self.qr["size"] = params[0]
        elif function == 69:
            self.qr["error_level"] = QR_ERROR_LEVELS[params[0]]
        elif function == 80:
            self.qr["payload"] = params[1:].decode("utf-8")
        elif function == 81:
            if self.segments:
                self.end_line()
            self.first_area = self.first_area or self.area
            self.items.append(PrintedQr(
                payload=str(self.qr.get("payload", "")), module_size=int(self.qr.get("size", 3)),  # type: ignore[call-overload]
                error_level=str(self.qr.get("error_level", "L")), align=self.style.align,
            ))
        else:
            raise UnknownCommand(f"QR function {function} at offset {self.pos - length}")
