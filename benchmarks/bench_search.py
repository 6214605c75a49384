"""Cost of a territory search, from an ordinary name to a hostile 10,000-character query.

Usage: python benchmarks/bench_search.py [--repeat 5]

Runs the search of the Territoire page (every level, the communes' index precomputed, as
the app caches it) and prints, as JSON, the median CPU seconds of each query; the hostile
queries are 10,000 characters each: 3,334 two-letter words (156 distinct), and 2,054
distinct words. ``unbounded_*`` repeat the hostile queries with the reading bounds lifted
(:data:`geodata.search.MAX_QUERY_CHARS` and ``MAX_QUERY_WORDS``), which is what one such
search cost before they existed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from unittest import mock

from geodata import search, store
from geodata.levels import LEVELS

QUERIES = {
    "name": "Saint-Flour",
    "prefix": "sain",
    "code": "43117",
    "several_words": "saint martin de la",
    "no_match": "zzzz qqqq",
    "hostile_3334_words": " ".join(
        "abcdefghijklmnopqrstuvwxyz"[i % 26] + "aeiouy"[i // 26 % 6] for i in range(3334)
    )[:10_000],
    "hostile_distinct_words": " ".join(f"w{i:x}" for i in range(3334))[:10_000],
}


def cpu_seconds(run, repeat: int) -> float:
    """Median process CPU time of ``run()`` over ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    store.ensure_built()
    tables = {level: store.attributes(level) for level in LEVELS[::-1]}
    indexes = {"communes": search.search_index(tables["communes"])}

    def run(query: str):
        return lambda: search.find_everywhere(tables, query, indexes=indexes)

    figures = {name: round(cpu_seconds(run(query), args.repeat), 4)
               for name, query in QUERIES.items()}
    with mock.patch.object(search, "MAX_QUERY_CHARS", 1_000_000), \
            mock.patch.object(search, "MAX_QUERY_WORDS", 1_000_000):
        for name in ("hostile_3334_words", "hostile_distinct_words"):
            figures["unbounded_" + name] = round(cpu_seconds(run(QUERIES[name]), 1), 2)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
