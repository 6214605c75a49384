"""What a report map can be written as: its formats and sizes.

Light on purpose (no matplotlib, no mapclassify): the command line reads it to build its
options, and ``atlas --help`` must answer at once.
"""

IMAGE_FORMATS = ("png", "svg", "pdf")
"""Formats of the static report maps (matplotlib)."""
FORMATS = (*IMAGE_FORMATS, "html")
"""Every format of ``atlas export map``: the images, and the interactive map in one HTML file."""
SIZES = {"page": (17 / 2.54, 20 / 2.54), "slide": (25.4 / 2.54, 14.2875 / 2.54),
         "half": (8.4 / 2.54, 10.5 / 2.54)}
"""Figure sizes in inches: an A4 report page (17 × 20 cm), a 16:9 slide (25,4 × 14,3 cm)
and half a page width (8,4 × 10,5 cm: four maps on a page of the regional report)."""
