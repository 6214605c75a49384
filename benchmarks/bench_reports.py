"""Time the regional and national reports (printed, never asserted).

Run from the repository: ``python benchmarks/bench_reports.py [CODE ...]`` (default 76,
Occitanie). Prints the import time, then each report's time in a fresh process's first
call and in a second call (caches warm), and its pages.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

start = time.perf_counter()
from pypdf import PdfReader  # noqa: E402

from atlas.reports.national_report import build_france_report  # noqa: E402
from atlas.reports.regional_report import build_region_report  # noqa: E402

print(f"imports: {time.perf_counter() - start:.1f} s")


def timed(label: str, build, out: Path) -> None:
    began = time.perf_counter()
    build(out)
    seconds = time.perf_counter() - began
    print(f"{label}: {seconds:.1f} s, {len(PdfReader(out).pages)} pages, "
          f"{out.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    codes = sys.argv[1:] or ["76"]
    with tempfile.TemporaryDirectory() as folder:
        for code in codes:
            for run in ("first", "second"):
                timed(f"région {code} ({run} call)",
                      lambda out, code=code: build_region_report(code, out),
                      Path(folder) / f"{code}.pdf")
        timed("France", build_france_report, Path(folder) / "france.pdf")
    print(f"total with imports: {time.perf_counter() - start:.1f} s")
