"""``atlas report``: the regional and national reports (PDF)."""

from __future__ import annotations

import argparse
from pathlib import Path

from atlas.cli.arguments import method_from_args, method_options, user_errors


def add_report_commands(groups: argparse._SubParsersAction) -> None:
    """Register ``atlas report region`` and ``atlas report france``."""
    report = groups.add_parser("report", help="regional and national reports (PDF)")
    commands = report.add_subparsers(title="report commands")

    region = commands.add_parser("region", help="the report of one région, or of all 18")
    which = region.add_mutually_exclusive_group(required=True)
    which.add_argument("--code", help="région code, e.g. 76 (Occitanie)")
    which.add_argument("--all", action="store_true", help="every région, into --out-dir")
    region.add_argument("--out", type=Path, default=None, help="PDF to write (with --code)")
    region.add_argument("--out-dir", type=Path, default=None,
                        help="folder to write into (with --all): rapport-region-CODE-NAME.pdf")
    method_options(region)
    region.set_defaults(run=_region)

    france = commands.add_parser("france", help="the national report")
    france.add_argument("--out", type=Path, required=True, help="PDF to write")
    method_options(france)
    france.set_defaults(run=_france)


@user_errors(prefix="atlas report region")
def _region(args: argparse.Namespace) -> int:
    from atlas.reports.regional_report import build_all_region_reports, build_region_report

    method = method_from_args(args)
    if args.all:
        if args.out_dir is None or args.out is not None:
            raise ValueError("--all writes one file per région: give --out-dir, not --out")
        for path in build_all_region_reports(args.out_dir, method):
            print(path)
        return 0
    if args.out is None or args.out_dir is not None:
        raise ValueError("--code writes one file: give --out FILE.pdf, not --out-dir")
    print(build_region_report(args.code, args.out, method))
    return 0


@user_errors(prefix="atlas report france")
def _france(args: argparse.Namespace) -> int:
    from atlas.reports.national_report import build_france_report

    print(build_france_report(args.out, method_from_args(args)))
    return 0
