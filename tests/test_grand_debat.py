"""The Grand Débat source: loader, committed snapshot, shares, lexicon and questions.

Most tests read the committed extract of ``tests/data/grand_debat`` (verbatim rows of the
real files, see its README) and recompute the figures by hand from its rows; the
real-data tests read ``../shared/data`` as the others do.
"""

from __future__ import annotations

import csv
import json
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tiers import examples, needs_data, needs_geometry

from atlas.cli.main import main
from atlas.perception.grand_debat import lexicon, questions, reading, shares, snapshot
from atlas.perception.grand_debat.comparison import spearman_interval
from indicators.loaders.base import LoadError
from indicators.snapshot import snapshot_catalogue

EXTRACT = Path(__file__).parent / "data" / "grand_debat"
COLUMNS = ("mois,region,authorType,depts,participants,refs,question,oui,non,vide,mots-cles,"
           "occurrences,type,link")


@pytest.fixture(scope="module")
def extract():
    contributions, report = reading.read_contributions(EXTRACT)
    return contributions, report


def rows_of(name: str) -> list[dict]:
    with (EXTRACT / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def by_hand(name: str, region: str, question: str, answer: str) -> tuple[int, int]:
    """Fragile answers and answers (oui + non) of one région and question, from the rows."""
    rows = [r for r in rows_of(name) if r["region"] == region and r["question"] == question]
    assert rows, (region, question)
    return (sum(int(r[answer]) for r in rows),
            sum(int(r["oui"]) + int(r["non"]) for r in rows))


# --- reading the files as distributed -------------------------------------------------------

def test_extract_is_read_with_its_bom_and_every_row_accounted_for(extract):
    contributions, report = extract
    assert {f["encoding"] for f in report.files} == {"UTF-8 with BOM"}
    assert sum(f["rows"] for f in report.files) == sum(
        len(rows_of(f"{q}_21mars.csv")) for q in reading.QUESTIONNAIRES)
    assert report.rejected == []
    # NA and Polynésie are kept apart, with their contributors, not dropped silently.
    na = [r for r in rows_of("transition_21mars.csv") if r["region"] == "NA"]
    assert report.outside["NA"]["transition"] == sum(int(r["participants"]) for r in na)
    assert set(report.outside) == {"NA", "Polynésie"}
    # the choice question (type sp) and the empty word (=1) are counted, not lost
    assert sum(report.choice_rows.values()) == 1
    assert sum(report.empty_words.values()) == 1
    closed = contributions.closed
    assert closed.loc[closed["region_name"] == "NA", "region"].isna().all()
    assert set(closed["region"].dropna()) == {"53", "94"}  # Bretagne, Corse


def test_region_names_as_published_match_insee_codes():
    codes = reading.region_codes()
    published = {"Grand-Est": "44", "Ile-de-France": "11", "Pays-de-la-Loire": "52",
                 "Corse": "94", "La Réunion": "04", "Provence-Alpes-Côte d'Azur": "93"}
    assert {n: codes[reading.search_key(n)] for n in published} == published
    assert len(codes) == 18


def test_months_are_summed_and_author_types_kept(extract):
    closed = extract[0].closed
    corse = closed[(closed["region"] == "94") & (closed["question"] == "Q3")]
    assert set(corse["actor"]) <= set(reading.ACTOR_LABELS)
    raw = [r for r in rows_of("transition_21mars.csv")
           if r["region"] == "Corse" and r["question"] == "Q3"]
    assert len(corse) == len({r["authorType"] for r in raw}) < len(raw)
    assert corse["contributors"].sum() == sum(int(r["participants"]) for r in raw)


@pytest.mark.parametrize(("region", "code"), [("Bretagne", "53"), ("Corse", "94")])
@pytest.mark.parametrize(("question", "answer"), [("Q3", "oui"), ("Q11", "non")])
def test_regional_shares_recomputed_from_the_rows(extract, region, code, question, answer):
    fragile, answered = by_hand("transition_21mars.csv", region, question, answer)
    table = shares.closed_shares(extract[0], questions.closed_question(f"transition:{question}"))
    row = table.set_index("region").loc[code]
    assert (row["fragile"], row["answered"]) == (fragile, answered)
    assert row["share"] == pytest.approx(fragile / answered, abs=1e-12)
    assert row["ci_low"] < row["share"] < row["ci_high"]


def test_bretagne_has_the_real_files_share():
    """Every Q11 row of Bretagne is in the extract: its share is the real one, 3,012 / 6,062."""
    contributions, _ = reading.read_contributions(EXTRACT)
    table = shares.closed_shares(contributions, questions.closed_question("transition:Q11"))
    bretagne = table.set_index("region").loc["53"]
    assert (bretagne["fragile"], bretagne["answered"]) == (3012, 6062)
    assert bretagne["region_name"] == "Bretagne"


def test_france_counts_every_contribution_outside_regions_included(extract):
    contributions = extract[0]
    question = questions.closed_question("transition:Q3")
    france = shares.closed_shares(contributions, question, level="france").iloc[0]
    rows = [r for r in rows_of("transition_21mars.csv") if r["question"] == "Q3"]
    assert france["contributors"] == sum(int(r["participants"]) for r in rows)
    regions = shares.closed_shares(contributions, question)
    assert france["contributors"] > regions["contributors"].sum()


def test_author_type_and_suppression(extract):
    question = questions.closed_question("organisation:Q204")
    one = shares.closed_shares(extract[0], question, actor="elu")
    corse = one.set_index("region").loc["94"]
    assert corse["answered"] < 10
    assert corse["status"] == "supprimé" and np.isnan(corse["share"])
    assert "supprimée" in corse["reason"]
    with pytest.raises(ValueError, match="unknown author type 'maire'"):
        shares.closed_shares(extract[0], question, actor="maire")
    with pytest.raises(ValueError, match="only the région of a contribution"):
        shares.closed_shares(extract[0], question, level="communes")


def test_keyword_profile_counts_lexicon_words(extract):
    profile = shares.keyword_profile(extract[0], questions.OPEN[0])
    corse = profile[profile["region"] == "94"].set_index("domain")
    words = [r for r in rows_of("organisation_21mars.csv")
             if r["region"] == "Corse" and r["question"] == "Q172"]
    expected: dict[str, int] = {}
    total = 0
    for row in words:
        for item in row["mots-cles"].split(","):
            word, count = item.rsplit("=", 1)
            total += int(count)
            domain = lexicon.lexicon().get(lexicon.fold(word))
            if domain:
                expected[domain] = expected.get(domain, 0) + int(count)
    assert corse["count"].to_dict() == expected
    assert corse["all_words"].iloc[0] == total
    assert corse["share"].sum() == pytest.approx(1)
    assert corse.sort_values("rank").index[0] == max(expected, key=expected.get)


# --- broken copies: clear errors naming file, row and column ----------------------------------

def broken_copy(tmp_path: Path, edit) -> Path:
    folder = tmp_path / "gd"
    shutil.copytree(EXTRACT, folder)
    path = folder / "transition_21mars.csv"
    text = path.read_text(encoding="utf-8-sig")
    path.write_text("\ufeff" + edit(text), encoding="utf-8", newline="")
    return folder


def test_missing_column_names_file_and_column(tmp_path):
    folder = broken_copy(tmp_path, lambda t: t.replace("authorType", "auteur", 1))
    with pytest.raises(LoadError, match=r"transition_21mars\.csv.*column 'authorType'"):
        reading.read_contributions(folder)


def test_unknown_region_name_names_file_row_and_column(tmp_path):
    folder = broken_copy(tmp_path, lambda t: t.replace("\njanvier,Corse,", "\njanvier,Korsika,",
                                                       1))
    with pytest.raises(LoadError) as error:
        reading.read_contributions(folder)
    assert error.value.column == "region" and error.value.row > 1
    assert "transition_21mars.csv" in str(error.value) and "'Korsika'" in str(error.value)
    line = (folder / "transition_21mars.csv").read_text(encoding="utf-8-sig").split("\n")
    assert ",Korsika," in line[error.value.row - 1]


def test_negative_count_names_file_row_and_column(tmp_path):
    def negative(text: str) -> str:
        lines = text.split("\n")
        i = next(i for i, line in enumerate(lines) if ",Q3," in line and ",fe," in line)
        fields = next(csv.reader([lines[i]]))
        fields[7] = "-" + fields[7]
        buffer = csv.StringIO()
        csv.writer(buffer, lineterminator="").writerow(fields)
        lines[i] = buffer.getvalue()
        return "\n".join(lines)

    folder = broken_copy(tmp_path, negative)
    with pytest.raises(LoadError, match=r"row \d+, column 'oui': '-\d+' is not a count"):
        reading.read_contributions(folder)


def test_counts_that_do_not_add_up_are_refused(tmp_path):
    folder = broken_copy(tmp_path, lambda t: t.replace(",Q3,", ",Q3,1", 1))
    with pytest.raises(LoadError, match=r"column 'vide': oui \+ non \+ vide"):
        reading.read_contributions(folder)


def test_unknown_author_type_and_missing_file(tmp_path):
    folder = broken_copy(tmp_path, lambda t: t.replace(",Citoyen / Citoyenne,", ",Maire,", 1))
    with pytest.raises(LoadError, match=r"column 'authorType': unknown value 'Maire'"):
        reading.read_contributions(folder)
    (folder / "fiscalite_21mars.csv").unlink()
    with pytest.raises(LoadError, match=r"fiscalite_21mars\.csv: file not found"):
        reading.read_contributions(folder)


def test_file_name_must_say_its_questionnaire(tmp_path):
    path = tmp_path / "answers.csv"
    shutil.copy(EXTRACT / "transition_21mars.csv", path)
    with pytest.raises(ValueError, match="should start with one of democratie"):
        reading.read_questionnaire(path)


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.tuples(st.sampled_from(reading.MONTHS),
                          st.sampled_from(["Bretagne", "Corse", "NA"]),
                          st.sampled_from(sorted(reading.ACTORS)),
                          st.integers(0, 500), st.integers(0, 500), st.integers(0, 500)),
                min_size=1, max_size=12, unique_by=lambda r: r[:3]))
def test_any_published_table_is_summed_exactly(rows):
    lines = [COLUMNS] + [f'{m},{r},"{a}",x=1,{y + n + b},{y + n + b},Q3,{y},{n},{b},no,no,'
                         "fe,solo" for m, r, a, y, n, b in rows]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "transition_prop.csv"
        path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
        closed, _, contributors = reading.read_questionnaire(path)
    assert closed["yes"].sum() == sum(r[3] for r in rows)
    assert closed["no"].sum() == sum(r[4] for r in rows)
    assert contributors["contributors"].sum() == sum(r[3] + r[4] + r[5] for r in rows)
    assert len(closed) == len({(r[1], r[2]) for r in rows})


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=5, max_size=30),
       st.randoms(use_true_random=False))
def test_spearman_interval_is_ordered_and_rank_based(values, rng):
    x = pd.Series(values)
    y = pd.Series(rng.sample(values, len(values)))
    rho, low, high = spearman_interval(x, y)
    if np.isnan(rho):
        assert x.nunique() < 2 or y.nunique() < 2
        return
    assert -1 <= low <= rho <= high <= 1
    # only ranks matter
    assert spearman_interval(x.rank(), y.rank())[0] == pytest.approx(rho)


# --- questions, lexicon, committed snapshot ----------------------------------------------------

def test_declared_questions_exist_and_name_real_indicators():
    table = snapshot.load().questions.set_index(["questionnaire", "question"])
    indicators = {i.id for i in snapshot_catalogue().indicators}
    for question in questions.CLOSED:
        assert table.loc[(question.questionnaire, question.question), "kind"] == "closed"
        assert set(question.indicators) <= indicators, question.id
    for question in questions.OPEN:
        assert table.loc[(question.questionnaire, question.question), "kind"] == "open"
    closed_ids = {q.id for q in questions.CLOSED}
    for left in questions.LEFT_OUT:
        assert f"{left.questionnaire}:{left.question}" not in closed_ids
    with pytest.raises(ValueError, match="unknown Grand Débat question 'transition:Q99'"):
        questions.closed_question("transition:Q99")


def test_lexicon_words_fold_to_one_domain_each():
    table = lexicon.lexicon()
    assert table["medecins"] == "health" and table["pitaux"] == "health"
    assert lexicon.domain_of(pd.Series(["L'école", "Transports", "services"])).tolist() == [
        "education", "mobility", None]


def test_committed_snapshot_says_where_it_comes_from():
    record = snapshot.provenance()
    assert record["national_check"] == {"question": "transition:Q3", "yes": 95_669,
                                        "contributors": 153_809, "share": 0.622}
    assert {f["file"] for f in record["files"]} == {f"{q}_21mars.csv"
                                                    for q in reading.QUESTIONNAIRES}
    assert "non représentatives" in record["caveat"]
    contributions = snapshot.load()
    assert contributions.closed["region"].dropna().nunique() == 18
    q3 = contributions.closed[contributions.closed["question"] == "Q3"]
    assert q3.query("questionnaire == 'transition'")["yes"].sum() == 95_669


# --- real files -----------------------------------------------------------------------------

@needs_data
def test_national_q3_share_is_the_published_one(raw_data):
    contributions, report = reading.read_contributions(
        raw_data / "perception" / "grand_debat_2019")
    yes, total, share = reading.national_share(contributions.closed, "transition", "Q3")
    assert (yes, total) == (95_669, 153_809)
    assert round(share * 100, 1) == 62.2
    assert report.rejected == []


@needs_data
def test_extract_rows_are_rows_of_the_real_files(raw_data):
    folder = raw_data / "perception" / "grand_debat_2019"
    for name in [f"{q}_21mars.csv" for q in reading.QUESTIONNAIRES]:
        real = set((folder / name).read_text(encoding="utf-8-sig").splitlines())
        mine = (EXTRACT / name).read_text(encoding="utf-8-sig").splitlines()
        assert set(mine) <= real, name


@needs_data
def test_committed_snapshot_is_what_the_build_writes(raw_data, tmp_path):
    snapshot.build(raw_data, tmp_path)
    built = snapshot.load(tmp_path)
    committed = snapshot.load()
    for name in snapshot.TABLES:
        pd.testing.assert_frame_equal(getattr(built, name), getattr(committed, name))


# --- command line -------------------------------------------------------------------------------

@needs_geometry
def test_compare_command_prints_regions_and_correlations(capsys):
    assert main(["compare", "--level", "region", "--source", "grand_debat_2019",
                 "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["source"] == "grand_debat_2019" and "non représentatives" in record["caveat"]
    assert len(record["regions"]) == 18
    bretagne = next(r for r in record["regions"] if r["code"] == "53")
    q11 = next(d for d in bretagne["domains"] if d["question"] == "transition:Q11")
    assert q11["perceived_share"] == round(3012 / 6062, 4)
    assert q11["domain"] == "mobility" and 1 <= q11["objective_rank"] <= 18
    closest = {(i["question"], i["indicator"]): i["value"] for i in bretagne["indicators"]}
    assert set(closest) >= {("transition:Q11", "car_commute_share"),
                            ("organisation:Q204", "gp_accessibility")}
    assert 0 < closest[("transition:Q11", "car_commute_share")] <= 100
    pairs = {(c["question"], c["domain"]) for c in record["correlations"]
             if c["against"] == "domain" and c["scope"] == "metropole"}
    assert pairs == {(q.id, d) for q, d in questions.pairs()}
    metro = [c for c in record["correlations"] if c["scope"] == "metropole"]
    assert {c["n"] for c in metro if c["spearman"] is not None} <= set(range(4, 14))


def test_compare_command_refuses_other_levels_and_actors(capsys):
    assert main(["compare", "--level", "departement", "--source", "grand_debat_2019"]) == 2
    assert "only the région of a contribution" in capsys.readouterr().err
    assert main(["compare", "--source", "grand_debat_2019", "--survey", "x.csv"]) == 2
    assert "--survey reads a survey file" in capsys.readouterr().err


@needs_data
def test_perception_build_command_writes_the_snapshot(raw_data, tmp_path, capsys):
    assert main(["perception", "build", "--raw", str(raw_data), "--out", str(tmp_path)]) == 0
    assert "yes 95,669 of 153,809 (62.2%)" in capsys.readouterr().out
    assert main(["perception", "build", "--raw", str(tmp_path / "none")]) == 1
    assert "perception/grand_debat_2019: no Grand Débat folder" in capsys.readouterr().err
