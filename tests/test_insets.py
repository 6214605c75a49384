from __future__ import annotations

import pytest

from geodata import insets


@pytest.mark.parametrize("target", ["web", "static"])
def test_overseas_departements_land_in_their_boxes(departements, target):
    moved = insets.apply_insets(departements, departements["code"], target=target)
    crs = "EPSG:4326" if target == "web" else insets.STATIC_TARGET_CRS
    frames = insets.frames(crs).set_index("departement")
    by_code = moved.set_index(departements["code"])
    for code in ["971", "972", "973", "974", "976"]:
        assert frames.geometry[code].buffer(1e-6).contains(by_code.geometry[code])
    # the metropole does not move
    paris = by_code.geometry["75"].centroid
    if target == "web":
        assert paris.x == pytest.approx(2.34, abs=0.05)
    else:
        assert paris.x == pytest.approx(652_000, abs=5_000)


def test_insets_keep_shapes_proportional(departements):
    """A uniform scale keeps the ratio of width to height, measured in the local CRS."""
    reunion = departements[departements["code"] == "974"]
    local = reunion.to_crs("EPSG:2975").total_bounds
    moved = insets.apply_insets(reunion, reunion["code"], target="static").total_bounds
    ratio = (local[2] - local[0]) / (local[3] - local[1])
    assert (moved[2] - moved[0]) / (moved[3] - moved[1]) == pytest.approx(ratio, rel=1e-6)


def test_unknown_target_is_refused(departements):
    with pytest.raises(ValueError, match="valid targets"):
        insets.apply_insets(departements, departements["code"], target="print")


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:2154", "EPSG:3857"])
def test_inset_boxes_do_not_overlap(crs):
    boxes = insets.frames(crs).geometry.tolist()
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a.intersection(b).area == 0
