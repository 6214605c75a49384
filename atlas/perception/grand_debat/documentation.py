"""The Grand Débat source explained: pairings, questions left out, lexicon, provenance.

Everything here is read from the declared files (``questions.yaml``, ``lexicon.yaml``) and
from the snapshot and its provenance record, and written in French for the « Méthode &
données » page and the « Source et millésime » note of « Objectif vs perçu ».
"""

from __future__ import annotations

import pandas as pd

import french
from atlas.perception.grand_debat import snapshot, wording
from atlas.perception.grand_debat.lexicon import lexicon
from atlas.perception.grand_debat.questions import CLOSED, LEFT_OUT, OPEN, closed_question
from atlas.perception.grand_debat.reading import (
    CAVEAT,
    OUTSIDE_REGIONS,
    QUESTIONNAIRES,
    SOURCE_LABEL,
    Contributions,
)
from atlas.perception.grand_debat.shares import closed_shares
from indicators.domains import DOMAIN_BY_ID
from indicators.snapshot import snapshot_catalogue


def question_text(questionnaire: str, question: str,
                  contributions: Contributions | None = None) -> str:
    """The question as it was asked (from the snapshot), or « non disponible »."""
    questions = (contributions if contributions is not None else snapshot.load()).questions
    found = questions[(questions["questionnaire"] == questionnaire)
                      & (questions["question"] == question)]["text"]
    return str(found.iloc[0]) if len(found) else french.MISSING


def introduction() -> str:
    """What the source is: period, questionnaires and their contributors, the caveat."""
    record = snapshot.provenance()
    questionnaires = " ; ".join(
        f"« {entry['title']} » ({french.integer(entry['contributors'])} contributeurs)"
        for entry in record["questionnaires"].values())
    return (f"Le {SOURCE_LABEL} a recueilli en ligne, {record['period']}, les réponses de "
            f"quatre questionnaires : {questionnaires}. Les réponses ont été publiées en "
            "données ouvertes ; l'atlas lit leur agrégation par région, mois et type "
            f"d'auteur ({record['publisher']}). Ce sont des {CAVEAT} : les contributeurs "
            "ont choisi de répondre, et la part d'une région décrit ses contributeurs, "
            "pas ses habitants. " + wording.SHARE_DEFINITION)


def pairing_paragraphs() -> list[str]:
    """One Markdown paragraph per declared question: answer, domains, rationale.

    The rationale quotes the question as it was asked.
    """
    catalogue = {i.id: i.label for i in snapshot_catalogue().indicators}
    paragraphs = []
    for question in CLOSED:
        domains = ", ".join(DOMAIN_BY_ID[d].label for d in question.domains)
        indicators = (", ".join(catalogue.get(i, i) for i in question.indicators)
                      or "aucun (seul le score du domaine est mis en regard)")
        paragraphs.append(
            f"**{question.short}** ({QUESTIONNAIRES[question.questionnaire]}, "
            f"{question.question}) — réponse lue comme une fragilité : "
            f"{wording.answer_text(question.fragile_answer)} ; domaines : {domains} ; "
            f"indicateurs les plus proches : {indicators}.  \n{question.rationale}")
    for question in OPEN:
        paragraphs.append(
            f"**{question.short}** (question ouverte, "
            f"{QUESTIONNAIRES[question.questionnaire]}, {question.question}) — mots "
            "rattachés aux domaines par le lexique ci-dessous.  \n"
            f"{question.rationale}")
    return paragraphs


def left_out_table() -> pd.DataFrame:
    """Closed questions not read as fragility, with their text and the reason."""
    return pd.DataFrame({
        "Questionnaire": [QUESTIONNAIRES[q.questionnaire] for q in LEFT_OUT],
        "Question": ["toutes" if q.question == "*" else q.question for q in LEFT_OUT],
        "Intitulé": ["" if q.question == "*" else question_text(q.questionnaire, q.question)
                     for q in LEFT_OUT],
        "Pourquoi elle n'est pas retenue": [q.reason for q in LEFT_OUT]})


def lexicon_table() -> pd.DataFrame:
    """Each domain of the lexicon and its words (as folded: no accent, lower case)."""
    words: dict[str, list[str]] = {}
    for word, domain in lexicon().items():
        words.setdefault(domain, []).append(word)
    domains = [d for d in DOMAIN_BY_ID if d in words]
    return pd.DataFrame({"Domaine": [DOMAIN_BY_ID[d].label for d in domains],
                         "Mots rattachés": [", ".join(words[d]) for d in domains],
                         "Nombre de mots": [french.integer(len(words[d])) for d in domains]})


def files_table() -> pd.DataFrame:
    """The raw files the snapshot was built from: rows, contributors, size and SHA-256."""
    files = snapshot.provenance()["files"]
    return pd.DataFrame({
        "Fichier": [f["file"] for f in files],
        "Encodage": [f["encoding"] for f in files],
        "Lignes": [french.integer(f["rows"]) for f in files],
        "Contributeurs": [french.integer(f["contributors"]) for f in files],
        "Octets": [french.integer(f["bytes"]) for f in files],
        "SHA-256": [f["sha256"] for f in files]})


def national_check() -> str:
    """The organisers' national figure the files reproduce, and the atlas's own share."""
    check = snapshot.provenance()["national_check"]
    questionnaire, question = check["question"].split(":")
    yes, total = check["yes"], check["contributors"]
    france = closed_shares(snapshot.load(), closed_question(check["question"]),
                           level="france").iloc[0]
    return (f"Contrôle à l'échelle nationale : à la question « "
            f"{question_text(questionnaire, question)} » ({questionnaire} {question}), "
            f"{french.integer(yes)} contributeurs sur {french.integer(total)} ont répondu "
            f"« oui », soit {french.percent(yes / total, 1)} : le chiffre publié par les "
            "organisateurs, que les fichiers lus redonnent exactement. L'atlas rapporte ses "
            "parts aux seules réponses « oui » et « non », les blancs à part : "
            f"{french.percent(france['share'], 1)} pour la France "
            f"({french.integer(france['fragile'])} sur {french.integer(france['answered'])}).")


def kept_apart() -> str:
    """What reading kept apart: contributions outside the régions, choice rows, words."""
    read = snapshot.provenance()["read"]
    outside = {name: sum(by.values()) for name, by in read["outside_regions"].items()}
    places = " ; ".join(f"{OUTSIDE_REGIONS.get(name, name)} : {french.integer(n)}"
                       for name, n in outside.items())
    choices = sum(read["choice_rows_left_out"].values())
    empty = sum(read["empty_word_counts_left_out"].values())
    rejected = len(read["rejected_rows"])
    return (f"Contributions hors des 18 régions, comptées dans les chiffres de la France "
            f"mais d'aucune région (contributeurs, tous questionnaires) : {places}. Lignes "
            f"de questions à choix écartées : {french.integer(choices)} ; mots vides "
            f"écartés : {french.integer(empty)} ; lignes illisibles : "
            f"{french.integer(rejected)}. Mots des réponses ouvertes : "
            "seuls les dix plus fréquents de chaque ligne publiée (mois × région × type "
            "d'auteur) sont connus, les comptes de mots sont donc des minorants.")


def vintage() -> str:
    """Period, publisher (with the export date) and the date the snapshot was built."""
    record = snapshot.provenance()
    return (f"{SOURCE_LABEL}, contributions de {record['period']}. {record['publisher']}. "
            f"Instantané de l'atlas construit le {french.date(record['built'])}.")
