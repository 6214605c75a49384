"""The default method's rank intervals kept on disk: read back identical, keyed by inputs."""

from __future__ import annotations

import pandas as pd

from atlas.index.level_indices import level_inputs
from atlas.index.uncertainty import Variation, simulate
from atlas.reports import stored_intervals
from atlas.reports.territory_profile import rank_intervals


def test_intervals_are_computed_once_then_read_back_identical(tmp_path, geodata_root):
    calls = []

    def compute():
        calls.append(1)
        values, meta, region, national = level_inputs("regions")
        return simulate(values, meta, variation=Variation(n_variants=20, seed=0),
                        region=region, reference=national, dimensions=True)

    first = stored_intervals.stored("regions", 20, 0, compute, tmp_path)
    again = stored_intervals.stored("regions", 20, 0, compute, tmp_path)
    assert calls == [1]
    for part in stored_intervals.PARTS:
        pd.testing.assert_frame_equal(getattr(again, part), getattr(first, part))
    other = stored_intervals.stored("regions", 20, 1, compute, tmp_path)  # another seed
    assert calls == [1, 1] and len(list(tmp_path.iterdir())) == 2
    assert other.rank_low.shape == first.rank_low.shape


def test_the_page_intervals_of_the_default_method_equal_a_fresh_simulation(geodata_root):
    shown = rank_intervals("departements", n_variants=30)
    values, meta, region, national = level_inputs("departements")
    fresh = simulate(values, meta, variation=Variation(n_variants=30, seed=0), region=region,
                     reference=national, dimensions=True)
    pd.testing.assert_frame_equal(shown.rank_high, fresh.rank_high)
