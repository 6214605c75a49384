"""What the Export page offers, without Streamlit: labels, file names, bytes, commands.

The page only reads its widgets and calls these functions: the files are built here, in a
temporary folder, by :func:`atlas.maps.static_maps.export_map` and
:func:`atlas.reports.sheet.build_sheet`, and returned as bytes; the equivalent ``atlas export``
command lines are written here too (same options as :mod:`atlas.cli.export_commands`).
"""

from __future__ import annotations

import shlex
import tempfile
from pathlib import Path

from atlas.index.composite import Method

FORMAT_LABELS = {"png": "PNG (image, 200 dpi)", "svg": "SVG (vectoriel, modifiable)",
                 "pdf": "PDF (vectoriel)",
                 "html": "HTML interactif (un fichier, hors ligne, pour un site web)"}
MIME_TYPES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf",
              "html": "text/html"}
SIZE_LABELS = {"page": "Page de rapport (17 × 20 cm)",
               "slide": "Diapositive 16:9 (25,4 × 14,3 cm)"}
DEFAULT_SCHEME = "quantiles"
CLASSES = 5
"""Number of classes of every exported map (as on the Carte page)."""


def map_filename(level: str, what: str, fmt: str, region_name: str | None = None,
                 highlight_name: str | None = None) -> str:
    """File name of a map: kind, level, what is mapped, scope, territory outlined.

    ``region_name`` names the région or département the map covers (France if ``None``).

    >>> map_filename("communes", "overall", "png", "Occitanie")
    'carte-communes-overall-occitanie.png'
    >>> map_filename("regions", "indicator:poverty_rate_2021", "svg")
    'carte-regions-indicator-poverty-rate-2021-france.svg'
    >>> map_filename("communes", "overall", "pdf", "Cantal", "Aurillac")
    'carte-communes-overall-cantal-aurillac.pdf'
    """
    from atlas.maps.static_maps import slug

    scope = slug(region_name) if region_name else "france"
    outlined = f"-{slug(highlight_name)}" if highlight_name else ""
    return f"carte-{level}-{slug(what)}-{scope}{outlined}.{fmt}"


def sheet_filename(level: str, code: str) -> str:
    """File name of a territory sheet.

    >>> sheet_filename("communes", "2A004")
    'fiche-communes-2A004.pdf'
    """
    return f"fiche-{level}-{code}.pdf"


def map_bytes(level: str, what: str, region: str | None = None, fmt: str = "png", *,
              size: str = "page", scheme: str = DEFAULT_SCHEME, north_arrow: bool = False,
              method: Method | None = None, root: Path | None = None,
              within: str | None = None, highlight: str | None = None) -> bytes:
    """Draw one map (see :func:`atlas.maps.static_maps.export_map`) and return the file's bytes.

    ``within`` (``"departements:15"``) and ``highlight`` (``"communes:15014"``) are those
    of :func:`~atlas.maps.static_maps.export_map`.
    """
    from atlas.maps.static_maps import export_map

    frame = {"region": region, "within": within, "highlight": highlight}
    with tempfile.TemporaryDirectory(prefix="atlas-carte-") as folder:
        if fmt == "html":
            from atlas.maps.html_map import export_html

            return export_html(level, what, out=Path(folder) / "carte.html",
                               scheme=scheme, k=CLASSES, method=method, root=root,
                               **frame).read_bytes()
        out = export_map(level, what, fmt=fmt, out=Path(folder) / f"carte.{fmt}",
                         size=size, scheme=scheme, k=CLASSES, north_arrow=north_arrow,
                         method=method, root=root, **frame)
        return out.read_bytes()


def sheet_bytes(level: str, code: str, method: Method | None = None) -> bytes:
    """Build a territory's sheet (:func:`~atlas.reports.sheet.build_sheet`); return the PDF."""
    from atlas.reports.sheet import build_sheet

    with tempfile.TemporaryDirectory(prefix="atlas-fiche-") as folder:
        return Path(build_sheet(level, code, Path(folder) / "fiche.pdf",
                                method)).read_bytes()


def method_args(method: Method | None) -> list[str]:
    """The ``atlas export`` options of ``method`` (none for the default method).

    >>> method_args(Method(frame="region", weights={"social": 2}))
    ['--frame', 'region', '--weight', 'social=2']
    """
    if method is None:
        return []
    default, args = Method(), []
    for option in ("normalisation", "frame", "aggregation"):
        if getattr(method, option) != getattr(default, option):
            args += [f"--{option}", getattr(method, option)]
    for ident, weight in method.weights or ():
        args += ["--weight", f"{ident}={weight:g}"]
    return args


def map_command(level: str, what: str, fmt: str, out: str, region: str | None = None,
                size: str = "page", scheme: str = DEFAULT_SCHEME,
                north_arrow: bool = False, method: Method | None = None,
                within: str | None = None, highlight: str | None = None) -> str:
    """The ``atlas export map`` command writing the same map to ``out``.

    >>> map_command("communes", "overall", "png", "carte.png", "76")
    'atlas export map --level communes --what overall --format png --region 76 --out carte.png'
    >>> map_command("communes", "overall", "pdf", "c.pdf", within="departements:15",
    ...             highlight="communes:15014")[62:]
    '--within departements:15 --highlight communes:15014 --out c.pdf'
    """
    args = ["atlas", "export", "map", *_map_args(level, what, fmt, size, scheme, north_arrow),
            *method_args(method)]
    if region:
        args += ["--region", region]
    if within:
        args += ["--within", within]
    if highlight:
        args += ["--highlight", highlight]
    return shlex.join([*args, "--out", out])


def maps_command(level: str, what: str, fmt: str, size: str = "page",
                 scheme: str = DEFAULT_SCHEME, north_arrow: bool = False,
                 out_dir: str = "cartes", method: Method | None = None) -> str:
    """The ``atlas export maps`` command writing one such map per région into ``out_dir``.

    >>> maps_command("departements", "domain:health", "pdf", size="slide")
    'atlas export maps --level departements --what domain:health --format pdf --size slide --out-dir cartes'
    """  # noqa: E501
    return shlex.join(["atlas", "export", "maps",
                       *_map_args(level, what, fmt, size, scheme, north_arrow),
                       *method_args(method), "--out-dir", out_dir])


def sheet_command(level: str, code: str, out: str | None = None,
                  method: Method | None = None) -> str:
    """The ``atlas export sheet`` command writing a territory's sheet.

    >>> sheet_command("communes", "42218")
    'atlas export sheet --territory communes:42218 --out fiche-communes-42218.pdf'
    """
    return shlex.join(["atlas", "export", "sheet", "--territory", f"{level}:{code}",
                       *method_args(method), "--out", out or sheet_filename(level, code)])


def _map_args(level: str, what: str, fmt: str, size: str, scheme: str,
              north_arrow: bool) -> list[str]:
    """Options shared by ``map`` and ``maps``; defaults other than the format left out."""
    args = ["--level", level, "--what", what, "--format", fmt]
    if fmt == "html":  # no page size nor north arrow: the reader zooms and pans
        size, north_arrow = "page", False
    if size != "page":
        args += ["--size", size]
    if scheme != DEFAULT_SCHEME:
        args += ["--scheme", scheme]
    if north_arrow:
        args.append("--north-arrow")
    return args



def region_report_bytes(code: str, method: Method | None = None) -> bytes:
    """The regional report of ``code`` as PDF bytes (:mod:`atlas.reports.regional_report`)."""
    from atlas.reports.regional_report import region_report_bytes as report

    return report(code, method)


def region_report_filename(code: str, name: str) -> str:
    """File name of a région's report.

    >>> region_report_filename("76", "Occitanie")
    'rapport-region-76-occitanie.pdf'
    """
    from atlas.reports.regional_report import filename

    return filename(code, name)


def region_report_command(code: str, out: str, method: Method | None = None) -> str:
    """The ``atlas report region`` command writing the same report.

    >>> region_report_command("76", "rapport.pdf")
    'atlas report region --code 76 --out rapport.pdf'
    """
    return shlex.join(["atlas", "report", "region", "--code", code, *method_args(method),
                       "--out", out])
