from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from geodata import search, store


def _communes():
    return store.attributes("communes")


def test_accents_and_hyphens_are_optional(geodata_root):
    table = _communes()
    for query in ["saint etienne", "Saint-Étienne", "ST ETIENNE", "saint-etienne"]:
        assert search.find(table, query).iloc[0]["code"] == "42218"


def test_code_prefix_and_corsican_codes(geodata_root):
    table = _communes()
    assert search.find(table, "2A004").iloc[0]["name"] == "Ajaccio"
    assert (search.find(table, "750", limit=50)["code"].str.startswith("750")).all()


def test_article_and_apostrophe(geodata_root):
    table = _communes()
    assert search.find(table, "le havre").iloc[0]["code"] == "76351"
    assert search.find(table, "l hay les roses").iloc[0]["code"] == "94038"


def test_nothing_found_returns_an_empty_table(geodata_root):
    table = _communes()
    assert search.find(table, "zzzz qqqq").empty
    assert search.find(table, "   ").empty


@given(st.text(max_size=40))
def test_normalise_is_idempotent_and_plain(text):
    once = search.search_key(text)
    assert search.search_key(once) == once
    assert once == once.strip() and "  " not in once


@given(st.lists(st.sampled_from(["Saint-Jean", "Saint Jean", "saint-jean"]), min_size=1))
def test_ranking_prefers_exact_then_population(names):
    table = pd.DataFrame({"code": [f"{i:05d}" for i in range(len(names) + 1)],
                          "name": [*names, "Saint-Jean-de-Luz"],
                          "population": pd.array([*range(len(names)), 10**6], dtype="Int64")})
    hits = search.find(table, "saint jean", limit=len(table))
    assert len(hits) == len(table)
    exact = hits.iloc[:-1]
    assert exact["population"].is_monotonic_decreasing
    assert hits.iloc[-1]["name"] == "Saint-Jean-de-Luz"  # prefix match after exact ones


def test_search_of_every_level_puts_exact_matches_first():
    from geodata.search import find_everywhere

    tables = {
        "regions": pd.DataFrame({"code": ["53"], "name": ["Bretagne"], "population": [3.4e6]}),
        "communes": pd.DataFrame({"code": ["29019", "35238"], "name": ["Brest", "Rennes"],
                                  "population": [140000, 220000]}),
    }
    hits = find_everywhere(tables, "brest")
    assert hits.to_dict("records") == [{"code": "29019", "name": "Brest", "level": "communes"}]
    hits = find_everywhere(tables, "bre")
    assert hits["level"].tolist() == ["regions", "communes"]  # in the order of the tables
    assert find_everywhere(tables, "35238")["name"].tolist() == ["Rennes"]


@given(st.lists(st.sampled_from(["saint", "jean", "luz", "de", "x" * 30, "-", " "]),
                max_size=3_334))
def test_search_reads_a_bounded_query(words):
    table = pd.DataFrame({"code": ["64483", "01001"], "name": ["Saint-Jean-de-Luz", "Jean"],
                          "population": pd.array([13_000, 800], dtype="Int64")})
    query = " ".join(words)
    assert len(search.bounded(query)) <= search.MAX_QUERY_CHARS
    pd.testing.assert_frame_equal(search.find(table, query),
                                  search.find(table, search.bounded(query)))


def test_only_the_first_distinct_words_are_matched():
    table = pd.DataFrame({"code": ["99999"], "name": ["Aa-Bb-Cc-Dd-Ee-Ff-Gg-Hh"],
                          "population": pd.array([1], dtype="Int64")})
    assert search.MAX_QUERY_WORDS == 8
    assert not search.find(table, "aa bb cc dd ee ff gg hh zz").empty  # 'zz' is not read
    assert search.find(table, "aa aa bb cc dd ee ff gg zz").empty  # repeats count once
