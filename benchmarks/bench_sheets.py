"""Time the territory sheets (PDF) and the first and later displays of the Territoire page.

Usage: python benchmarks/bench_sheets.py [--no-page]

Prints the time of ``atlas.reports.sheet.build_sheet`` for a commune (first in the process, then
others), an EPCI, a département and a région, with the PDF size; then, unless
``--no-page``, the time of the Territoire page in AppTest: a first commune in this
process (indices and the 200-variant rank intervals), another commune, the same again.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

SHEETS = (("communes", "42218"), ("communes", "31555"), ("epci", "244200770"),
          ("departements", "42"), ("regions", "84"))
PAGE = "app_pages/territoire.py"
ROOT = Path(__file__).resolve().parents[1]


def time_sheets(folder: Path) -> None:
    """One line per sheet: seconds and kB."""
    from atlas.reports.sheet import build_sheet

    for level, code in SHEETS:
        start = time.perf_counter()
        out = build_sheet(level, code, folder / f"fiche-{code}.pdf")
        print(f"sheet {level:<13}{code:<10}{time.perf_counter() - start:6.2f} s"
              f"{out.stat().st_size / 1e3:8.0f} kB")


def time_page() -> None:
    """The Territoire page in AppTest: first commune, another, the first again."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=600).run()
    at.switch_page(PAGE)
    for label, code in (("first commune", "42218"), ("another commune", "31555"),
                        ("first again", "42218")):
        at.session_state["atlas_territory_level"] = "communes"
        at.session_state["atlas_territory_code"] = code
        start = time.perf_counter()
        at.run()
        print(f"Territoire page, {label:<16} ({code}) {time.perf_counter() - start:6.2f} s"
              + ("  (error)" if at.exception else ""))


def main() -> None:
    """Run the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-page", action="store_true", help="only the PDF sheets")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="atlas-bench-") as folder:
        time_sheets(Path(folder))
    if not args.no_page:
        time_page()


if __name__ == "__main__":
    main()
