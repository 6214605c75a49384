"""``atlas perception build|import`` and ``atlas compare --source grand_debat_2019``.

Survey files (``atlas perception import``, ``atlas compare --survey``) share one way of
reporting: rejected rows on standard error and, with ``--rejected-rows``, in a CSV; exit
code 1 when rows were rejected and ``--keep-valid-rows`` was not given, 2 for a file or
mapping that cannot be read (raised as ``ValueError``, caught by the command).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

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

    load = commands.add_parser(
        "import", help="import a survey file (respondents, through --mapping) or a published "
        "table (aggregates: the model's columns, or a mapping of form aggregates), report "
        "every rejected row and print the weighted shares with their 95 % intervals")
    load.add_argument("file", type=Path, help="CSV, XLSX or SAV file")
    load.add_argument("--mapping", type=Path, default=None, help="mapping file (YAML; see "
                      "atlas/perception/survey/mapping_template.yaml); without it, the file "
                      "is a published table with the model's columns")
    load.add_argument("--level", choices=("france", "region", "departement"),
                      default="france", help="level of the shares of a respondent file "
                      "(default: france)")
    survey_file_options(load)
    load.add_argument("--json", action="store_true", help="print one JSON object")
    load.set_defaults(run=_import)


def survey_file_options(parser: argparse.ArgumentParser) -> None:
    """``--keep-valid-rows`` and ``--rejected-rows`` of a command reading a survey file."""
    parser.add_argument("--keep-valid-rows", action="store_true", help="import the valid rows "
                        "of a file that has rejected rows (default: import nothing and exit "
                        "with code 1)")
    parser.add_argument("--rejected-rows", type=Path, default=None, metavar="FILE.csv",
                        help="write the rejected rows with their reasons (file, row, column, "
                        "value, reason) to this CSV")


def imported_file(args: argparse.Namespace, command: str, importer, *inputs):
    """``importer(*inputs, keep_valid_rows=…)``, reporting on standard error.

    Returns ``None`` when rows were rejected and ``--keep-valid-rows`` was not given (the
    command then exits with code 1); the rejected rows go to ``--rejected-rows`` if given.
    """
    from atlas.perception.survey.importers import ImportRejected

    try:
        result = importer(*inputs, keep_valid_rows=args.keep_valid_rows)
    except ImportRejected as error:
        report = error.report
        print(f"{command}: {report.summary()}", file=sys.stderr)
        _write_rejections(report, args.rejected_rows, command)
        print(f"{command}: nothing imported; fix the file, or pass --keep-valid-rows to "
              f"import the {report.n_rows - len(report.rejected_rows)} valid rows"
              + ("" if args.rejected_rows else
                 " (--rejected-rows FILE.csv writes every rejected row with its reason)"),
              file=sys.stderr)
        return None
    report = result.report
    if report.rejections:
        print(f"{command}: {report.summary()}", file=sys.stderr)
        print(f"{command}: {report.n_accepted} valid rows imported (--keep-valid-rows)",
              file=sys.stderr)
    _write_rejections(report, args.rejected_rows, command)
    for note in report.notes:
        print(f"{command}: note: {note}", file=sys.stderr)
    return result


def _write_rejections(report, path: Path | None, command: str) -> None:
    if path is None:
        return
    report.write_csv(path)
    print(f"{command}: {len(report.rejections)} rejections written to {path}",
          file=sys.stderr)


@user_errors(prefix="atlas perception import")
def _import(args: argparse.Namespace) -> int:
    from atlas.perception.survey import estimates
    from atlas.perception.survey.importers import import_aggregates, import_survey
    from atlas.perception.survey.mapping import RespondentMapping, load_mapping

    command = "atlas perception import"
    mapping = None if args.mapping is None else load_mapping(args.mapping)
    if isinstance(mapping, RespondentMapping):
        result = imported_file(args, command, import_survey, args.file, mapping)
        if result is None:
            return 1
        shares = estimates.survey_shares(result.survey, args.level)
        source, simulated = result.survey.source, result.survey.simulated
    else:
        result = imported_file(args, command, import_aggregates, args.file, mapping)
        if result is None:
            return 1
        shares = estimates.estimates_from_aggregate(result.table)
        source, simulated = result.source, result.simulated
    report = result.report
    record = {"source": source, "simulated": simulated,
              "form": "aggregates" if mapping is None or not isinstance(
                  mapping, RespondentMapping) else "respondents",
              "report": {"file": report.file, "format": report.format, "rows": report.n_rows,
                         "accepted": report.n_accepted,
                         "rejected_rows": len(report.rejected_rows),
                         "notes": list(report.notes)},
              "shares": [{k: (_num(v) if isinstance(v, float) else v) for k, v in row.items()}
                         for row in shares.astype(object).where(shares.notna(), None)
                         .to_dict("records")]}
    if args.json:
        print(json.dumps(record, ensure_ascii=False))
        return 0
    print(f"{source}: {report.n_accepted} of {report.n_rows} rows imported")
    for row in record["shares"]:
        share = "suppressed" if row["share"] is None else f"{row['share']:.1%}"
        interval = ("" if row["ci_low"] is None else
                    f" [{row['ci_low']:.1%}, {row['ci_high']:.1%}]")
        print(f"{row['territory_code']:>5} {row['actor']:12} {row['item']:32} "
              f"{row['measure']:16} {share}{interval} {row['status']}")
    return 0


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
            for r in rows.itertuples()],
            "indicators": [{"question": i.question, "indicator": i.indicator,
                            "value": _num(i.value)}
                           for i in result.indicators[result.indicators["region"] == code]
                           .itertuples()]})
    return {"source": result.source, "caveat": result.caveat, "actor": result.actor,
            "regions": regions,
            "correlations": [{k: (_num(v) if isinstance(v, float) else v)
                              for k, v in row.items()}
                             for row in result.correlations.to_dict("records")]}


def _num(value: object) -> float | None:
    """A JSON number (None for missing), rounded to 4 decimals."""
    import pandas as pd

    if value is None or value is pd.NA:
        return None
    number = float(value)
    return None if math.isnan(number) else round(number, 4)
