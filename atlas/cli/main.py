"""The ``atlas`` command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from atlas.cli.arguments import level_argument, user_errors
from atlas.cli.perception_commands import (
    SOURCES,
    add_perception_commands,
    compare_grand_debat,
    imported_file,
    survey_file_options,
)
from geodata.levels import DEPARTEMENTS, REGIONS


def main(argv: list[str] | None = None) -> int:
    """Run the ``atlas`` command line and return its exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    return args.run(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="atlas", description="Atlas des fragilités "
                                     "territoriales: build data, check it, export maps.")
    groups = parser.add_subparsers(title="commands")

    geodata = groups.add_parser("geodata", help="territories and geometries")
    commands = geodata.add_subparsers(title="geodata commands")

    build = commands.add_parser("build", help="build every geometry artifact (GeoParquet)")
    build.add_argument("--out", type=Path, default=None,
                       help="output folder (default: $ATLAS_CACHE_DIR/geodata or the user "
                            "cache directory)")
    build.add_argument("--force", action="store_true", help="rebuild even if up to date")
    build.set_defaults(run=_geodata_build)

    check = commands.add_parser("check", help="check the artifacts: counts, validity, "
                                              "holes, overlaps, populations")
    check.add_argument("--dir", type=Path, default=None, help="artifact folder")
    check.add_argument("--json", action="store_true", help="print one JSON object")
    check.set_defaults(run=_geodata_check)

    pops = commands.add_parser("populations", help="derive the legal populations 2021-2023 "
                               "and the COG crosswalk from the decoupage-administratif "
                               "tarballs")
    pops.add_argument("--raw", type=Path, required=True, help="raw data folder (the one "
                      "holding insee/decoupage_administratif/)")
    pops.add_argument("--out", type=Path, default=None, help="folder to write the three "
                      "files into (default: the package's geodata/data)")
    pops.set_defaults(run=_geodata_populations)

    indicators = groups.add_parser("indicators", help="indicator catalogue and snapshot")
    commands = indicators.add_subparsers(title="indicators commands")
    build_ind = commands.add_parser("build", help="build the indicator snapshot from the "
                                    "raw official files")
    build_ind.add_argument("--raw", type=Path, required=True, help="raw data folder")
    build_ind.add_argument("--out", type=Path, default=None, help="snapshot folder "
                           "(default: the package's indicators/snapshot)")
    _source_options(build_ind)
    build_ind.set_defaults(run=_indicators_build)
    check_ind = commands.add_parser("check", help="check every source file before a build: "
                                    "present, columns used, declared year, size")
    check_ind.add_argument("--raw", type=Path, required=True, help="raw data folder")
    check_ind.add_argument("--json", action="store_true", help="print one JSON object")
    _source_options(check_ind)
    check_ind.set_defaults(run=_indicators_check)
    cover = commands.add_parser("coverage", help="indicators and coverage per domain")
    cover.add_argument("--json", action="store_true", help="print one JSON object")
    cover.add_argument("--dir", type=Path, default=None, help="snapshot folder")
    cover.set_defaults(run=_indicators_coverage)
    check_values = commands.add_parser(
        "validate", help="compare the values shown for départements, régions, EPCI and "
                         "France with every official value of the same level")
    check_values.add_argument("--raw", type=Path, default=None, help="raw data folder: read "
                              "the official files again and add other vintages")
    check_values.add_argument("--dir", type=Path, default=None, help="snapshot folder")
    check_values.add_argument("--json", action="store_true", help="print one JSON object")
    check_values.set_defaults(run=_indicators_validate)

    comp = groups.add_parser("compare", help="objective versus perceived fragility")
    comp.add_argument("--level", type=level_argument((REGIONS, DEPARTEMENTS)), default="regions",
                      help="regions or departements (or their singular)")
    comp.add_argument("--actor", default=None,
                      help="citoyen, elu, entreprise, association or tous (default: citoyen; "
                           "tous for the Grand Débat)")
    comp.add_argument("--source", choices=SOURCES, default="simulated",
                      help="simulated (the sample shipped with the atlas, or --survey) or "
                           "grand_debat_2019 (real contributions, régions only)")
    comp.add_argument("--survey", type=Path, default=None, help="survey file (CSV, XLSX or "
                      "SAV); default: the simulated sample shipped with the atlas")
    comp.add_argument("--mapping", type=Path, default=None, help="mapping file (YAML) of "
                      "the survey's columns (see atlas/perception/survey/mapping_template.yaml)")
    survey_file_options(comp)
    comp.add_argument("--json", action="store_true", help="print one JSON object")
    comp.set_defaults(run=_compare)

    from atlas.cli.data_commands import add_data_commands
    from atlas.cli.export_commands import add_export_commands
    from atlas.cli.report_commands import add_report_commands

    add_export_commands(groups)
    add_report_commands(groups)
    add_data_commands(groups)
    add_perception_commands(groups)
    return parser


@user_errors(prefix="atlas compare")
def _compare(args: argparse.Namespace) -> int:
    from atlas.perception import gap
    from atlas.perception.survey.estimates import ALL_ACTORS
    from atlas.perception.survey.model import ACTORS

    valid = (*ACTORS, ALL_ACTORS)
    if args.actor is not None and args.actor not in valid:
        raise ValueError(f"unknown actor {args.actor!r}; valid: {', '.join(valid)}")
    if args.source == "grand_debat_2019":
        return compare_grand_debat(args)
    args.actor = args.actor or "citoyen"
    if args.survey is not None:
        survey = _imported_survey(args)
        if survey is None:
            return 1
    else:
        if args.mapping is not None or args.keep_valid_rows or args.rejected_rows:
            raise ValueError("--mapping, --keep-valid-rows and --rejected-rows go with "
                             "--survey")
        from atlas.perception.survey.simulate import default_sample

        survey = default_sample()
    result = gap.summary_json(gap.run(survey, args.level, args.actor))
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(f"source: {result['source']}, actor: {result['actor']}")
        for row in result["territories"]:
            print(f"{row['code']:>4} {row['name']:32} spearman {row['spearman']!s:>6}  "
                  f"blind spots {row['blind_spots']}  over-perceived "
                  f"{row['over_perceived']}  n_eff {row['n_effective']}")
    return 0


def _imported_survey(args: argparse.Namespace):
    """The ``--survey`` file imported through ``--mapping`` (``None``: rows rejected)."""
    from atlas.perception.survey.importers import import_survey
    from atlas.perception.survey.mapping import RespondentMapping, load_mapping

    if args.mapping is None:
        raise ValueError("--survey needs --mapping (see "
                         "atlas/perception/survey/mapping_template.yaml)")
    mapping = load_mapping(args.mapping)
    if not isinstance(mapping, RespondentMapping):
        raise ValueError(f"{args.mapping.name}: --survey needs a mapping of form "
                         "respondents (a published table goes to atlas perception import)")
    result = imported_file(args, "atlas compare", import_survey, args.survey, mapping)
    return None if result is None else result.survey


def _source_options(parser: argparse.ArgumentParser) -> None:
    """Options choosing the year, file and size bound of sources."""
    parser.add_argument("--year", action="append", default=[], metavar="SOURCE=YEAR",
                        help="read SOURCE at another year (e.g. filosofi_2021=2019): its "
                             "file, columns and vintage follow; repeatable")
    parser.add_argument("--file", action="append", default=[], metavar="SOURCE=PATH",
                        help="read SOURCE from PATH (absolute, or relative to --raw); "
                             "repeatable")
    parser.add_argument("--max-file-size", type=float, default=None, metavar="MB",
                        help="size bound of one raw file in MB (default 1074, i.e. 1 GiB)")


def _pairs(values: list[str], option: str, convert=str) -> dict:
    out = {}
    for value in values:
        key, sep, item = value.partition("=")
        if not sep or not key or not item:
            raise ValueError(f"{option} {value!r}: expected SOURCE=VALUE")
        try:
            out[key.strip()] = convert(item.strip())
        except ValueError:
            raise ValueError(f"{option} {value!r}: {item!r} is not a year") from None
    return out


def _catalogue(args: argparse.Namespace):
    """The catalogue at the years, files and size bound asked for."""
    from indicators.catalogue import load_catalogue

    years = _pairs(args.year, "--year", int)
    paths = _pairs(args.file, "--file")
    max_bytes = None if args.max_file_size is None else int(args.max_file_size * 1e6)
    catalogue = load_catalogue()  # the catalogue file's years, unless --year says otherwise
    if years or paths or max_bytes is not None:
        catalogue = catalogue.with_years(years, paths, max_bytes)
    return catalogue.with_history()  # the earlier vintages are checked and built too


@user_errors(prefix="atlas indicators check")
def _indicators_check(args: argparse.Namespace) -> int:
    from indicators.precheck import check_sources

    report = check_sources(args.raw, _catalogue(args))
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        for entry in report.sources:
            year = "" if entry.expected_year is None else f"  year {entry.declared_year}"
            state = "ok" if not entry.problems else f"{len(entry.problems)} problem(s)"
            print(f"{entry.source:24} {state:14} {entry.columns_checked:3} columns{year}")
        for problem in report.problems:
            print(f"  - {problem}")
        print(f"{len(report.sources)} sources checked in {report.seconds:.1f} s: "
              + ("ok" if not report.problems else f"{len(report.problems)} problem(s)"))
    return 1 if report.problems else 0


@user_errors(FileNotFoundError, KeyError, ValueError, prefix="atlas indicators build",
             code=1)
def _indicators_build(args: argparse.Namespace) -> int:
    from indicators.build import build_snapshot

    provenance = build_snapshot(args.raw, args.out, catalogue=_catalogue(args))
    unmatched = sum(len(s["harmonisation"]["unmatched_codes"]) for s in provenance["sources"])
    rejected = sum(s["rejected_rows"] for s in provenance["sources"])
    print(f"{provenance['indicators']} indicators from {len(provenance['sources'])} sources; "
          f"{rejected} rejected rows and {unmatched} unmatched codes, all listed in "
          "provenance.json", file=sys.stderr)
    return 0


def _indicators_coverage(args: argparse.Namespace) -> int:
    from indicators.domain_coverage import coverage

    result = coverage(args.dir)
    if args.json:
        compact = {"domains": {k: {f: v[f] for f in ("label", "indicators", "series",
                                                      "communes_share", "population_share")}
                               for k, v in result["domains"].items()},
                   "total_indicators": result["total_indicators"],
                   "total_series": result["total_series"]}
        print(json.dumps(compact, ensure_ascii=False))
    else:
        for entry in result["domains"].values():
            print(f"{entry['label']:42} {len(entry['indicators']):2} indicators  "
                  f"{len(entry['series']):2} with change  "
                  f"communes {entry['communes_share']:6.1%}  "
                  f"population {entry['population_share']:6.1%}")
        print(f"total indicators: {result['total_indicators']}, with a change over time "
              f"(several vintages): {result['total_series']}")
    return 0


def _indicators_validate(args: argparse.Namespace) -> int:
    from indicators.validate import validate

    result = validate(args.dir, args.raw)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"{'indicator':36} {'level':12} {'vintage':14} {'n':>4} {'rho':>6} {'med':>8} "
          f"{'max':>8} | from communes: {'n':>4} {'rho':>6} {'med':>8} {'max':>8}")
    for row in result["comparisons"]:
        shown, comp = row["shown"], row["computed_from_communes"]
        vintage = row["reference"]["vintage"] + ("" if row["reference"]["same_vintage"]
                                                 else " (autre)")
        print(f"{row['indicator']:36} {row['level']:12} {vintage[:14]:14} "
              f"{_cell(shown['n'], 4)} {_cell(shown['spearman'], 6)} "
              f"{_cell(shown['median_abs_diff'], 8)} {_cell(shown['max_abs_diff'], 8)} | "
              f"{'':15}{_cell(comp['n'], 4)} {_cell(comp['spearman'], 6)} "
              f"{_cell(comp['median_abs_diff'], 8)} {_cell(comp['max_abs_diff'], 8)}")
    return 0


def _cell(value: object, width: int) -> str:
    return f"{'—' if value is None else value!s:>{width}}"


def _geodata_build(args: argparse.Namespace) -> int:
    from geodata import build

    build.build(args.out, force=args.force)
    return 0


def _geodata_check(args: argparse.Namespace) -> int:
    from geodata import build, quality

    build.build(args.dir)
    summary = quality.summary(args.dir)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        for key, value in summary.items():
            print(f"{key:28} {value}")
    return 0


def _geodata_populations(args: argparse.Namespace) -> int:
    from importlib.resources import files

    from geodata import legal_populations

    data = legal_populations.extract(args.raw)
    paths = legal_populations.write(data, args.out or Path(str(files("geodata") / "data")))
    report = data.provenance["crosswalk"]
    print(f"{len(data.populations)} communes and {len(data.crosswalk)} crosswalk rows written "
          f"to {', '.join(map(str, paths))}; unplaced old codes: {len(report['unplaced'])}, "
          f"conflicts: {len(report['conflicts'])}", file=sys.stderr)
    return 0

