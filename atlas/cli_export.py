"""``atlas export``: static maps and territory sheets for reports."""

from __future__ import annotations

import argparse


def add_export_commands(groups: argparse._SubParsersAction) -> None:
    """Register ``atlas export map`` and ``atlas export sheet`` (filled in by the exports)."""
    export = groups.add_parser("export", help="static maps and territory sheets")
    export.add_subparsers(title="export commands")
