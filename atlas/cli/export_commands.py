"""``atlas export``: static maps and territory sheets for reports."""

from __future__ import annotations

import argparse
from pathlib import Path

from atlas.cli.arguments import (
    level_argument,
    method_from_args,
    method_options,
    user_errors,
)
from geodata.levels import LEVELS, TERRITORY_LEVELS, parse_territory


def add_export_commands(groups: argparse._SubParsersAction) -> None:
    """Register ``atlas export map``, ``atlas export maps`` and ``atlas export sheet``."""
    from atlas.maps.export_formats import FORMATS, SIZES

    export = groups.add_parser("export", help="static maps and territory sheets")
    commands = export.add_subparsers(title="export commands")

    one = commands.add_parser("map", help="one map (national, one région or one "
                              "département), a territory outlined if asked")
    _map_options(one, FORMATS, SIZES)
    one.add_argument("--region", default=None, help="région code: map only that région")
    one.add_argument("--within", default=None, metavar="LEVEL:CODE",
                     help="map only the territories of one région or département, e.g. "
                          "departements:15 (--region 84 is --within regions:84)")
    one.add_argument("--highlight", default=None, metavar="LEVEL:CODE",
                     help="outline and name one territory of the map's frame, e.g. "
                          "communes:15014")
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
    method_options(sheet)
    sheet.set_defaults(run=_sheet)


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
    method_options(parser)


def _map_kwargs(args: argparse.Namespace) -> dict:
    return {"fmt": args.fmt, "size": args.size, "scheme": args.scheme, "k": args.k,
            "north_arrow": args.north_arrow, "method": method_from_args(args)}


@user_errors()
def _map(args: argparse.Namespace) -> int:
    if args.fmt == "html":
        from atlas.maps.html_map import export_html

        print(export_html(args.level, args.what, region=args.region, out=args.out,
                          scheme=args.scheme, k=args.k, method=method_from_args(args),
                          within=args.within, highlight=args.highlight))
        return 0
    from atlas.maps.static_maps import export_map

    print(export_map(args.level, args.what, region=args.region, out=args.out,
                     within=args.within, highlight=args.highlight, **_map_kwargs(args)))
    return 0


@user_errors()
def _maps(args: argparse.Namespace) -> int:
    from atlas.maps.static_maps import export_region_maps

    if args.fmt == "html":
        raise ValueError("--format html makes one interactive map: use atlas export map "
                         "(with --region for one région)")

    for path in export_region_maps(args.level, args.what, args.out_dir, **_map_kwargs(args)):
        print(path)
    return 0


@user_errors()
def _sheet(args: argparse.Namespace) -> int:
    level, code = parse_territory(args.territory)
    try:
        from atlas.reports.sheet import build_sheet
    except ImportError as error:
        raise ValueError("territory sheets are not available yet (atlas.reports.sheet "
                         f"could not be imported: {error})") from None
    print(build_sheet(level, code, args.out, method_from_args(args)))
    return 0
