"""Self-assessment of an elected official: their ranking of the 16 domains against the facts.

An official ranks the domains of their territory by priority. Their ranking is set beside
the territory's objective profile (its *standing* in each domain, 1 = the most fragile of
France, see :func:`~atlas.perception.compare.objective_profile`) and what the citizens of
their région perceive (:func:`~atlas.perception.compare.perceived_profile`), and two lists
are drawn:

- **angles morts possibles**: domains where the territory is objectively fragile (standing at
  least :data:`~atlas.perception.compare.FRAGILE_STANDING`) that the official did not put
  in their first :data:`TOP` ;
- **priorités peu fragiles**: domains in the official's first :data:`TOP` where the
  territory is objectively not fragile (standing at most
  :data:`~atlas.perception.compare.SOLID_STANDING`).

Nothing here stores anything: the page keeps the ranking in the user's session only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from atlas.perception.compare import FRAGILE_STANDING, SOLID_STANDING
from french.spreadsheet_cells import LINE_TERMINATOR, escape_formulas
from indicators.domains import DOMAIN_BY_ID, DOMAINS

TOP = 5
"""How many of the official's first priorities count as "top"."""
MIN_RANKED = 3
"""Fewest domains an official must rank."""
BLIND_SPOT, NOT_FRAGILE = "angle mort possible", "priorité peu fragile"

COLUMNS = {"domain": "Domaine", "official_position": "Votre rang",
           "standing": "Position objective (1 = le plus fragile de France)",
           "objective_rank": "Rang objectif", "score": "Score perçu par les citoyens",
           "ci_low": "Intervalle bas", "ci_high": "Intervalle haut",
           "perceived_rank": "Rang perçu par les citoyens",
           "n_effective": "Effectif efficace (citoyens)", "finding": "Constat"}
"""Columns of the comparison table (and of its CSV), with their French headers."""


RANK_CHARS = 3
"""Longest rank typed that is read (« 16 » has two characters)."""


def read_ranks(texts: Mapping[str, str | None], quote=repr
               ) -> tuple[dict[str, int | None], list[str]]:
    """Ranks typed by an official, read strictly, with a French message for each wrong one.

    An empty field is a domain not ranked; a rank is a whole number from 1 to 16, written
    with digits only (« 2,5 », « 2.0 », « deux » and « 17 » are refused, never changed).
    ``quote`` shows a typed text inside a message (the app escapes it for Markdown).

    >>> ranks, errors = read_ranks({"health": " 1 ", "housing": "", "poverty": "2,5"})
    >>> ranks
    {'health': 1, 'housing': None, 'poverty': None}
    >>> errors
    ["« Pauvreté / exclusion » : '2,5' n'est pas un rang ; écrivez un nombre entier de 1 à 16."]
    """  # noqa: E501
    ranks: dict[str, int | None] = {}
    errors = []
    for domain, text in texts.items():
        typed = (text or "").strip()
        ranks[domain] = None
        if not typed:
            continue
        label = DOMAIN_BY_ID[domain].label if domain in DOMAIN_BY_ID else domain
        value = int(typed) if typed.isascii() and typed.isdigit() and len(typed) <= RANK_CHARS \
            else None
        if value is None or not 1 <= value <= len(DOMAINS):
            errors.append(f"« {label} » : {quote(typed[:12])} n'est pas un rang ; écrivez un "
                          f"nombre entier de 1 à {len(DOMAINS)}.")
            continue
        ranks[domain] = value
    return ranks, errors


def ranking_errors(ranks: Mapping[str, int | None], minimum: int = MIN_RANKED) -> list[str]:
    """French messages explaining why a ranking is invalid (empty when it is valid).

    ``ranks`` maps domain ids to a rank (1 = first priority) or ``None`` (not ranked).

    >>> ranking_errors({"health": 1, "housing": 1, "poverty": 2})
    ['Le rang 1 est donné à plusieurs domaines (Santé, Mal-logement) : chaque rang ne doit servir qu’une fois.']
    >>> ranking_errors({"health": 1})
    ['Classez au moins 3 domaines (1 classé pour l’instant).']
    """  # noqa: E501
    unknown = sorted(set(ranks) - set(DOMAIN_BY_ID))
    if unknown:
        return [f"Domaines inconnus : {', '.join(unknown)}."]
    given = {d: r for d, r in ranks.items() if r is not None and not pd.isna(r)}
    errors = []
    outside = [DOMAIN_BY_ID[d].label for d, r in given.items()
               if r != int(r) or not 1 <= r <= len(DOMAINS)]
    if outside:
        errors.append(f"Les rangs vont de 1 à {len(DOMAINS)} (nombres entiers) : à corriger "
                      f"pour {', '.join(outside)}.")
    by_rank: dict[int, list[str]] = {}
    for d, r in given.items():
        by_rank.setdefault(int(r), []).append(DOMAIN_BY_ID[d].label)
    for r, labels in sorted(by_rank.items()):
        if len(labels) > 1:
            errors.append(f"Le rang {r} est donné à plusieurs domaines ({', '.join(labels)}) : "
                          "chaque rang ne doit servir qu’une fois.")
    if len(given) < minimum:
        errors.append(f"Classez au moins {minimum} domaines ({len(given)} classé"
                      f"{'s' if len(given) > 1 else ''} pour l’instant).")
    return errors


def positions(ranks: Mapping[str, int | None]) -> pd.Series:
    """Position 1..k of each ranked domain in the official's order (gaps in ranks closed).

    >>> positions({"health": 2, "housing": 7, "poverty": None}).to_dict()
    {'health': 1, 'housing': 2}
    """
    given = pd.Series({d: r for d, r in ranks.items() if r is not None and not pd.isna(r)},
                      dtype="float64")
    return given.rank(method="first").astype("int64").sort_values()


@dataclass(frozen=True)
class Diagnosis:
    """The comparison of one official's ranking with the facts and with the citizens."""

    table: pd.DataFrame
    """One row per domain, columns of :data:`COLUMNS` (ids, not French headers)."""
    blind_spots: tuple[str, ...]
    """Domain ids objectively fragile that the official did not put in their top."""
    not_fragile: tuple[str, ...]
    """Domain ids in the official's top where the territory is objectively not fragile."""


def diagnose(ranks: Mapping[str, int | None], objective: pd.DataFrame,
             perceived: pd.DataFrame | None = None, top: int = TOP) -> Diagnosis:
    """Set an official's ranking beside the objective profile and the citizens' perception.

    Parameters
    ----------
    ranks
        Domain id → rank (a valid ranking, see :func:`ranking_errors`).
    objective
        ``domain``, ``standing`` and ``objective_rank`` of the territory (one row per domain).
    perceived
        ``domain``, ``score``, ``ci_low``, ``ci_high``, ``perceived_rank``, ``n_effective``
        of the citizens of the région, or ``None``.
    top
        How many first priorities count as the official's top.

    Raises
    ------
    ValueError
        If the ranking is invalid (the message lists the problems).
    """
    errors = ranking_errors(ranks)
    if errors:
        raise ValueError(" ".join(errors))
    position = positions(ranks)
    table = pd.DataFrame({"domain": [d.id for d in DOMAINS]})
    table["official_position"] = table["domain"].map(position).astype("Int64")
    table = table.merge(objective[["domain", "standing", "objective_rank"]], on="domain",
                        how="left")
    perceived_columns = ["score", "ci_low", "ci_high", "perceived_rank", "n_effective"]
    if perceived is not None:
        table = table.merge(perceived[["domain", *perceived_columns]], on="domain",
                            how="left")
    else:
        table[perceived_columns] = float("nan")
    in_top = table["official_position"].le(top).fillna(False).astype(bool)
    blind = (table["standing"] >= FRAGILE_STANDING) & ~in_top
    solid = (table["standing"] <= SOLID_STANDING) & in_top
    table["finding"] = ""
    table.loc[blind, "finding"] = BLIND_SPOT
    table.loc[solid, "finding"] = NOT_FRAGILE
    for column in ("objective_rank", "perceived_rank"):
        table[column] = table[column].round().astype("Int64")
    table = table.sort_values(["official_position", "objective_rank"], na_position="last",
                              ignore_index=True)
    blind_spots = table[table["finding"] == BLIND_SPOT].sort_values("standing",
                                                                     ascending=False)
    return Diagnosis(table[list(COLUMNS)], tuple(blind_spots["domain"]),
                     tuple(table.loc[table["finding"] == NOT_FRAGILE, "domain"]))


def to_csv(diagnosis: Diagnosis, territory: str, simulated: bool, source: str = "") -> bytes:
    """The comparison as a CSV for Excel: UTF-8 with BOM, ``;`` separator, decimal comma.

    Domains carry their French labels; a column says where the citizens' data come from
    (« données simulées à titre d'illustration » for the simulated sample). Text cells that
    a spreadsheet would run as a formula are escaped
    (:func:`french.spreadsheet_cells.escape_formulas`).
    """
    from atlas.perception.survey.model import SIMULATED_LABEL

    out = diagnosis.table.assign(domain=diagnosis.table["domain"].map(
        lambda d: DOMAIN_BY_ID[d].label))
    out.insert(0, "Territoire", territory)
    out["Perception des citoyens"] = SIMULATED_LABEL if simulated else source
    out = escape_formulas(out.rename(columns=COLUMNS))
    return out.to_csv(sep=";", decimal=",", index=False, float_format="%.3f",
                      lineterminator=LINE_TERMINATOR).encode("utf-8-sig")
