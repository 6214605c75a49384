"""The catalogue's series (indicators/series.py) and their earlier vintages in the snapshot."""

import copy

import pytest

from indicators import snapshot
from indicators.catalogue import load_catalogue, parse_catalogue
from indicators.series import COMPARABILITY, SeriesError
from indicators.status import Status


def test_series_link_vintages_of_one_indicator():
    catalogue = load_catalogue()
    assert catalogue.history and catalogue.series
    index_ids = {i.id for i in catalogue.indicators}
    assert not index_ids & {i.id for i in catalogue.history}  # never in the indices
    for series in catalogue.series:
        main = catalogue.by_id(series.indicator)
        assert series.indicator in index_ids
        assert series.vintages[-1] == (series.change[1], series.indicator)
        assert series.comparability in COMPARABILITY and series.note
        for _, ident in series.vintages:
            other = catalogue.by_id(ident)
            assert (other.domain, other.unit, other.direction) == (
                main.domain, main.unit, main.direction)
    poverty = catalogue.series_of("poverty_rate_2021")
    assert poverty.before == "poverty_rate_2019" and poverty.comparability == "caution"
    assert catalogue.series_of("no_bac_share") is None


def test_with_history_adds_the_earlier_vintages_once():
    catalogue = load_catalogue()
    full = catalogue.with_history()
    assert len(full.indicators) == len(catalogue.indicators) + len(catalogue.history)
    assert full.with_history() is full
    assert full.with_years({"comparateur_2018": 2018}).includes_history


def _broken(change) -> dict:
    data = copy.deepcopy(load_catalogue().data)
    change(data)
    return data


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["series"][0].update(change=[2022, 2016]), "oldest first"),
    (lambda d: d["series"][0].update(indicator="unemployment_rate_2016"),
     "not an indicator of the indices"),
    (lambda d: d["series"][0]["vintages"].update({2011: "median_income_2019"}),
     "differs in domain"),
    (lambda d: d["series"][0].update(comparability="maybe"), "comparability"),
    (lambda d: d["series"].pop(0), "belongs to no series"),
])
def test_a_malformed_series_is_refused(change, message):
    with pytest.raises(SeriesError, match=message):
        parse_catalogue(_broken(change))


def test_snapshot_holds_every_vintage_with_its_status():
    full = snapshot.snapshot_catalogue().with_history()
    communes = snapshot.details("communes", catalogue=full)
    for series in full.series:
        for _, ident in series.vintages:
            assert communes.value[ident].notna().sum() > 1000, ident
    # Saint-Denis (93066) absorbed Pierrefitte (93059) in 2025: both vintages on 2025 communes
    published = communes.published.loc["93066", "vacancy_rate_2018"]
    summed = 100 * (682.616 + 3004.187) / (11351.974 + 48627.848)
    assert published == pytest.approx(summed, rel=1e-5)
    assert communes.status.loc["93066", "vacancy_rate_2018"] == Status.PUBLISHED
    assert snapshot.provenance()["history_indicators"] == len(full.history)


def test_a_departement_change_is_recomputed_from_its_communes_counts():
    from indicators import history

    full = history.history_catalogue()
    communes = snapshot.level_table("communes", catalogue=full)
    mine = communes[communes["departement"] == "93"]
    rates = {ident: 100 * mine[f"{ident}__num"].sum() / mine[f"{ident}__den"].sum()
             for ident in ("vacancy_rate_2018", "vacancy_rate_2021")}
    change = history.level_change("departements", "vacancy_rate_2021").loc["93"]
    assert change["before"] == pytest.approx(rates["vacancy_rate_2018"], rel=1e-6)
    assert change["change"] == pytest.approx(
        rates["vacancy_rate_2021"] - rates["vacancy_rate_2018"], rel=1e-6)
    # the SSMSI's official 2023 value of the département is never the base of a change
    violence = history.comparable_values("departements", "violence_rate")
    assert set(violence["status"].dropna().unique()) <= {int(Status.COMPUTED),
                                                         int(Status.LOW_COVERAGE)}
    with pytest.raises(ValueError, match="has no series"):
        history.level_change("departements", "no_bac_share")


def test_coverage_counts_the_indicators_with_a_change_per_domain():
    from indicators.domain_coverage import coverage

    result = coverage()
    counts = {d: len(e["series"]) for d, e in result["domains"].items() if e["series"]}
    assert counts == {"security": 3, "employment": 3, "living_standards": 2, "poverty": 4,
                      "housing": 1, "isolation": 1, "diversity_disability": 2, "ageing": 2}
    assert result["total_series"] == sum(counts.values()) == 18


def test_legal_populations_on_2025_communes_and_mayotte_without_a_census():
    from indicators.history import population_history

    # the checks of the raw data's MANIFEST: Paris 2,133,111 / 2,113,705 / 2,103,778
    assert [p["value"] for p in population_history("communes", "75056")] == [
        2133111, 2113705, 2103778]
    assert population_history("communes", "93066")[1] == {"vintage": 2022, "value": 148907}
    # Mayotte carries its 2017 census in every release: no population of those years
    assert all(p["value"] is None for p in population_history("departements", "976"))


def test_margin_kinds_are_those_of_the_change_maths():
    from indicators import change, series

    assert series.MARGINS == change.MARGINS
    margins = {s.indicator: s.margin for s in load_catalogue().series}
    assert margins["violence_rate"] == "poisson" and margins["median_income_2021"] == "none"
    assert margins["unemployment_rate_2022"] == "binomial"
