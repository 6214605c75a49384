"""Which Grand Débat questions speak of which domain, declared in ``questions.yaml``.

A closed question (:class:`ClosedQuestion`) is read as perceived fragility of one or more
domains: the share of its fragile answer (« non » to « avez-vous accès aux services
publics dont vous avez besoin ? ») among « oui » + « non ». An open question
(:class:`OpenQuestion`) gives, through :mod:`~atlas.perception.grand_debat.lexicon`, the
domains its contributors name. Questions that measure no domain are listed with the reason
(:data:`LEFT_OUT`). Each pairing's rationale is shown on the « Méthode & données » page.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from indicators.domains import DOMAIN_BY_ID

QUESTIONS_FILE = Path(__file__).with_name("questions.yaml")
ANSWERS = {"oui": "yes", "non": "no"}


@dataclass(frozen=True)
class ClosedQuestion:
    """A yes/no question read as perceived fragility of ``domains``.

    Attributes
    ----------
    questionnaire, question
        Where it was asked (``transition``, ``Q11``).
    fragile_answer
        ``"oui"`` or ``"non"``: the answer that signals fragility.
    label
        What the perceived share counts, in French (« N'ont pas d'alternative à la
        voiture… »).
    short
        A few words for a legend or a column.
    domains
        Domain ids it is compared with.
    indicators
        Ids of the atlas indicators closest to the question.
    rationale
        Why this pairing, in French.
    """

    questionnaire: str
    question: str
    fragile_answer: str
    label: str
    short: str
    domains: tuple[str, ...]
    indicators: tuple[str, ...]
    rationale: str

    @property
    def id(self) -> str:
        """``questionnaire:question``, e.g. ``transition:Q11``."""
        return f"{self.questionnaire}:{self.question}"

    @property
    def column(self) -> str:
        """The count column of the fragile answer (``yes`` or ``no``)."""
        return ANSWERS[self.fragile_answer]


@dataclass(frozen=True)
class OpenQuestion:
    """An open question whose published words are mapped to domains."""

    questionnaire: str
    question: str
    short: str
    rationale: str

    @property
    def id(self) -> str:
        """``questionnaire:question``."""
        return f"{self.questionnaire}:{self.question}"


@dataclass(frozen=True)
class LeftOut:
    """A closed question not read as fragility (``question`` ``*``: all of a questionnaire)."""

    questionnaire: str
    question: str
    reason: str


def _load(path: Path) -> tuple[tuple[ClosedQuestion, ...], tuple[OpenQuestion, ...],
                               tuple[LeftOut, ...]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    closed = []
    for entry in data["closed"]:
        question = ClosedQuestion(
            entry["questionnaire"], entry["question"], entry["fragile_answer"],
            entry["label"], entry["short"], tuple(entry["domains"]),
            tuple(entry.get("indicators") or ()), " ".join(entry["rationale"].split()))
        if question.fragile_answer not in ANSWERS:
            raise ValueError(f"{path.name}: {question.id}: fragile_answer must be one of "
                             f"{sorted(ANSWERS)}, not {question.fragile_answer!r}")
        unknown = [d for d in question.domains if d not in DOMAIN_BY_ID]
        if unknown:
            raise ValueError(f"{path.name}: {question.id}: unknown domain(s) {unknown}")
        closed.append(question)
    open_ = [OpenQuestion(e["questionnaire"], e["question"], e["short"],
                          " ".join(e["rationale"].split())) for e in data["open"]]
    left = [LeftOut(e["questionnaire"], e["question"], e["reason"])
            for e in data.get("left_out", ())]
    return tuple(closed), tuple(open_), tuple(left)


CLOSED, OPEN, LEFT_OUT = _load(QUESTIONS_FILE)
"""The declared questions (read once, at import: the file is part of the package)."""


@cache
def closed_question(ident: str) -> ClosedQuestion:
    """The closed question ``questionnaire:question``.

    >>> closed_question("transition:Q11").domains
    ('mobility',)

    Raises
    ------
    ValueError
        If it is not declared.
    """
    for question in CLOSED:
        if question.id == ident:
            return question
    raise ValueError(f"unknown Grand Débat question {ident!r}; declared: "
                     f"{', '.join(q.id for q in CLOSED)}")


def questions_of_domain(domain: str) -> tuple[ClosedQuestion, ...]:
    """The closed questions compared with ``domain`` (none for most domains).

    >>> [q.id for q in questions_of_domain("digital")]
    ['organisation:Q204', 'organisation:Q175', 'organisation:Q176']
    """
    return tuple(q for q in CLOSED if domain in q.domains)


def pairs() -> list[tuple[ClosedQuestion, str]]:
    """Every (question, domain) compared, in the file's order."""
    return [(q, d) for q in CLOSED for d in q.domains]
