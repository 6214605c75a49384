from __future__ import annotations

import json
import subprocess
import sys

import pytest
from tiers import needs_geometry

from atlas.perception import compare, gap
from atlas.perception.survey.simulate import default_sample


@pytest.fixture(scope="module")
def sample(geodata_root):
    return default_sample()


@pytest.fixture(scope="module")
def departements(sample):
    return gap.run(sample, "departement", "citoyen", n_variants=50)


def test_every_departement_of_the_sample_is_compared(departements, sample):
    assert departements.simulated and departements.source == sample.source
    assert set(departements.table["category"]) <= set(compare.CATEGORIES)
    assert len(departements.summary) >= 90
    assert departements.summary["spearman"].dropna().between(-1, 1).all()
    # ranks are within the 16 domains
    assert departements.table["objective_rank"].dropna().between(1, 16).all()
    # about 10 citizens per département: many estimates are suppressed, and say so
    suppressed = departements.table["status"] == "supprimé"
    assert suppressed.any()
    assert (departements.table.loc[suppressed, "category"] == compare.NO_DATA).all()


def test_gap_clusters_with_fdr(departements):
    clusters = gap.gap_clusters(departements, "health", permutations=199)
    assert set(clusters["cluster"]) <= {"HH", "LL", "HL", "LH", "ns"}
    assert (clusters.loc[clusters["cluster"] != "ns", "p_sim"] <= 0.05).all()
    # only départements with enough respondents have a gap; overseas ones have no neighbour
    assert "971" not in clusters.index and len(clusters) >= 20
    assert clusters["gap"].notna().all()


def test_unknown_level_is_refused(sample):
    with pytest.raises(ValueError, match="valid levels"):
        gap.run(sample, "commune")


@needs_geometry
def test_compare_command_prints_the_summary_json():
    out = subprocess.run([sys.executable, "-m", "atlas.cli", "compare", "--level", "region",
                          "--json"], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    assert result["source"] == "simulated"
    assert len(result["territories"]) == 18
    first = result["territories"][0]
    assert set(first) == {"code", "name", "spearman", "blind_spots", "over_perceived",
                          "n_effective"}
    names = {t["name"] for t in result["territories"]}
    assert "Hauts-de-France" in names


def test_the_objective_side_follows_the_method(sample, departements):
    from atlas.index.composite import Method
    from atlas.index.level_indices import level_indices

    regional = Method(frame="region")  # each département against its région's
    other = gap.run(sample, "departement", "citoyen", n_variants=50,
                               method=regional)
    standing = compare.objective_profile(level_indices("departements", regional))
    merged = other.table.merge(standing, on=["territory_code", "domain"],
                               suffixes=("", "_expected"))
    assert merged["objective_rank"].equals(merged["objective_rank_expected"])
    before = departements.table.set_index(["territory_code", "domain"])["objective_rank"]
    after = other.table.set_index(["territory_code", "domain"])["objective_rank"]
    assert (before != after.reindex(before.index)).sum() > 100
