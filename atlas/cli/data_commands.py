"""``atlas territory`` and ``atlas data export``: a territory's data, or a whole level's."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from atlas.cli.arguments import (
    level_argument,
    method_from_args,
    method_options,
    user_errors,
)
from geodata.levels import LEVELS, TERRITORY_LEVELS, parse_territory


def add_data_commands(groups: argparse._SubParsersAction) -> None:
    """Register ``atlas territory`` and ``atlas data export``."""
    one = groups.add_parser("territory", help="one territory's indicators, scores and ranks")
    one.add_argument("territory", metavar="LEVEL:CODE",
                     help="e.g. communes:25390, departements:2A, regions:53")
    one.add_argument("--json", action="store_true", help="print one JSON object")
    one.add_argument("--no-intervals", action="store_true",
                     help="skip the 90 %% rank interval (a Monte Carlo of a few seconds)")
    method_options(one)
    one.set_defaults(run=_territory)

    data = groups.add_parser("data", help="data of every territory of a level")
    commands = data.add_subparsers(title="data commands")
    export = commands.add_parser("export", help="one row per territory, with its sources")
    export.add_argument("--level", required=True, type=level_argument(TERRITORY_LEVELS),
                        help=f"one of {', '.join(LEVELS)} (or their singular)")
    export.add_argument("--format", dest="fmt", required=True,
                        choices=("csv", "xlsx", "parquet", "gpkg"))
    export.add_argument("--out", type=Path, required=True, help="file to write")
    export.add_argument("--no-intervals", action="store_true",
                        help="skip the rank intervals (faster)")
    method_options(export)
    export.set_defaults(run=_export)


@user_errors()
def _territory(args: argparse.Namespace) -> int:
    from atlas.reports.territory_record import territory_record

    level, code = parse_territory(args.territory)
    record = with_history(territory_record(level, code, method_from_args(args),
                                           intervals=not args.no_intervals), level, code)
    if args.json:
        print(json.dumps(record, ensure_ascii=False))
    else:
        print(_text(record))
    return 0


def with_history(record: dict, level: str, code: str) -> dict:
    """The record with, for each indicator of a series, its ``history`` and ``change``.

    ``history`` lists ``{vintage, value, status}`` (oldest first, on the communes of 2025 and
    the comparable basis of :mod:`indicators.history`); ``change`` gives the change between
    the series' two change years, its interval, the « faible effectif » mark, both ranks and
    ``rank_change`` (``more_fragile``/``less_fragile`` only when the two years' rank
    intervals do not overlap); ``comparability`` and ``comparability_note`` say whether the
    definition or the method changed between vintages. ``population`` gains ``history``:
    the legal populations 2021, 2022 and 2023 on the communes of 2025.
    """
    from indicators.history import population_history, territory_history

    if isinstance(record.get("population"), dict):
        record["population"]["history"] = population_history(level, code)
    for ident, entry in territory_history(level, code).items():
        if ident in record["indicators"]:
            record["indicators"][ident].update(
                history=entry["history"], change=entry["change"],
                comparability=entry["comparability"], comparability_note=entry["note"])
    return record


def _text(record: dict) -> str:
    """A short human-readable summary of a territory record."""
    overall = record["overall"]
    lines = [f"{record['name']} ({record['level']} {record['code']}), population "
             f"{record['population']['value']:.0f} ({record['population']['year']})",
             f"overall {overall['score']} ({overall['domains_count']}/"
             f"{overall['domains_total']} domains), rank {overall['rank']} of "
             f"{overall['frame_size']} [{overall['rank_low']}, {overall['rank_high']}]"]
    for ident, entry in record["indicators"].items():
        lines.append(f"  {ident:40} {entry['value']!s:>12} {entry['unit']:18} "
                     f"{entry['status']}")
        if "change" in entry:
            change = entry["change"]
            lines.append(f"  {'':40} change {change['from']}-{change['to']}: "
                         f"{change['value']!s} ({change['rank_change']})")
    return "\n".join(lines)


@user_errors()
def _export(args: argparse.Namespace) -> int:
    from atlas.reports.data_files import write_level

    for path in write_level(args.level, args.fmt, args.out, method_from_args(args),
                            intervals=not args.no_intervals):
        print(path)
    return 0
