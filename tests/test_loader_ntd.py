"""NTD tables loader: documented columns, known defects on real extracts, broken files."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from raw_data import RAW as SHARED
from tiers import examples, needs_data

from indicators.loaders.base import LoadError
from indicators.loaders.ntd import CODE_COLUMNS, COLUMNS, FILES, KINDS, TEXT_COLUMNS, load_ntd

RAW = Path(__file__).parent / "data" / "raw"
DATA = SHARED / "observatoire" / "ntd_empreintes"
BPE_HEADER = FILES["bpe_communes.csv"][0]


def extract(name: str) -> Path:
    return RAW / f"ntd_{name}_extract.csv"


def test_every_column_of_every_file_is_documented():
    for name, (header, description) in FILES.items():
        assert description, name
        for column in header.split(","):
            assert column in COLUMNS or column in CODE_COLUMNS + TEXT_COLUMNS, (name, column)
    assert {kind for kind, _ in COLUMNS.values()} <= set(KINDS)


def test_bpe_tripled_counts_are_divided_by_three():
    result = load_ntd(extract("bpe_communes"))
    t = result.table.set_index("code")
    assert t.loc["75056", "sante"] == 28500 and t.loc["01001", "services"] == 15
    assert t.loc["75056", "total"] == 387963 / 3
    assert any(n.startswith("DEFECT REPAIRED: all 92 non-zero counts are multiples of 3")
               and "Paris sante 85,500 -> 28,500" in n for n in result.notes)
    assert result.notes[0].startswith("bpe_communes.csv: BPE 2024")  # known by its header


def test_bpe_counts_not_tripled_are_left_alone(tmp_path):
    path = tmp_path / "bpe.csv"
    rows = [f"{i + 1:05d},,{i + 1},{i + 2},0,1,0,0,0,{2 * i + 4}" for i in range(30)]
    path.write_text(BPE_HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = load_ntd(path)
    assert "counts not all multiples of 3: left as published" in result.notes
    assert result.table["services"].tolist()[:3] == [1, 2, 3]


def test_93066_is_rejected_with_its_evidence():
    reasons = {name: load_ntd(extract(name)).rejected[0].reason
               for name in ("bpe_communes", "dispersion_communes", "associations_communes",
                            "mobilite_communes")}
    assert all(r.startswith("Saint-Denis, merged with Pierrefitte-sur-Seine (93059) on "
                            "1 January 2025") for r in reasons.values())
    assert "libgeo='Pierrefitte-sur-Seine'; pop_insee=88,330" in reasons["dispersion_communes"]
    assert "pop=32,379; 93059 absent" in reasons["associations_communes"]
    assert "93059 (Pierrefitte-sur-Seine) also present" in reasons["mobilite_communes"]
    kept = load_ntd(extract("mobilite_communes"), keep_93066=True)
    assert "93066" in set(kept.table["code"]) and not kept.rejected


def test_dispersion_without_grid():
    result = load_ntd(extract("dispersion_communes"))
    t = result.table.set_index("code")
    assert t.loc["75056"].isna().all()  # zeros of the producer: not zeros
    assert t.loc["97411", "n_ecoles_c108"] == 112 and math.isnan(t.loc["97411", "pop_insee"])
    assert t.loc["01001", "pop_insee"] == 865
    assert list(result.table.columns) == ["code", "n_ecoles_c108", "n_equipements",
                                          "n_carreaux", "pop_insee",
                                          "pct_habitat_zone_ecole_15",
                                          "pct_equipements_zone_ecole_15"]


def test_mobility_paris_lyon_marseille():
    t = load_ntd(extract("mobilite_communes")).table.set_index("code")
    assert math.isnan(t.loc["75056", "part_travail_commune"])
    assert t.loc["75056", "part_tc"] == 61.6
    assert t.loc["01019", "part_travail_commune"] == 0  # a real 0 elsewhere


def test_associations_by_arrondissement_and_secret_blanks():
    result = load_ntd(extract("associations_communes"))
    assert "Paris, Lyon, Marseille: communes [], 3 arrondissements" in result.notes
    assert result.secret_cells["pop"] == 4  # 13201, 69381, 75101, 97617
    filosofi = load_ntd(extract("filosofi_communes"))
    t = filosofi.table.set_index("code")
    assert t.loc["01004", "part_impots"] == -14.8 and math.isnan(t.loc["01001", "decile1"])
    assert filosofi.secret_cells["taux_pauvrete"] == 3


def test_epci_files_reject_pseudo_codes():
    score = load_ntd(extract("score_socle_epci"))
    assert score.level == "epci" and len(score.table) == 3
    assert [(r.row, r.value) for r in score.rejected] == [(3, "EPTPC"), (6, "ZZZZZZZZZ")]
    assert "not an EPCI SIREN" in score.rejected[0].reason
    solar = load_ntd(extract("solaire_epci"))
    assert [(r.value, r.reason) for r in solar.rejected][1] == ("null", "no code")
    assert "holds kW" in COLUMNS["puis_solaire_mw"][1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "table.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_wrong_number_of_fields(tmp_path):
    path = write(tmp_path, "CODGEO,gare_nat,gare_reg,gare_loc,points_gare\n01001,0,1,0,4\n"
                           "01002,0,1,4\n")
    with pytest.raises(LoadError, match="4 fields, the header has 5") as info:
        load_ntd(path)
    assert info.value.row == 3 and str(path) in str(info.value)


def test_negative_count(tmp_path):
    path = write(tmp_path, "CODGEO,gare_nat,gare_reg,gare_loc,points_gare\n01001,0,-1,0,4\n")
    with pytest.raises(LoadError, match="negative count -1") as info:
        load_ntd(path)
    assert (info.value.row, info.value.column) == (2, "gare_reg")


def test_text_in_a_number_column(tmp_path):
    path = write(tmp_path, "CODGEO,revenu_median_2019\n01001,23970.0\n01002,n/a\n")
    with pytest.raises(LoadError, match="not a number: 'n/a'") as info:
        load_ntd(path)
    assert (info.value.row, info.value.column) == (3, "revenu_median_2019")


def test_unknown_key_column_and_unknown_file(tmp_path):
    with pytest.raises(LoadError, match="first column is not a code") as info:
        load_ntd(write(tmp_path, "INSEE,x\n01001,1\n"))
    assert info.value.column == "INSEE"
    result = load_ntd(write(tmp_path, "CODGEO,nouveau\n01001,1\n1002,2\n01001,3\n"))
    assert result.notes[0] == "header of no known NTD file"
    assert "undocumented columns, read as numbers: ['nouveau']" in result.notes
    assert [(r.row, r.reason) for r in result.rejected] == [
        (4, "duplicate code (the first is kept)")]
    assert result.table["code"].tolist() == ["01001", "01002"]  # a lost zero restored


counts = st.lists(st.integers(min_value=0, max_value=10**5), min_size=7, max_size=7)


@settings(max_examples=examples(30), deadline=None)
@given(rows=st.lists(counts, min_size=20, max_size=40))
def test_tripled_counts_come_back_exactly(tmp_path_factory, rows):
    lines = [f"{i + 1:05d},," + ",".join(str(3 * v) for v in row) + f",{3 * sum(row)}"
             for i, row in enumerate(rows)]
    path = tmp_path_factory.mktemp("bpe") / "bpe.csv"
    path.write_text(BPE_HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    table = load_ntd(path).table
    if sum(v > 0 for row in rows for v in row) >= 20:
        assert table["total"].tolist() == [sum(row) for row in rows]
        assert table["services"].tolist() == [row[0] for row in rows]


@needs_data
def test_full_files():
    bpe = load_ntd(DATA / "bpe_communes.csv")
    assert len(bpe.table) == 34870  # 8,482,221 / 3 = 2,827,407 less 93066's 5,963
    assert bpe.table["total"].sum() == 2827407 - 5963
    assert bpe.table.set_index("code").loc["75056", "sante"] == 28500
    commune_files = [n for n in FILES if "_epci" not in n]
    for name in commune_files:
        result = load_ntd(DATA / name)
        assert result.level == "commune" and result.notes[0].startswith(name)
        assert "93066" not in set(result.table["code"])
        assert [r.value for r in result.rejected] == ["93066"]
    for name in (n for n in FILES if "_epci" in n):
        result = load_ntd(DATA / name)
        assert result.level == "epci"
        assert {r.value for r in result.rejected} <= {"EPTPC", "ZZZZZZZZZ", "null"}
    sizes = {n: len(load_ntd(DATA / n).table) for n in ("mobilite_communes.csv",
                                                        "associations_communes.csv",
                                                        "filosofi_communes.csv")}
    assert sizes == {"mobilite_communes.csv": 34823, "associations_communes.csv": 21592,
                     "filosofi_communes.csv": 31211}


@needs_data
def test_double_motorisation_is_not_the_census_share_of_multi_car_households(raw_data):
    """Why ``multi_car_households`` was dropped: checked against the census on 49 communes."""
    from indicators.catalogue import load_catalogue
    from indicators.loaders.dossier_complet import load_dossier_complet

    folder = raw_data / "insee" / "dossier_complet_2024_extract38"
    census = load_dossier_complet(folder / "dossier_complet_grenoble49.csv",
                                  ["P21_RP", "P21_RP_VOIT1P", "P21_RP_VOIT2P"]).table
    ntd = load_ntd(DATA / "mobilite_communes.csv").table
    both = census.merge(ntd, on="code").set_index("code")
    assert len(both) == 49
    column = both["taux_double_motorisation"]
    households = 100 * both["P21_RP_VOIT2P"] / both["P21_RP"]
    car_owners = 100 * both["P21_RP_VOIT2P"] / both["P21_RP_VOIT1P"]
    gap = column - households
    assert round(gap.mean(), 1) == 17.4 and gap.min() > 8  # every commune far above
    assert (column.loc["38151"], round(households.loc["38151"], 1)) == (41.1, 23.4)
    assert column.loc["38472"] == 100.0 and households.loc["38472"] < 63
    assert (column > car_owners).all()  # not the share among car-owning households either
    catalogue = load_catalogue()
    uses = [i.id for i in catalogue.indicators
            if "taux_double_motorisation" in (i.aggregation.value, i.aggregation.numerator)]
    assert uses == []
    assert len(catalogue.in_domain("energy_transition")) >= 2
