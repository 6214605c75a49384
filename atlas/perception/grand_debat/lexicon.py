"""The French words of open answers that name a domain, declared in ``lexicon.yaml``.

A published word is folded (:func:`fold`: lower case, no accent, elided article removed)
and looked up; a word not in the lexicon names no domain and is counted apart, so that the
share of words a profile rests on is always known.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from geodata.search import search_key
from indicators.domains import DOMAIN_BY_ID

LEXICON_FILE = Path(__file__).with_name("lexicon.yaml")


def fold(word: str) -> str:
    """A published word as the lexicon writes it.

    >>> fold("L'École"), fold("hôpitaux"), fold("d'internet")
    ('ecole', 'hopitaux', 'internet')
    """
    word = re.sub(r"^(?:l|d|qu|j|n|s|c)['’]", "", word.strip().lower())
    return search_key(word).replace(" ", "")


@cache
def lexicon() -> dict[str, str]:
    """Folded word → domain id.

    Raises
    ------
    ValueError
        If the file names an unknown domain or gives one word to two domains.
    """
    data = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for domain, words in data.items():
        if domain not in DOMAIN_BY_ID:
            raise ValueError(f"{LEXICON_FILE.name}: unknown domain {domain!r}")
        for word in words:
            key = fold(str(word))
            if out.get(key, domain) != domain:
                raise ValueError(f"{LEXICON_FILE.name}: {word!r} is listed under both "
                                 f"{out[key]!r} and {domain!r}")
            out[key] = domain
    return out


def domain_of(words: pd.Series) -> pd.Series:
    """Domain id of each word (missing when the lexicon does not list it).

    >>> domain_of(pd.Series(["médecins", "transports", "services"])).tolist()
    ['health', 'mobility', None]
    """
    table = lexicon()
    return pd.Series([table.get(fold(w)) for w in words], index=words.index, dtype=object)
