"""``atlas export``: static maps and territory sheets for reports."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from atlas.method_vocabulary import OPTIONS, ORIGIN_INDICATORS
from geodata.levels import LEVELS, TERRITORY_LEVELS, Level, territory_level
from geodata.levels import level as get_level


def add_export_commands(groups: argparse._SubParsersAction) -> None:
    """Register ``atlas export map``, ``atlas export maps`` and ``atlas export sheet``."""
    from atlas.export_map import FORMATS, SIZES

    export = groups.add_parser("export", help="static maps and territory sheets")
    commands = export.add_subparsers(title="export commands")

    one = commands.add_parser("map", help="one static map (national, or one région)")
    _map_options(one, FORMATS, SIZES)
    one.add_argument("--region", default=None, help="région code: map only that région")
    one.add_argument("--out", type=Path, required=True, help="file to write")
    one.set_defaults(run=_map)

    batch = commands.add_parser("maps", help="one map per région, into a folder")
    _map_options(batch, FORMATS, SIZES)
    batch.add_argument("--out-dir", type=Path, required=True, help="folder to write into")
    batch.set_defaults(run=_maps)

    sheet = commands.add_parser("sheet", help="a territory's sheet (PDF)")
    sheet.add_argument("--territory", required=True, metavar="LEVEL:CODE",
                       help="e.g. communes:35238, departements:2A, regions:53")
    sheet.add_argument("--out", type=Path, required=True, help="PDF to write")
    _method_options(sheet)
    sheet.set_defaults(run=_sheet)


def _method_options(parser: argparse.ArgumentParser) -> None:
    """``--normalisation``, ``--frame``, ``--aggregation``, ``--weight ID=W`` (repeatable)."""
    group = parser.add_argument_group("method (default: rank, france, arithmetic, equal "
                                      "weights)")
    for option, choices in OPTIONS.items():
        group.add_argument(f"--{option}", choices=[c.id for c in choices],
                           default=choices[0].id,
                           help="; ".join(f"{c.id}: {c.short}" for c in choices))
    group.add_argument("--weight", action="append", default=[], metavar="ID=W",
                       help="weight of a dimension, domain or indicator id (repeatable), "
                            "e.g. social=2 or health=0; the app's box that leaves the "
                            "immigrant and foreigner shares out of the index is "
                            f"{' '.join(f'--weight {i}=0' for i in ORIGIN_INDICATORS)}")


def method_from_args(args: argparse.Namespace):
    """The :class:`atlas.composite.Method` of the command's method options.

    Weights may name indicators too: ``--weight immigrant_share=0 --weight
    foreigner_share=0`` is the app's box that leaves those shares out of the index.

    Raises
    ------
    ValueError
        A weight that is not ``ID=number``, or an invalid combination (the message says
        which).
    """
    from atlas.composite import Method

    weights = {}
    for text in args.weight:
        ident, sep, value = text.partition("=")
        try:
            weights[ident.strip()] = float(value)
        except ValueError:
            raise ValueError(f"--weight {text!r} is not ID=number (e.g. social=2)") from None
        if not sep or not ident.strip():
            raise ValueError(f"--weight {text!r} is not ID=number (e.g. social=2)")
    return Method(normalisation=args.normalisation, frame=args.frame,
                  aggregation=args.aggregation, weights=weights or None)


def level_argument(allowed: tuple[Level, ...]):
    """An argparse ``type`` reading a level in either spelling and giving its identifier.

    >>> level_argument(TERRITORY_LEVELS)("region")
    'regions'
    """
    def read(text: str) -> str:
        try:
            found = get_level(text)
        except ValueError:
            found = None
        if found not in allowed:
            raise argparse.ArgumentTypeError(
                f"unknown level {text!r}; valid levels: "
                f"{', '.join(lv.id for lv in allowed)} (or their singular)")
        return found.id

    read.__name__ = "level"
    return read


def _map_options(parser: argparse.ArgumentParser, formats, sizes) -> None:
    parser.add_argument("--level", type=level_argument(TERRITORY_LEVELS), required=True,
                        help=f"one of {', '.join(LEVELS)} (or their singular)")
    parser.add_argument("--what", required=True, help="overall, density, dimension:<id>, "
                        "domain:<id> or indicator:<id>")
    parser.add_argument("--format", dest="fmt", choices=formats, default="png")
    parser.add_argument("--size", choices=sorted(sizes), default="page",
                        help="page (17 × 20 cm) or slide (16:9)")
    parser.add_argument("--scheme", default="quantiles",
                        help="quantiles, fisher_jenks or equal_interval")
    parser.add_argument("--k", type=int, default=5, help="number of classes")
    parser.add_argument("--north-arrow", action="store_true", help="draw a north arrow")
    _method_options(parser)


def _map_kwargs(args: argparse.Namespace) -> dict:
    return {"fmt": args.fmt, "size": args.size, "scheme": args.scheme, "k": args.k,
            "north_arrow": args.north_arrow, "method": method_from_args(args)}


def _map(args: argparse.Namespace) -> int:
    from atlas.export_map import export_map

    try:
        out = export_map(args.level, args.what, region=args.region, out=args.out,
                         **_map_kwargs(args))
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(out)
    return 0


def _maps(args: argparse.Namespace) -> int:
    from atlas.export_map import export_region_maps

    try:
        paths = export_region_maps(args.level, args.what, args.out_dir, **_map_kwargs(args))
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in paths:
        print(path)
    return 0


def parse_territory(text: str) -> tuple[str, str]:
    """Split ``LEVEL:CODE`` into its level and code.

    >>> parse_territory("communes:2A004")
    ('communes', '2A004')

    Raises
    ------
    ValueError
        If the text has no colon, an unknown level or an empty code.
    """
    level, sep, code = text.partition(":")
    if not sep or not code.strip():
        raise ValueError(f"territory {text!r} is not LEVEL:CODE (e.g. communes:35238)")
    try:
        found = territory_level(level)
    except ValueError:
        raise ValueError(f"unknown level {level!r} in {text!r}; valid levels: "
                         f"{', '.join(LEVELS)} (or their singular)") from None
    return found.id, code.strip()


def _sheet(args: argparse.Namespace) -> int:
    try:
        level, code = parse_territory(args.territory)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        from atlas.sheet import build_sheet
    except ImportError as error:
        print(f"error: territory sheets are not available yet (atlas.sheet could not be "
              f"imported: {error})", file=sys.stderr)
        return 2
    try:
        out = build_sheet(level, code, args.out, method_from_args(args))
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(out)
    return 0
