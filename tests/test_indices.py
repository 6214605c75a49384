from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from tiers import needs_geometry

from atlas.index.composite import ALONE_REASON, Method
from atlas.index.level_indices import indicator_meta, level_indices
from atlas.maps import subjects
from atlas.maps.classify import classify
from geodata.hierarchy import parent_of
from indicators import snapshot
from indicators.build import PROVENANCE, snapshot_dir
from indicators.domains import DOMAINS
from indicators.status import Status


def test_meta_follows_the_catalogue():
    meta = indicator_meta()
    assert set(meta["domain"]) == {d.id for d in DOMAINS}
    assert set(meta["direction"]) == {1, -1}


@needs_geometry
@pytest.mark.parametrize("level", ["regions", "departements", "epci", "communes"])
def test_every_level_is_scored_from_its_own_values(level):
    result = level_indices(level)
    own = snapshot.values(level)
    pd.testing.assert_frame_equal(result.values, own[result.values.columns])
    scores = pd.concat([result.domain_scores, result.dimension_scores, result.overall],
                       axis=1)
    assert ((scores >= 0) & (scores <= 1) | scores.isna()).all().all()
    if level == "regions":
        # Guadeloupe, Guyane and Mayotte lack most sources (Filosofi, census IRIS tables,
        # rasters are metropolitan or absent there): no index rather than one made of 1/4
        scored = set(result.overall.dropna().index)
        assert set(parent_of("regions", "regions").index) - scored == {"01", "03", "06"}
        assert result.overall_reason.loc[["01", "03", "06"]].str.contains("dimension").all()
    else:
        assert result.overall.notna().mean() > 0.9


@needs_geometry
def test_a_region_is_scored_from_its_own_values_never_from_its_communes(tmp_path):
    # a snapshot holding only the régions and France: no commune value to average
    for name in ("regions.parquet", "france.parquet", PROVENANCE):
        shutil.copy(snapshot_dir() / name, tmp_path / name)
    alone = level_indices("regions", directory=tmp_path)
    full = level_indices("regions")
    pd.testing.assert_frame_equal(alone.domain_scores, full.domain_scores)
    pd.testing.assert_series_equal(alone.overall, full.overall)
    assert full.overall.notna().sum() == 15  # all but Guadeloupe, Guyane and Mayotte


@needs_geometry
def test_regional_frame_ranks_within_each_region():
    result = level_indices("departements", Method(frame="region"))
    ranks = result.ranks["overall"]
    regions = parent_of("departements", "regions")
    ranked = 0
    for region, group in ranks.dropna().groupby(regions.reindex(ranks.dropna().index)):
        assert group.min() == 1 and group.max() == len(group), region
        ranked += 1
    assert ranked == 13  # the 13 régions of metropolitan France
    # each overseas département is alone in its région: no score, and the reason says so
    overseas = ["971", "972", "973", "974", "976"]
    assert result.overall[overseas].isna().all()
    assert set(result.overall_reason[overseas]) == {ALONE_REASON}
    assert result.ranks.loc[overseas].isna().all().all()


@needs_geometry
def test_every_epci_has_a_region():
    assert snapshot.values("epci").index.isin(parent_of("epci", "regions").index).all()


def test_classes_count_every_present_value_and_leave_missing_missing():
    values = pd.Series([0.1, 0.5, np.nan, 0.9, 0.3, 0.7], index=list("abcdef"))
    classes = classify(values, "quantiles", 5)
    # quintiles of 0.1 ... 0.9 (linear interpolation): one value in each class
    assert classes.bins == pytest.approx((0.26, 0.42, 0.58, 0.74, 0.9))
    assert classes.counts == (1, 1, 1, 1, 1)
    assert classes.cls.drop("c").tolist() == [0, 2, 4, 1, 3]
    assert pd.isna(classes.cls["c"])
    with pytest.raises(ValueError, match="valid schemes"):
        classify(values, "jenks")


@needs_geometry
def test_every_map_choice_has_values_and_sources():
    for choice in subjects.choices():
        if choice.key == subjects.DENSITY:
            continue
        values = subjects.values(choice.key, "departements")
        kind, _, ident = choice.key.partition(":")
        if kind == "indicator" and values.notna().sum() <= 50:
            # a source reaching too few of a département's people (CAF's large communes,
            # the incomplete RNA file): missing for low coverage, never a thin value
            status = snapshot.details("departements").status[ident][values.isna()]
            assert (status == Status.LOW_COVERAGE).mean() > 0.8, choice.key
        else:
            assert values.notna().sum() > 50, choice.key
        for indicator in subjects.indicators_of(choice.key):
            assert indicator.source.vintage in subjects.source_line(indicator)
