"""Arguments shared by the ``atlas`` commands, and how a command reports a user's error.

Levels are read in either spelling (``regions`` or ``region``), territories as
``LEVEL:CODE``, the method from ``--normalisation``, ``--frame``, ``--aggregation`` and
``--weight``, with the words of :mod:`atlas.index.method_vocabulary`.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable

from atlas.index.method_vocabulary import OPTIONS, ORIGIN_INDICATORS
from geodata.levels import Level
from geodata.levels import level as get_level

Command = Callable[[argparse.Namespace], int]


def user_errors(*errors: type[Exception], prefix: str = "error", code: int = 2
                ) -> Callable[[Command], Command]:
    """Make a command print an error of ``errors`` (default ``ValueError``) and return ``code``.

    The message goes to standard error as ``<prefix>: <message>``, without a traceback:
    these errors are the user's (a bad code, option or file), and their message says
    which and what is valid.

    >>> @user_errors()
    ... def command(args):
    ...     raise ValueError("unknown région '99'")
    >>> import contextlib, io
    >>> with contextlib.redirect_stderr(io.StringIO()) as err:
    ...     command(None)
    2
    >>> err.getvalue().strip()
    "error: unknown région '99'"
    """
    caught = errors or (ValueError,)

    def decorate(command: Command) -> Command:
        @functools.wraps(command)
        def run(args: argparse.Namespace) -> int:
            try:
                return command(args)
            except caught as error:
                print(f"{prefix}: {error}", file=sys.stderr)
                return code
        return run
    return decorate


def level_argument(allowed: tuple[Level, ...]):
    """An argparse ``type`` reading a level in either spelling and giving its identifier.

    >>> from geodata.levels import TERRITORY_LEVELS
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


def method_options(parser: argparse.ArgumentParser) -> None:
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
    """The :class:`atlas.index.composite.Method` of the command's method options.

    Weights may name indicators too: ``--weight immigrant_share=0 --weight
    foreigner_share=0`` is the app's box that leaves those shares out of the index.

    Raises
    ------
    ValueError
        A weight that is not ``ID=number``, or an invalid combination (the message says
        which).
    """
    from atlas.index.composite import Method

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
