"""What the app, the sheet and the method page show of the Grand Débat (library side).

Map classes and legend (:mod:`atlas.perception.share_classes`), the région table, findings,
a région's figures beside France's, the source's documentation and where it is offered.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tiers import needs_geometry

import french
from atlas.perception import share_classes
from atlas.perception.compare import BLIND_SPOT, OVER_PERCEIVED
from atlas.perception.grand_debat import (
    coverage,
    documentation,
    findings,
    open_answers,
    region_table,
    regional,
    snapshot,
    wording,
)
from atlas.perception.grand_debat.questions import CLOSED, LEFT_OUT, OPEN, closed_question
from atlas.perception.grand_debat.shares import ACTOR_CHOICES, closed_shares, keyword_profile
from indicators.domains import DOMAIN_BY_ID

Q11 = closed_question("transition:Q11")


def plain(text: str) -> str:
    return text.replace(french.NNBSP, " ").replace(french.NBSP, " ")


# --- where the Grand Débat is offered -------------------------------------------------

def test_covered_domains_are_those_of_the_declared_questions():
    named = {d for q in CLOSED for d in q.domains}
    assert set(coverage.covered_domains()) == named
    for domain in DOMAIN_BY_ID:
        assert (coverage.unavailable(domain, "region") is None) == (domain in named)
        assert coverage.unavailable(domain, "departement") is not None  # régions only
    assert DOMAIN_BY_ID["housing"].label in coverage.unavailable("housing", "region")
    with pytest.raises(ValueError, match="unknown domain"):
        coverage.unavailable("nope", "region")


# --- map classes and legend -------------------------------------------------------------

@pytest.mark.parametrize("actor", ACTOR_CHOICES)
@pytest.mark.parametrize("question", CLOSED, ids=lambda q: q.id)
def test_each_region_lands_in_the_class_its_legend_names(question, actor):
    shares = closed_shares(snapshot.load(), question, actor)
    drawn = share_classes.share_map(shares, question, actor)
    rows = shares.set_index("region")
    assert len(drawn.labels) == len(drawn.colours) <= share_classes.MAX_CLASSES
    # suppressed régions have no class (hatched), every other one has one
    assert drawn.cls.isna().equals(rows["share"].isna())
    counts = drawn.cls.value_counts()
    for i, label in enumerate(drawn.labels):
        n = int(label.rsplit("(", 1)[1].split()[0])
        assert n == counts.get(i, 0) > 0  # the count written is the count drawn
    cuts = share_classes.share_cuts(rows["share"])
    for share, cls in zip(rows["share"], drawn.cls, strict=True):
        if pd.isna(share):
            continue
        if cls > 0:
            assert share >= cuts[cls - 1]
        if cls < len(cuts):
            assert share < cuts[cls]
    assert "Attention" in drawn.note and wording.CAVEAT in drawn.note
    assert wording.answer_text(question.fragile_answer) in drawn.title


def test_tooltip_gives_share_interval_and_counts():
    shares = closed_shares(snapshot.load(), Q11)
    tip = plain(share_classes.share_map(shares, Q11, "tous").tips["53"])
    name, figure, counts = tip.split("\n")
    assert name == "Bretagne"
    assert figure.startswith("49,7 % [48,4 % ; 50,9 %]") and "« non »" in figure
    assert counts.startswith("3 012 sur 6 062 réponses ; 8 084 contributeurs")


def test_a_suppressed_region_says_why_instead_of_a_share():
    shares = closed_shares(snapshot.load(), Q11, "entreprise")
    suppressed = shares[shares["status"] == "supprimé"]
    assert len(suppressed)  # some régions have fewer than 10 answers from companies
    drawn = share_classes.share_map(shares, Q11, "entreprise")
    for code in suppressed["region"]:
        assert pd.isna(drawn.cls[code])
        assert f"{french.MISSING} : données insuffisantes" in drawn.tips[code]


# --- a région's figures beside France's -------------------------------------------------

def test_regional_figures_are_the_shares_of_the_region_and_of_france():
    figures = regional.regional_figures("53", own=False)
    table = figures.table.set_index("question")
    assert list(table.index) == [q.id for q in CLOSED]
    assert (table.loc["transition:Q11", "fragile"], table.loc["transition:Q11", "answered"]) \
        == (3012, 6062)
    france = closed_shares(snapshot.load(), Q11, level="france").iloc[0]
    assert table.loc["transition:Q11", "france_share"] == france["share"]
    rows = regional.figure_rows(figures)
    assert "Valeur de sa région (Bretagne)" in rows.columns
    assert plain(rows.iloc[1]["Valeur de sa région (Bretagne)"]) == "49,7 % [48,4 % ; 50,9 %]"
    assert "valeur de sa région (Bretagne)" in regional.heading(figures)
    assert regional.scope_note(figures) and not regional.scope_note(
        regional.regional_figures("53"))


def test_a_suppressed_share_stays_missing_never_zero():
    rows = regional.figure_rows(regional.regional_figures("06"))  # Mayotte
    q176 = rows.iloc[[q.id for q in CLOSED].index("organisation:Q176")]
    assert q176["Mayotte"] == french.MISSING
    assert q176["Estimation"].startswith("données insuffisantes")
    with pytest.raises(ValueError, match="unknown région"):
        regional.regional_figures("99")


# --- documentation ------------------------------------------------------------------------

def test_documentation_gives_every_rationale_left_out_question_and_lexicon_word():
    text = "\n".join(documentation.pairing_paragraphs())
    for question in (*CLOSED, *OPEN):
        assert question.rationale in text
    assert len(documentation.left_out_table()) == len(LEFT_OUT)
    words = ", ".join(documentation.lexicon_table()["Mots rattachés"])
    assert "medecins" in words and "internet" in words
    files = documentation.files_table()
    assert len(files) == 4 and files["SHA-256"].str.fullmatch("[0-9a-f]{64}").all()


def test_national_check_is_the_published_figure():
    text = plain(documentation.national_check())
    assert "95 669 contributeurs sur 153 809" in text and "62,2 %" in text
    assert "export du 21 mars 2019" in documentation.vintage()


def test_open_answers_are_lower_bounds():
    profile = keyword_profile(snapshot.load(), OPEN[0])
    rows = open_answers.region_keywords(profile, "53")
    assert rows["Domaine"].iloc[0] == DOMAIN_BY_ID["mobility"].label
    assert plain(rows["Mots comptés"].iloc[0]) == "354"
    assert "Minorants" in open_answers.coverage_note(profile, "53")


# --- comparison: table, correlations, disagreements ---------------------------------------

@pytest.fixture(scope="module")
def comparison():
    from atlas.perception.grand_debat.comparison import compare_regions

    return compare_regions()


@needs_geometry
def test_region_table_sorts_as_numbers_and_writes_french(comparison):
    shares = closed_shares(snapshot.load(), Q11)
    table = region_table.region_table(comparison, shares, Q11.id, "mobility")
    assert len(table) == 18 and table.index.is_unique
    assert table["share"].is_monotonic_decreasing  # highest share first
    assert (table.loc["53", "fragile"], table.loc["53", "answered"]) == (3012, 6062)
    written = {c: f(table.loc["53", c]) for c, f in region_table.formats(table).items()}
    assert plain(written["share"]) == "49,7 %" and plain(written["answered"]) == "6 062"
    assert {"indicator:car_commute_share",
            "indicator:public_transport_commute_share"} <= set(table.columns)
    labels = region_table.labels(table, Q11.id, "Mobilité")
    assert set(table.columns) <= set(labels)
    with pytest.raises(ValueError, match="not compared"):
        region_table.region_table(comparison, shares, Q11.id, "health")


@needs_geometry
def test_correlations_are_written_with_interval_and_n(comparison):
    lines = findings.correlation_lines(comparison, Q11.id, "mobility", "Mobilité")
    rows = comparison.correlations[(comparison.correlations["question"] == Q11.id)]
    assert len(lines) == rows["against"].nunique() == 3
    domain = rows[(rows["against"] == "domain") & (rows["scope"] == "metropole")].iloc[0]
    assert f"ρ = {french.number(domain['spearman'], 2)}" in lines[0]
    assert "13 régions métropolitaines" in lines[0] and "n = 13" in lines[0]


@needs_geometry
def test_disagreements_are_the_blind_spots_and_over_perceptions(comparison):
    found = findings.disagreements(comparison, "organisation:Q204", "digital")
    rows = comparison.table[(comparison.table["question"] == "organisation:Q204")
                            & (comparison.table["domain"] == "digital")]
    expected = rows[rows["category"].isin([BLIND_SPOT, OVER_PERCEIVED])]
    assert set(found["region"]) == set(expected["region"]) and len(found)
    assert np.all(np.diff(found["disagreement"].abs().to_numpy()) <= 0)
    for name, category, text in zip(found["region_name"], found["category"], found["text"],
                                    strict=True):
        assert text.startswith(f"{name} — {category}")
