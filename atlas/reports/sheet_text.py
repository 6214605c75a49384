"""Text layout of the territory sheet: font sizes, margins, measured wrapping, page flow.

Every length here is in PostScript points (1/72 inch) from the page's lower left corner.
Text is wrapped on its measured width (DejaVu Sans advances, read once from the font
file), never on a count of characters, so that no line runs past the right margin
whatever the name of the territory; a block that does not fit at the bottom of a page goes
to the next one.
"""

from __future__ import annotations

from functools import cache

from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, get_font

try:
    from matplotlib.ft2font import LoadFlags
    NO_HINTING = LoadFlags.NO_HINTING
except ImportError:  # matplotlib < 3.10
    from matplotlib.ft2font import LOAD_NO_HINTING as NO_HINTING

A4 = (8.27, 11.69)
"""A4 portrait, inches."""
PAGE_WIDTH, PAGE_HEIGHT = A4[0] * 72, A4[1] * 72
MARGIN = 28.35
"""10 mm on every side: nothing is drawn outside (printers lose about 5 mm)."""
LEFT, RIGHT = MARGIN, PAGE_WIDTH - MARGIN
TOP, BOTTOM = PAGE_HEIGHT - MARGIN, MARGIN
FOOTER_SPACE = 16.0
"""Height kept free above the bottom margin for the page's footer."""
BODY = 9.0
"""Body text (paragraphs, tables, scores): readable when printed."""
SMALL = 8.0
"""The smallest text of the sheet (notes, axis labels, footers)."""
LEADING = 1.25
"""Line height in multiples of the font size."""
FAMILY = "DejaVu Sans"
SAFETY = 1.03
"""Measured widths are enlarged by 3 % (kerning and rounding of the PDF backend)."""


@cache
def _advances(bold: bool) -> tuple[dict[str, float], object]:
    """Advance of each character already measured, per point of size, and the font."""
    font = get_font(findfont(FontProperties(family=FAMILY,
                                            weight="bold" if bold else "normal")))
    return {}, font


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of one line of ``text`` at ``size`` points, in points.

    Examples
    --------
    >>> round(text_width("rang 30 681 sur 34 725", 9.0))
    109
    >>> text_width("ab", 10) == 2 * text_width("ab", 5)
    True
    """
    advances, font = _advances(bold)
    total = 0.0
    for char in text:
        advance = advances.get(char)
        if advance is None:
            font.set_size(100, 72)
            glyph = font.load_char(ord(char), flags=NO_HINTING)
            advance = advances[char] = glyph.linearHoriAdvance / 65536 / 100
        total += advance
    return total * size * SAFETY


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Lines of ``text`` no wider than ``width`` points (one empty line for empty text).

    Words are kept whole; a single word wider than ``width`` is cut where it must be.
    Line breaks in ``text`` are kept.

    Examples
    --------
    >>> wrap("Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson (51598)", 120, 9)
    ['Saint-Rémy-en-', 'Bouzemont-Saint-Genest-', 'et-Isson (51598)']
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, size, bold) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            for piece in _pieces(word, width, size, bold):
                if line:
                    lines.append(line)
                line = piece
        lines.append(line)
    return lines or [""]


def _pieces(word: str, width: float, size: float, bold: bool) -> list[str]:
    """``word`` cut after hyphens (or anywhere) into pieces no wider than ``width``."""
    pieces, current = [], ""
    for part in word.replace("-", "-\x00").split("\x00"):
        if current and text_width(current + part, size, bold) > width:
            pieces.append(current)
            current = ""
        current += part
        while text_width(current, size, bold) > width and len(current) > 1:
            cut = len(current) - 1
            while cut > 1 and text_width(current[:cut], size, bold) > width:
                cut -= 1
            pieces.append(current[:cut])
            current = current[cut:]
    return [*pieces, current] if current else pieces


def line_height(size: float) -> float:
    """Distance between two baselines of text of ``size``, in points."""
    return size * LEADING


class Flow:
    """Pages filled from top to bottom; a block that does not fit starts a new page.

    Attributes
    ----------
    figures
        The pages so far (A4 matplotlib figures).
    y
        The current position on the last page, in points from its bottom edge.
    """

    def __init__(self) -> None:
        self.figures: list[Figure] = []
        self.y = TOP
        self.new_page()

    @property
    def figure(self) -> Figure:
        """The page being filled."""
        return self.figures[-1]

    def new_page(self) -> None:
        """Start a page at its top margin."""
        self.figures.append(Figure(figsize=A4))
        self.y = TOP

    def room(self) -> float:
        """Height left on the page above the footer, in points."""
        return self.y - BOTTOM - FOOTER_SPACE

    def need(self, height: float) -> None:
        """Go to a new page unless ``height`` points fit on this one."""
        if height > self.room() and self.y < TOP:
            self.new_page()

    def text(self, x: float, y: float, text: str, size: float, **style) -> None:
        """One piece of text at (``x``, ``y``) points on the current page (baseline)."""
        style.setdefault("va", "baseline")
        self.figure.text(x / PAGE_WIDTH, y / PAGE_HEIGHT, text, fontsize=size, **style)

    def paragraph(self, text: str, size: float = BODY, x: float = LEFT, right: float = RIGHT,
                  bold: bool = False, colour: str = "black", gap: float = 0.0,
                  keep: bool = True) -> None:
        """Wrapped text from the current position down, on a new page if it does not fit.

        ``gap`` points are left above it; ``keep`` keeps its lines on one page.
        """
        lines = wrap(text, right - x, size, bold)
        step = line_height(size)
        if keep:
            self.need(gap + step * len(lines))
        self.y -= gap
        for line in lines:
            if not keep:
                self.need(step)
            self.y -= step
            self.text(x, self.y + step - size, line, size,
                      weight="bold" if bold else "normal", color=colour)

    def to_fraction(self, x: float, y: float, width: float, height: float
                    ) -> tuple[float, float, float, float]:
        """A rectangle in points as figure fractions (for ``Figure.add_axes``)."""
        return (x / PAGE_WIDTH, y / PAGE_HEIGHT, width / PAGE_WIDTH, height / PAGE_HEIGHT)
