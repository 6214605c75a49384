"""Start-up time of the command line: ``atlas --help`` and each command's ``--help``.

Usage: python benchmarks/bench_cli.py [--repeat 5]

Prints, as JSON, the median wall time in seconds of each command run in a new process
(target: under 1 s; the command line imports its heavy modules only when a command runs).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

COMMANDS = (["--help"], ["export", "map", "--help"], ["compare", "--help"],
            ["perception", "import", "--help"], ["data", "export", "--help"],
            ["territory", "--help"])


def seconds(args: list[str], repeat: int) -> float:
    """Median wall time of ``python -m atlas.cli ARGS`` over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "atlas.cli", *args], check=True,
                       stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps({"atlas " + " ".join(c): round(seconds(c, args.repeat), 3)
                      for c in COMMANDS}, ensure_ascii=False))


if __name__ == "__main__":
    main()
