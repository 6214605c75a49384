"""``atlas perception build`` and ``atlas compare --source grand_debat_2019``."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import pandas as pd

from atlas.cli.arguments import user_errors

SOURCES = ("simulated", "grand_debat_2019")
"""Perception sources of ``atlas compare``: the simulated sample, the Grand Débat."""


def add_perception_commands(groups: argparse._SubParsersAction) -> None:
    """Register ``atlas perception build``."""
    perception = groups.add_parser("perception", help="real perception data (Grand Débat)")
    commands = perception.add_subparsers(title="perception commands")
    build = commands.add_parser("build", help="build the Grand Débat snapshot from the raw "
                                "files (perception/grand_debat_2019/ of the raw folder)")
    build.add_argument("--raw", type=Path, required=True, help="raw data folder")
    build.add_argument("--out", type=Path, default=None, help="snapshot folder (default: "
                       "the package's atlas/perception/grand_debat/snapshot)")
    build.set_defaults(run=_build)


@user_errors(FileNotFoundError, ValueError, prefix="atlas perception build", code=1)
def _build(args: argparse.Namespace) -> int:
    from atlas.perception.grand_debat.snapshot import build

    provenance = build(args.raw, args.out)
    check = provenance["national_check"]
    outside = sum(sum(v.values()) for v in provenance["read"]["outside_regions"].values())
    print(f"Grand Débat: {len(provenance['files'])} files; national check "
          f"{check['question']} yes {check['yes']:,} of {check['contributors']:,} "
          f"({check['share']:.1%}); {outside:,} contributions outside the 18 régions kept "
          "apart (listed in provenance.json)")
    return 0


def compare_grand_debat(args: argparse.Namespace) -> int:
    """``atlas compare --source grand_debat_2019``: régions only, real answers."""
    from atlas.perception.grand_debat.comparison import compare_regions

    if args.survey is not None:
        raise ValueError("--survey reads a survey file: leave --source to its default")
    if args.level != "regions":
        raise ValueError("the Grand Débat knows only the région of a contribution: use "
                         "--level region")
    result = compare_regions(args.actor or "tous")
    record = comparison_json(result)
    if args.json:
        print(json.dumps(record, ensure_ascii=False))
        return 0
    print(f"source: {record['source']} ({record['caveat']}), actor: {record['actor']}")
    for row in record["correlations"]:
        if row["against"] == "domain" and row["scope"] == "metropole":
            print(f"{row['question']:20} {row['domain']:18} spearman {row['spearman']!s:>6} "
                  f"[{row['ci_low']}, {row['ci_high']}] over {row['n']} régions")
    return 0


def comparison_json(result) -> dict:
    """A :class:`~atlas.perception.grand_debat.comparison.RealComparison` as plain JSON."""
    regions = []
    for (code, name), rows in result.table.groupby(["region", "region_name"], sort=True):
        regions.append({"code": code, "name": name, "domains": [
            {"question": r.question, "domain": r.domain, "perceived_share": _num(r.share),
             "ci_low": _num(r.ci_low), "ci_high": _num(r.ci_high),
             "answered": int(r.answered), "contributors": int(r.contributors),
             "blank_share": _num(r.blank_share), "status": r.status,
             "objective_score": _num(r.score), "objective_rank": _num(r.rank),
             "standing": _num(r.standing), "category": r.category}
            for r in rows.itertuples()]})
    return {"source": result.source, "caveat": result.caveat, "actor": result.actor,
            "regions": regions,
            "correlations": [{k: (_num(v) if isinstance(v, float) else v)
                              for k, v in row.items()}
                             for row in result.correlations.to_dict("records")]}


def _num(value: object) -> float | None:
    """A JSON number (None for missing), rounded to 4 decimals."""
    if value is None or value is pd.NA:
        return None
    number = float(value)
    return None if math.isnan(number) else round(number, 4)
