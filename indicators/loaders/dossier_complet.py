"""Load INSEE's *Dossier complet* (one row per commune, about 1,900 variables) and its dictionary.

The national file ``dossier_complet.csv`` and its dictionary ``meta_dossier_complet.csv``
(``COD_VAR;LIB_VAR;LIB_VAR_LONG;COD_MOD;LIB_MOD;TYPE_VAR;LONG_VAR;THEME;SOURCE``) have the
layout read here; an extract re-saved by a spreadsheet or pandas (``,``-separated, decimal
point, Filosofi cells quoted with a decimal comma) reads the same way.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from indicators.loaders.base import LoadError, LoadResult
from indicators.loaders.insee_csv import decode, load_insee_csv, read_bytes, read_rows
from indicators.vintage import resolve_columns

DICTIONARY_COLUMNS = {"COD_VAR": "variable", "LIB_VAR": "label", "LIB_VAR_LONG": "label_long",
                      "THEME": "theme", "SOURCE": "source", "TYPE_VAR": "type"}


def read_dictionary(path: str | Path) -> pd.DataFrame:
    """Read the *Dossier complet* dictionary: one row per variable.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``variable``, with ``label``, ``label_long``, ``theme``, ``source`` and
        ``type`` (``NUM`` or ``CHAR``). The rows listing the modalities of ``CODGEO`` (the
        commune names) are left out, and so is ``CODGEO`` itself.
    """
    file = str(path)
    text, _ = decode(*read_bytes(path))
    rows = read_rows(text, file, sep=";")
    missing = [c for c in DICTIONARY_COLUMNS if c not in rows.header]
    if missing:
        raise LoadError(file, "dictionary column not found", row=1, column=missing[0])
    meta = rows.frame()[list(DICTIONARY_COLUMNS)].rename(columns=DICTIONARY_COLUMNS)
    meta = meta[meta["variable"] != "CODGEO"].drop_duplicates("variable")
    return meta.set_index("variable").astype(str)


def variables_of_theme(dictionary: pd.DataFrame, theme: str) -> list[str]:
    """Variables of one theme of the dictionary (exact theme label).

    Raises
    ------
    ValueError
        For an unknown theme, listing the valid ones.
    """
    themes = sorted(dictionary["theme"].unique())
    if theme not in themes:
        raise ValueError(f"unknown theme {theme!r}; valid: {themes}")
    return dictionary.index[dictionary["theme"] == theme].tolist()


def load_dossier_complet(path: str | Path, variables: Sequence[str] | None = None, *,
                         dictionary: pd.DataFrame | None = None, year: int | None = None,
                         max_bytes: int | None = None) -> LoadResult:
    """Load selected variables of the *Dossier complet* (commune level).

    Parameters
    ----------
    path
        The data file (national or an extract), or the zip INSEE distributes.
    variables
        Variables to keep (default: all, about 1,900 columns: slow on the national file).
    dictionary
        From :func:`read_dictionary`; when given, unknown variables are refused and data
        columns absent from the dictionary are noted.
    year
        The census year expected; variables may hold placeholders (``P{yy}_POP``) and the
        file must declare that year (see :func:`~indicators.loaders.insee_csv.load_insee_csv`).
    max_bytes
        Size bound (default :data:`~indicators.loaders.base.MAX_FILE_BYTES`; the national
        file is about 350 MB).

    Returns
    -------
    LoadResult
        ``code``, ``arm`` (municipal arrondissement), then one float column per variable
        (NaN where blank or secret ``s``).
    """
    if dictionary is not None and variables is not None:
        names = resolve_columns(variables, year).values()
        unknown = [v for v in names if v not in dictionary.index]
        if unknown:
            close = difflib.get_close_matches(unknown[0], dictionary.index, n=3)
            raise LoadError(path, "variable not in the dictionary"
                            + (f" (close: {close})" if close else ""), column=unknown[0])
    result = load_insee_csv(path, columns=variables, year=year, text_columns=(),
                            level="commune", detect_text=False, max_bytes=max_bytes)
    if dictionary is not None:
        undocumented = [c for c in result.table.columns[2:] if c not in dictionary.index]
        if undocumented:
            result.notes.append(f"columns not in the dictionary: {undocumented}")
    return result
