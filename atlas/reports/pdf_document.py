"""A4 documents typeset with reportlab's platypus: styles, table of contents, tables, images.

The regional and national reports are written as a list of flowables (headings,
paragraphs, tables, figures) and typeset here: DejaVu Sans (shipped with matplotlib, every
French glyph, the narrow no-break space included), a table of contents filled from the
headings by a two-pass build, a running footer with the page number.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
MARGIN = 1.8 * cm
WIDTH = A4[0] - 2 * MARGIN
"""Width of the text frame, in points."""
GRID = colors.HexColor("#bbbbbb")
HEADER = colors.HexColor("#e8eef4")


@cache
def fonts() -> tuple[str, str]:
    """Register DejaVu Sans and its bold from matplotlib's data folder (once)."""
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)
    return FONT, BOLD


@cache
def styles() -> dict[str, ParagraphStyle]:
    """Paragraph styles: ``title``, ``h1``, ``h2``, ``body``, ``small``, ``cell``, ``note``."""
    fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, alignment=TA_LEFT,
                          spaceAfter=4)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=20, leading=25,
                                spaceAfter=10),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=11, leading=15,
                                   textColor=colors.HexColor("#333333"), spaceAfter=8),
        "h1": ParagraphStyle("h1", parent=body, fontName=BOLD, fontSize=14, leading=18,
                             spaceBefore=6, spaceAfter=6, keepWithNext=1,
                             textColor=colors.HexColor("#1f3b57")),
        "h2": ParagraphStyle("h2", parent=body, fontName=BOLD, fontSize=10.5, leading=14,
                             spaceBefore=6, spaceAfter=3, keepWithNext=1),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5),
        "cell": ParagraphStyle("cell", parent=body, fontSize=7, leading=8.6, spaceAfter=0),
        "head": ParagraphStyle("head", parent=body, fontName=BOLD, fontSize=7, leading=8.6,
                               spaceAfter=0),
        "note": ParagraphStyle("note", parent=body, fontSize=7.5, leading=9.5,
                               textColor=colors.HexColor("#444444"),
                               backColor=colors.HexColor("#f4f4f4"), borderPadding=4,
                               spaceBefore=4, spaceAfter=8),
        "toc1": ParagraphStyle("toc1", parent=body, fontSize=10, leading=15, leftIndent=10),
        "toc2": ParagraphStyle("toc2", parent=body, fontSize=8.5, leading=11, leftIndent=26),
    }


class Report(BaseDocTemplate):
    """An A4 document whose ``h1`` and ``h2`` headings fill its table of contents."""

    def __init__(self, target: io.BytesIO | str, title: str, footer: str) -> None:
        super().__init__(target, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                         topMargin=MARGIN, bottomMargin=MARGIN, title=title,
                         author="Atlas des fragilités territoriales", lang="fr-FR",
                         invariant=1)
        self._footer = footer
        frame = Frame(MARGIN, MARGIN, WIDTH, A4[1] - 2 * MARGIN, id="text")
        self.addPageTemplates([PageTemplate("page", [frame], onPage=self._draw_footer)])

    def afterFlowable(self, flowable: Flowable) -> None:
        """Register a heading in the table of contents (with a bookmark)."""
        if isinstance(flowable, Paragraph) and flowable.style.name in ("h1", "h2"):
            level = 0 if flowable.style.name == "h1" else 1
            text = flowable.getPlainText()
            key = f"h{id(flowable)}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)
            self.notify("TOCEntry", (level, text, self.page, key))

    def _draw_footer(self, canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(MARGIN, 1.0 * cm, self._footer)
        canvas.drawRightString(A4[0] - MARGIN, 1.0 * cm, f"page {doc.page}")
        canvas.restoreState()


def contents() -> TableOfContents:
    """An empty table of contents, filled by :meth:`Report.afterFlowable`."""
    toc = TableOfContents()
    toc.levelStyles = [styles()["toc1"], styles()["toc2"]]
    toc.dotsMinLevel = 0
    return toc


def write(story: list[Flowable], title: str, footer: str, out: Path | None = None) -> bytes:
    """Typeset ``story`` (twice, for the table of contents) and return the PDF's bytes.

    Written to ``out`` as well when given.
    """
    buffer = io.BytesIO()
    Report(buffer, title, footer).multiBuild(story)
    data = buffer.getvalue()
    if out is not None:
        Path(out).write_bytes(data)
    return data


def text(content: str) -> str:
    """Plain text made safe for a reportlab paragraph (``&``, ``<``, ``>`` escaped)."""
    return escape(content)


def paragraph(content: str, style: str = "body") -> Paragraph:
    """A paragraph of plain text (escaped) in one of :func:`styles`."""
    return Paragraph(text(content), styles()[style])


def heading(content: str, level: int = 1) -> Paragraph:
    """A section (``level`` 1) or sub-section (2) heading, listed in the contents."""
    return Paragraph(text(content), styles()[f"h{level}"])


def table(header: Sequence[str], rows: Sequence[Sequence[str]],
          widths: Sequence[float] | None = None, repeat: bool = True) -> Table:
    """A table of plain-text cells with a shaded header row, wrapped to the frame's width.

    ``widths`` are fractions of the frame's width (equal columns by default).
    """
    cell, head = styles()["cell"], styles()["head"]
    data = [[Paragraph(text(h), head) for h in header]]
    data += [[Paragraph(text(str(c)), cell) for c in row] for row in rows]
    fractions = widths or [1 / len(header)] * len(header)
    out = Table(data, colWidths=[f * WIDTH for f in fractions], repeatRows=1 if repeat else 0)
    out.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), HEADER),
        ("GRID", (0, 0), (-1, -1), 0.3, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    out.spaceBefore, out.spaceAfter = 2, 6
    return out


def image(png: bytes, width: float, height: float) -> Image:
    """A PNG drawn at ``width`` × ``height`` points."""
    return Image(io.BytesIO(png), width=width, height=height)


def grid(images: Sequence[Flowable], columns: int = 2) -> Table:
    """Figures side by side, ``columns`` per row, without borders."""
    rows = [list(images[i:i + columns]) for i in range(0, len(images), columns)]
    if rows and len(rows[-1]) < columns:
        rows[-1] += [Spacer(1, 1)] * (columns - len(rows[-1]))
    out = Table(rows, colWidths=[WIDTH / columns] * columns)
    out.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"),
                             ("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return out
