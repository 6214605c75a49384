"""Find communes by name or INSEE code, ignoring accents, case, hyphens and apostrophes."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
MAX_QUERY_CHARS = 100
"""Longest query read (the longest commune name has 45 characters); the rest is ignored."""
MAX_QUERY_WORDS = 8
"""Most distinct words matched (each costs one pass over the names)."""


def bounded(query: str) -> str:
    """The part of ``query`` a search reads: at most :data:`MAX_QUERY_CHARS` characters.

    >>> len(bounded("a" * 10_000))
    100
    """
    return query.strip()[:MAX_QUERY_CHARS].strip()


def search_key(text: str) -> str:
    """Fold a name for matching: no accents, lower case, words separated by one space.

    >>> search_key("Saint-Étienne")
    'saint etienne'
    >>> search_key("  L'Haÿ-les-Roses ")
    'l hay les roses'
    >>> search_key("st etienne")
    'saint etienne'
    """
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    words = re.split(r"[^0-9a-z]+", folded.replace("œ", "oe").replace("æ", "ae"))
    return " ".join(ABBREVIATIONS.get(w, w) for w in words if w)


def search_index(table: pd.DataFrame) -> pd.Series:
    """Normalised names of a territory table (``name`` column), aligned with it."""
    return table["name"].map(search_key)


def find(table: pd.DataFrame, query: str, limit: int = 20,
         index: pd.Series | None = None) -> pd.DataFrame:
    """Return the territories matching ``query``, best first.

    A query of digits (or ``2A``/``2B`` codes) matches code prefixes; otherwise names
    match, in this order: exact name, name starting with the query, name containing
    every word of the query. Ties go to the larger population. The cost is bounded: only
    :func:`bounded` of the query is read, and its first :data:`MAX_QUERY_WORDS` distinct
    words matched.

    Parameters
    ----------
    table
        Territories with ``code``, ``name`` and ``population``.
    query
        What the user typed.
    limit
        At most this many rows.
    index
        Precomputed :func:`search_index` of ``table`` (saves time on repeated searches).
    """
    text = bounded(query)
    if not text:
        return table.iloc[0:0]
    if re.fullmatch(r"\d[0-9AaBb]\d*", text):
        hits = table[table["code"].str.startswith(text.upper())]
        return hits.sort_values("code").head(limit)
    names = index if index is not None else search_index(table)
    wanted = search_key(text)
    if not wanted:
        return table.iloc[0:0]
    words = list(dict.fromkeys(wanted.split()))[:MAX_QUERY_WORDS]
    contains = pd.Series(True, index=table.index)
    padded = " " + names + " "
    for word in words:
        contains &= padded.str.contains(" " + word, regex=False)
    rank = pd.Series(3, index=table.index)
    rank[names.str.startswith(wanted)] = 1
    rank[names == wanted] = 0
    rank[contains & (rank == 3)] = 2
    hits = table.assign(_rank=rank, _pop=table["population"].astype("Float64").fillna(-1))
    hits = hits[hits["_rank"] < 3].sort_values(["_rank", "_pop"], ascending=[True, False])
    return hits.drop(columns=["_rank", "_pop"]).head(limit)


def sort_names(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` in the alphabetical order of ``name``, ignoring accents and the article.

    >>> sort_names(pd.DataFrame({"name": ["Normandie", "La Réunion", "Île-de-France"]}))
    ... # doctest: +NORMALIZE_WHITESPACE
                name
    2  Île-de-France
    0      Normandie
    1     La Réunion
    """
    key = table["name"].map(lambda n: re.sub(r"^(la|le|les|l') ?", "", search_key(n)))
    return table.iloc[key.argsort(kind="stable")]


def find_everywhere(tables: dict[str, pd.DataFrame], query: str, limit: int = 8,
                    indexes: dict[str, pd.Series] | None = None) -> pd.DataFrame:
    """Territories of several levels matching ``query``: exact matches first.

    Parameters
    ----------
    tables
        Territory table of each level (``code``, ``name``, ``population``), in the order
        their hits are listed (e.g. régions first).
    query
        What the user typed.
    limit
        At most this many hits per level.
    indexes
        Precomputed :func:`search_index` of some levels.

    Returns
    -------
    DataFrame
        ``code``, ``name``, ``level``: exact names or codes first, then the others, each
        in the order of ``tables``.
    """
    indexes = indexes or {}
    frames = [find(table, query, limit=limit, index=indexes.get(level))[["code", "name"]]
              .assign(level=level) for level, table in tables.items()]
    hits = pd.concat(frames, ignore_index=True)
    text = bounded(query)
    exact = (hits["name"].map(search_key) == search_key(text)) | (hits["code"] == text)
    return pd.concat([hits[exact], hits[~exact]], ignore_index=True)
