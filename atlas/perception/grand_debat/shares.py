"""Perceived fragility from the Grand Débat: shares of closed answers, words of open ones.

A closed question's perceived share is the share of its fragile answer among « oui » +
« non » (:func:`closed_shares`), with its 95 % Wilson interval on that number of answers,
the share of blank answers among contributors, and the suppression rules of surveys
(:func:`atlas.perception.survey.estimates.sample_status`: fewer than 10 answers: suppressed;
fewer than 30: fragile). The interval describes the randomness of answers among those who
took part; contributors chose to take part, so it says nothing of how far they are from the
population (:data:`~atlas.perception.grand_debat.reading.CAVEAT`).

An open question's words give each région a profile of the domains it names
(:func:`keyword_profile`): counts of the words the lexicon maps to each domain, a lower
bound since only the ten most frequent words of each published row are known.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from atlas.perception.grand_debat.lexicon import domain_of
from atlas.perception.grand_debat.questions import ClosedQuestion, OpenQuestion
from atlas.perception.grand_debat.reading import ACTOR_LABELS, Contributions
from atlas.perception.survey.estimates import ALL_ACTORS, sample_status, wilson_interval
from geodata import source

LEVELS = ("regions", "france")
ACTOR_CHOICES = (ALL_ACTORS, *ACTOR_LABELS)
"""``tous`` (every contribution, author type given or not) or one author type."""
SHARE_COLUMNS = ("region", "region_name", "actor", "contributors", "answered", "fragile",
                 "share", "ci_low", "ci_high", "blank_share", "status", "reason")
NATIONAL_CODE = "FR"


def closed_shares(contributions: Contributions, question: ClosedQuestion,
                  actor: str = ALL_ACTORS, level: str = "regions") -> pd.DataFrame:
    """Perceived share of ``question``'s fragile answer by région (or for France).

    Parameters
    ----------
    contributions
        The Grand Débat tables (:func:`atlas.perception.grand_debat.snapshot.load`).
    question
        A declared closed question.
    actor
        ``"tous"`` or an author type of :data:`ACTOR_LABELS`.
    level
        ``"regions"`` (the 18 régions; contributions outside them are left out) or
        ``"france"`` (every contribution, as the organisers counted).

    Returns
    -------
    DataFrame
        :data:`SHARE_COLUMNS`, one row per région (``region`` ``"FR"`` for France); a
        suppressed row has no share and no interval.

    Raises
    ------
    ValueError
        An unknown actor or level, or a question absent from the tables.
    """
    rows = _rows(contributions.closed, question.questionnaire, question.question, actor,
                 level)
    key = ["region", "region_name"]
    summed = rows.groupby(key, sort=True)[["contributors", "yes", "no", "blank"]].sum()
    summed = summed.reset_index()
    answered = summed["yes"] + summed["no"]
    fragile = summed[question.column]
    with np.errstate(invalid="ignore", divide="ignore"):
        share = (fragile / answered.where(answered > 0)).astype("float64")
        blank = (summed["blank"] / summed["contributors"].where(summed["contributors"] > 0)
                 ).astype("float64")
    low, high = wilson_interval(share.to_numpy(), answered.to_numpy(dtype="float64"))
    status, reason = sample_status(answered.astype("float64"))
    hidden = status == "supprimé"
    table = pd.DataFrame({
        "region": summed["region"], "region_name": summed["region_name"], "actor": actor,
        "contributors": summed["contributors"].astype("int64"),
        "answered": answered.astype("int64"), "fragile": fragile.astype("int64"),
        "share": share.mask(hidden), "ci_low": pd.Series(low).mask(hidden),
        "ci_high": pd.Series(high).mask(hidden), "blank_share": blank,
        "status": status, "reason": reason})
    return table[list(SHARE_COLUMNS)]


def keyword_profile(contributions: Contributions, question: OpenQuestion,
                    actor: str = ALL_ACTORS, level: str = "regions") -> pd.DataFrame:
    """Words of ``question``'s answers that name each domain, by région.

    Returns
    -------
    DataFrame
        ``region``, ``region_name``, ``domain``, ``count`` (words mapped to the domain),
        ``share`` (of the words mapped to any domain), ``rank`` (1 = the domain named
        most), ``words`` (the words counted, most frequent first), ``mapped_words`` and
        ``all_words`` (every published word of the région, mapped or not).
    """
    rows = _rows(contributions.keywords, question.questionnaire, question.question, actor,
                 level)
    rows = rows.assign(domain=domain_of(rows["word"]))
    totals = rows.groupby(["region", "region_name"], sort=True)["count"].sum()
    mapped = rows[rows["domain"].notna()]
    by_word = (mapped.groupby(["region", "region_name", "domain", "word"], sort=False)
               ["count"].sum().reset_index().sort_values("count", ascending=False,
                                                          kind="stable"))
    words = by_word.groupby(["region", "region_name", "domain"])["word"].agg(
        lambda w: ", ".join(w.head(6)))
    counts = mapped.groupby(["region", "region_name", "domain"], sort=True)["count"].sum()
    table = pd.DataFrame({"count": counts, "words": words}).reset_index()
    mapped_total = table.groupby("region")["count"].transform("sum")
    table["share"] = table["count"] / mapped_total
    table["rank"] = table.groupby("region")["count"].rank(ascending=False, method="min"
                                                          ).astype("int64")
    table["mapped_words"] = mapped_total.astype("int64")
    table["all_words"] = table.set_index(["region", "region_name"]).index.map(
        totals).astype("int64")
    return table.sort_values(["region", "rank", "domain"], ignore_index=True)[
        ["region", "region_name", "domain", "count", "share", "rank", "words",
         "mapped_words", "all_words"]]


def _rows(table: pd.DataFrame, questionnaire: str, question: str, actor: str,
          level: str) -> pd.DataFrame:
    """Rows of one question and actor, with ``region`` set for the level."""
    if actor not in ACTOR_CHOICES:
        raise ValueError(f"unknown author type {actor!r}; valid: {', '.join(ACTOR_CHOICES)}")
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r} for the Grand Débat; valid levels: "
                         f"{', '.join(LEVELS)} (only the région of a contribution is known)")
    rows = table[(table["questionnaire"] == questionnaire) & (table["question"] == question)]
    if rows.empty:
        raise ValueError(f"no answer to {questionnaire} {question} in the Grand Débat tables")
    if actor != ALL_ACTORS:
        rows = rows[rows["actor"] == actor]
    if level == "france":
        return rows.assign(region=NATIONAL_CODE, region_name="France")
    rows = rows[rows["region"].notna()]
    return rows.assign(region_name=rows["region"].map(region_names()))


@cache
def region_names() -> dict[str, str]:
    """INSEE code → the région's name as the atlas writes it (« Île-de-France »)."""
    regions = source.regions()
    return dict(zip(regions["code"], regions["name"], strict=True))
