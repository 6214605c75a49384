from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from esda.smoothing import Empirical_Bayes
from hypothesis import given, settings
from hypothesis import strategies as st
from tiers import examples

from indicators import snapshot
from indicators.catalogue import CatalogueError, load_catalogue, parse_catalogue
from indicators.smoothing import (
    MIN_DENOMINATOR,
    small_numbers_marks,
    smooth_indicators,
    smooth_rates,
    smoothed_values,
)


def _series(values, name=None):
    return pd.Series(values, index=[f"c{i}" for i in range(len(values))], name=name,
                     dtype=object if name == "group" else np.float64)


@pytest.fixture
def tiny():
    """Three départements: two communes, two communes varying less than noise, one alone;
    plus a missing count and a zero population in the first."""
    events = _series([0, 80, 1, 2, 5, np.nan, 3], "events")
    population = _series([200, 200, 10, 10, 50, 300, 0], "population")
    group = _series(["A", "A", "B", "B", "C", "A", "A"], "group")
    return events, population, group


def test_marshall_by_hand(tiny):
    s = smooth_rates(*tiny, scale=1000)
    # A: m = 80 / 400 = 0.2; rates 0 and 0.4; sum n (r - m)^2 / sum n = (200 * 0.04 * 2) / 400
    # = 0.04; nbar = 200, m / nbar = 0.001; s2 = 0.039; w = 0.039 / (0.039 + 0.2 / 200) = 0.975
    # smoothed: 0.975 * 0 + 0.025 * 0.2 = 0.005 and 0.975 * 0.4 + 0.025 * 0.2 = 0.395
    assert s.raw.iloc[:2].tolist() == pytest.approx([0, 400])
    assert s.weight.iloc[:2].tolist() == pytest.approx([0.975, 0.975])
    assert s.smoothed.iloc[:2].tolist() == pytest.approx([5, 395])
    assert s.prior.iloc[:2].tolist() == pytest.approx([200, 200])
    # B: m = 3 / 20 = 0.15; rates 0.1, 0.2: (10 * 0.0025 * 2) / 20 = 0.0025 < m / nbar =
    # 0.015, so s2 = -0.0125 is set to 0: both communes get the département's rate
    assert s.weight.iloc[2:4].tolist() == [0, 0]
    assert s.smoothed.iloc[2:4].tolist() == pytest.approx([150, 150])
    assert s.groups.loc["B", "raw_variance"] == pytest.approx(-0.0125 * 1000**2)
    assert s.groups.loc["B", "full_shrinkage"] and not s.groups.loc["A", "full_shrinkage"]
    # C: alone; its own rate is its département's
    assert s.smoothed.iloc[4] == pytest.approx(100) and s.raw.iloc[4] == pytest.approx(100)
    # the missing count and the zero population stay missing and stay out of A's prior
    assert s.raw.iloc[5:].isna().all() and s.smoothed.iloc[5:].isna().all()
    assert s.groups.loc["A", "communes"] == 2
    # expected events at the département's rate: 40, 40, 1.5, 1.5, 5 -> « faible effectif »
    # below 20; a missing value is never marked
    assert s.expected_events.iloc[:5].tolist() == pytest.approx([40, 40, 1.5, 1.5, 5])
    assert s.low_count.tolist() == [False, False, True, True, True, False, False]
    assert s.low_count.dtype == bool


def test_agrees_with_esda_and_corrects_its_negative_variance(tiny):
    events, population, group = tiny
    s = smooth_rates(events, population, group)
    a = esda_rates(events[group == "A"].iloc[:2], population[group == "A"].iloc[:2])
    np.testing.assert_allclose(s.smoothed.iloc[:2], a, rtol=1e-12)
    # in B esda keeps s2 = -0.0125: w = -0.0125 / (-0.0125 + 0.015) = -5, and a rate of -0.1
    b = esda_rates(events.iloc[2:4], population.iloc[2:4])
    np.testing.assert_allclose(b, [0.4, -0.1])
    assert s.smoothed.iloc[2:4].tolist() == pytest.approx([0.15, 0.15])


def esda_rates(events: pd.Series, population: pd.Series) -> np.ndarray:
    return Empirical_Bayes(events.to_numpy(), population.to_numpy()).r.ravel()


def test_bad_input_names_rows(tiny):
    events, population, group = tiny
    with pytest.raises(ValueError, match=r"negative events \(column events\) in 1 rows: \['c1'\]"):
        smooth_rates(events.replace(80, -1), population, group, label="x")
    with pytest.raises(ValueError, match=r"infinite population .*\['c4'\]"):
        smooth_rates(events, population.replace(50, np.inf), group)
    with pytest.raises(ValueError, match=r"no group \(département\) for 1 rows: \['c4'\]"):
        smooth_rates(events, population, group.replace("C", None))
    with pytest.raises(ValueError, match="share one index"):
        smooth_rates(events, population.iloc[1:], group)
    with pytest.raises(ValueError, match="scale must be a positive number"):
        smooth_rates(events, population, group, scale=0)
    # a missing group is fine where the rate is missing anyway
    smooth_rates(events, population, group.where(events.notna(), None))


# --- properties --------------------------------------------------------------------------

@st.composite
def communes(draw, max_rows=30):
    n = draw(st.integers(1, max_rows))
    events = draw(st.lists(st.one_of(st.integers(0, 60).map(float), st.just(np.nan),
                                     st.floats(0, 500)), min_size=n, max_size=n))
    population = draw(st.lists(st.one_of(st.integers(1, 5000).map(float), st.just(0.0),
                                         st.just(np.nan), st.floats(0.5, 1e6)),
                               min_size=n, max_size=n))
    group = draw(st.lists(st.sampled_from(["01", "2A", "75"]), min_size=n, max_size=n))
    return _series(events, "events"), _series(population, "population"), \
        _series(group, "group")


@settings(deadline=None)
@given(communes(), st.sampled_from([1.0, 1000.0, 10000.0]))
def test_between_raw_and_prior_weights_in_unit_interval_missing_kept(data, scale):
    events, population, group = data
    s = smooth_rates(events, population, group, scale)
    present = events.notna() & (population > 0)
    for series in (s.raw, s.smoothed, s.weight, s.prior, s.expected_events):
        assert (series.notna() == present).all()
    low = np.minimum(s.raw, s.prior)[present]
    high = np.maximum(s.raw, s.prior)[present]
    assert ((s.smoothed[present] >= low) & (s.smoothed[present] <= high)).all()
    assert ((s.weight[present] >= 0) & (s.weight[present] <= 1)).all()
    assert not s.low_count[~present].any()
    assert (s.low_count[present] == (s.expected_events[present] < 20)).all()


@settings(deadline=None, max_examples=examples(50))
@given(communes())
def test_each_group_on_its_own_and_missing_rows_change_nothing(data):
    events, population, group = data
    together = smooth_rates(events, population, group).to_frame()
    for code in group.unique():
        alone = smooth_rates(events[group == code], population[group == code],
                             group[group == code]).to_frame()
        pd.testing.assert_frame_equal(together[group == code], alone)
    present = (events.notna() & (population > 0)).to_numpy()
    kept = smooth_rates(events[present], population[present], group[present]).to_frame()
    pd.testing.assert_frame_equal(together[present], kept)


@settings(deadline=None)
@given(communes())
def test_agrees_with_esda_wherever_the_prior_variance_is_positive(data):
    events, population, group = data
    s = smooth_rates(events, population, group)
    present = events.notna() & (population > 0)
    for code, row in s.groups.iterrows():
        rows = present & (group == code)
        if row["raw_variance"] > 0:
            np.testing.assert_allclose(s.smoothed[rows], esda_rates(events[rows],
                                                                    population[rows]),
                                       rtol=1e-9)
        else:  # Marshall's correction: the group's rate for all
            assert (s.weight[rows] == 0).all()
            np.testing.assert_allclose(s.smoothed[rows], row["rate"], rtol=1e-12)


@settings(deadline=None, max_examples=examples(50))
@given(communes())
def test_larger_population_keeps_more_of_its_own_rate(data):
    events, population, group = data
    s = smooth_rates(events, population, group).to_frame().assign(n=population, g=group)
    for _, block in s.dropna(subset=["raw"]).groupby("g"):
        ordered = block.sort_values("n")
        assert (np.diff(ordered["weight"].to_numpy()) >= -1e-12).all()


@settings(deadline=None)
@given(communes(), st.floats(1, 1e4))
def test_scale_multiplies_rates_only(data, scale):
    events, population, group = data
    one = smooth_rates(events, population, group).to_frame()
    scaled = smooth_rates(events, population, group, scale).to_frame()
    for column in ("raw", "smoothed", "prior"):
        np.testing.assert_allclose(scaled[column], scale * one[column], rtol=1e-9)
    pd.testing.assert_series_equal(scaled["weight"], one["weight"])
    pd.testing.assert_series_equal(scaled["low_count"], one["low_count"])


# --- the catalogue field -----------------------------------------------------------------

def _catalogue(*entries):
    source = {"producer": "INSEE", "dataset": "d", "vintage": "2021", "licence": "LO",
              "file": "f.csv", "loader": "insee_csv.load_insee_csv", "raw_level": "commune"}
    indicators = []
    for ind_id, method, small in entries:
        aggregation = ({"method": "ratio", "numerator": "a", "denominator": "b",
                        "scale": 1000} if method == "ratio" else
                       {"method": "weighted_mean", "value": "v", "weight": "w"})
        indicator = {"id": ind_id, "label": "X", "description": "d", "domain": "education",
                     "unit": "%", "direction": "higher_is_more_fragile", "source": "s",
                     "aggregation": aggregation}
        if small is not None:
            indicator["small_numbers"] = small
        indicators.append(indicator)
    return parse_catalogue({"sources": {"s": source}, "indicators": indicators})


def test_catalogue_field_parsed_with_default_and_validated():
    catalogue = _catalogue(("x", "ratio", "empirical_bayes"), ("y", "weighted_mean", None),
                           ("z", "weighted_mean", "denominator"))
    assert [i.small_numbers for i in catalogue.indicators] == ["empirical_bayes", "none",
                                                               "denominator"]
    assert catalogue.by_id("x").smoothed and not catalogue.by_id("z").smoothed
    with pytest.raises(CatalogueError, match=r"indicator 'x': small_numbers must be one of "
                                             r"\['none', 'empirical_bayes', 'denominator'\]"):
        _catalogue(("x", "ratio", "bayes"))
    with pytest.raises(CatalogueError, match="'empirical_bayes' needs a ratio aggregation"):
        _catalogue(("x", "weighted_mean", "empirical_bayes"))


def test_package_catalogue_declarations():
    by_kind: dict[str, set[str]] = {}
    for indicator in load_catalogue().indicators:
        by_kind.setdefault(indicator.small_numbers, set()).add(indicator.id)
    assert {"associations_per_1000", "health_facilities_per_1000", "france_services_per_10000",
            "digital_advisers_per_10000", "establishments_per_1000",
            "culture_sport_facilities_per_1000", "cultural_facilities_per_10000"
            } <= by_kind["empirical_bayes"]
    # CAF shares exist only for large communes (split into IRIS): nothing small to smooth
    assert {"aah_per_1000", "rsa_recipients_share", "housing_benefits_share"
            } <= by_kind["denominator"]
    # not rates of events: marked on their own denominator, never smoothed
    assert {"employment_change_2013_2018", "population_change_2013_2018",
            "jobs_per_100_workers", "ageing_index"} <= by_kind["denominator"]


def test_marks_on_a_small_table():
    catalogue = _catalogue(("x", "ratio", "empirical_bayes"), ("y", "weighted_mean", None),
                           ("z", "weighted_mean", "denominator"))
    table = pd.DataFrame({
        "code": ["01001", "01002", "01003", "01004"],
        "departement": ["01"] * 4,
        "x__num": [1.0, 30.0, np.nan, 0.0], "x__den": [10.0, 1000.0, 50.0, 5000.0],
        "y__vw": [1.0, 2.0, 3.0, 4.0], "y__w": [1.0, 1.0, 1.0, 1.0],
        "z__vw": [10.0 * 150, 10.0 * 250, np.nan, 0.0], "z__w": [150.0, 250.0, 20.0, 0.0]})
    marks = small_numbers_marks(table, catalogue)
    assert list(marks.columns) == ["x", "z"] and list(marks.index) == list(table["code"])
    assert all(pd.api.types.is_bool_dtype(t) for t in marks.dtypes)
    # x: rate 31 / 6010; expected 0.05, 5.2, (missing), 25.8 -> below 20 for the first two
    assert marks["x"].tolist() == [True, True, False, False]
    # z: weight 150 < 200 marked, 250 not, a missing value (or zero weight) never
    assert marks["z"].tolist() == [True, False, False, False]
    smoothed = smoothed_values(table, catalogue)
    assert list(smoothed.columns) == ["x"]
    with pytest.raises(ValueError, match=r"x: the commune table lacks columns \['departement'\]"):
        smooth_indicators(table.drop(columns="departement"), catalogue)


# --- the committed snapshot --------------------------------------------------------------

@pytest.fixture(scope="module")
def communes_table():
    return snapshot.level_table("communes")


@pytest.fixture(scope="module")
def smoothed(communes_table):
    return smooth_indicators(communes_table)


def test_real_extremes_come_back_to_their_departement(smoothed):
    facilities = smoothed["culture_sport_facilities_per_1000"].to_frame()
    # 26274: one facility for two inhabitants (one in 2017; populations légales 2023)
    assert facilities.loc["26274", "raw"] >= 500
    assert facilities.loc["26274", "smoothed"] < 20 and facilities.loc["26274", "low_count"]
    services = smoothed["france_services_per_10000"].to_frame()
    # 66157: one site for 23 inhabitants (32 in 2017)
    assert services.loc["66157", "raw"] > 300 and services.loc["66157", "smoothed"] < 20
    # 06100: 690 associations for 233 inhabitants is no Poisson noise, and alone makes the
    # prior variance of its département 50 times larger: smoothing barely moves it, but it
    # is marked (fewer than 5 associations expected)
    associations = smoothed["associations_per_1000"].to_frame()
    assert associations.loc["06100", "smoothed"] > 2000 and associations.loc["06100",
                                                                            "low_count"]


def test_real_large_counts_barely_move_and_esda_agrees(smoothed, communes_table):
    for indicator, s in smoothed.items():
        f = s.to_frame()
        big = f[f["expected_events"] >= 1000]
        moved = (big["smoothed"] - big["raw"]).abs()
        assert (moved <= 0.02 * np.maximum(big["raw"].abs(), big["prior"].abs())).all(), \
            indicator
    table = communes_table.set_index("code")
    s = smoothed["establishments_per_1000"]
    checked = 0
    for code, row in s.groups.iterrows():
        if row["raw_variance"] > 0:
            rows = s.raw.notna() & (table["departement"] == code)
            expected = 1000 * esda_rates(table.loc[rows, "establishments_per_1000__num"],
                                         table.loc[rows, "establishments_per_1000__den"])
            np.testing.assert_allclose(s.smoothed[rows], expected, rtol=1e-9)
            checked += 1
    assert checked > 90


def test_real_marks(communes_table):
    marks = small_numbers_marks(communes_table)
    declared = [i.id for i in load_catalogue().indicators if i.small_numbers != "none"]
    assert list(marks.columns) == declared and len(marks) == 34_875
    # 2B052: employment 1,692 % of 2013 with about one job in 2013
    assert marks.loc["2B052", "employment_change_2013_2018"]
    # 2B356: ageing index 7,000 in a commune of 151 inhabitants
    assert marks.loc["2B356", "ageing_index"]
    # Paris: only its 9 France services sites are too few (RSE 33 %)
    assert marks.columns[marks.loc["75056"]].tolist() == ["france_services_per_10000"]
    table = communes_table.set_index("code")
    values = snapshot.values("communes")
    for indicator in ("ageing_index", "jobs_per_100_workers"):
        weight = table[f"{indicator}__w" if f"{indicator}__w" in table else f"{indicator}__den"]
        assert (marks[indicator] == (values[indicator].notna() & (weight < MIN_DENOMINATOR))).all()


@settings(max_examples=examples(20))
@given(st.integers(1, 5))
def test_single_commune_departement_keeps_its_rate(k):
    s = smooth_rates(_series([3.0 * k]), _series([100.0]), _series(["75"], "group"), 1000)
    assert s.smoothed.iloc[0] == pytest.approx(30 * k) and s.weight.iloc[0] == 0
