"""One territory model: levels, membership, and the single rule that places an EPCI."""

from __future__ import annotations

import argparse

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from atlas.cli.arguments import level_argument
from atlas.index.composite import Method
from atlas.index.level_indices import level_indices
from atlas.maps import static_maps, web_layers
from atlas.reports.territory import describe
from geodata import store
from geodata.hierarchy import (
    departement_of,
    main_of_groups,
    members,
    overseas_codes,
    overseas_departement_of_region,
    parent_of,
)
from geodata.levels import (
    ALL_LEVELS,
    LEVELS,
    TERRITORY_LEVELS,
    level,
    parse_territory,
    territory_level,
)


@pytest.mark.parametrize("found", ALL_LEVELS)
def test_both_spellings_and_accents_name_the_same_level(found):
    assert level(found.id) is level(found.singular) is level(found.id.upper()) is found
    assert level(found.plural) is found  # the French plural, accents and all
    assert found.title[0].isupper() and found.plural_title[0].isupper()


def test_epci_keeps_its_capitals_and_unknown_levels_say_what_is_valid():
    assert level("epci").plural == "EPCI" and level("epci").title == "EPCI"
    with pytest.raises(ValueError, match="valid levels: communes, epci"):
        level("canton")
    with pytest.raises(ValueError, match="valid levels"):
        territory_level("france")


def test_command_line_accepts_one_spelling_and_the_other_as_alias():
    read = level_argument(TERRITORY_LEVELS)
    assert [read(name) for name in ("region", "regions", "Régions", "commune")] == [
        "regions", "regions", "regions", "communes"]
    with pytest.raises(argparse.ArgumentTypeError, match="valid levels"):
        read("france")
    assert parse_territory("departement:2A") == ("departements", "2A")


@given(st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from(["11", "24", "44"]),
                          st.one_of(st.none(), st.integers(0, 1000))), min_size=1))
def test_main_of_groups_is_where_most_people_live_ties_to_the_smallest(rows):
    communes = pd.DataFrame(rows, columns=["epci", "region", "population"])
    found = main_of_groups(communes, "epci", "region")
    people = communes.fillna({"population": 0}).groupby(["epci", "region"])["population"].sum()
    for epci, region in found.items():
        here = people.loc[epci]
        assert here.loc[region] == here.max()
        assert region == min(here[here == here.max()].index)
    assert set(found.index) == set(communes["epci"])


def test_every_territory_has_one_parent_and_members_invert_it(geodata_root):
    for child in LEVELS:
        for parent in ("departements", "regions"):
            if LEVELS.index(child) > LEVELS.index(parent):
                continue
            of = parent_of(child, parent)
            codes = store.attributes(child)["code"]
            assert of.index.is_unique
            if child != "communes":  # a few communes have no EPCI; all have a région
                assert set(of.index) == set(codes.dropna())
            for code in ("53", "01") if parent == "regions" else ("35", "971"):
                assert set(members(child, parent, code)) == set(of.index[of == code])
    with pytest.raises(ValueError, match="valid codes"):
        members("communes", "regions", "99")


def test_overseas_regions_map_to_their_single_departement(geodata_root):
    assert overseas_departement_of_region() == {
        "01": "971", "02": "972", "03": "973", "04": "974", "06": "976"}
    assert overseas_codes() >= {"01", "971", "06", "976"}
    assert departement_of("regions")["53"] == ""
    assert departement_of("regions")["04"] == "974"


def test_every_epci_is_placed_identically_by_maps_sheet_and_indices(geodata_root):
    region = parent_of("epci", "regions")
    departement = parent_of("epci", "departements")
    # indices: the regional frame
    groups = level_indices("epci", Method(frame="region")).groups
    assert (groups.reindex(region.index) == region).all()
    # web map and exported maps: each EPCI in exactly one région's map, its own
    web_seen, export_seen = {}, {}
    for code in store.attributes("regions")["code"]:
        web = web_layers.decode_layer(web_layers.map_layer("epci", code))
        for epci in web["code"]:
            assert epci not in web_seen, epci
            web_seen[epci] = code
        exported = static_maps.map_data("epci", "density", region=code).frame
        for epci in exported["code"]:
            assert epci not in export_seen, epci
            export_seen[epci] = code
    drawn = pd.Series(web_seen)
    assert (drawn == region.reindex(drawn.index)).all()
    assert pd.Series(export_seen).sort_index().equals(drawn.sort_index())
    # the sheet: département and région of the territory card
    crossing = [code for code in region.index
                if store.attributes("communes").query("epci == @code")["region"].nunique() > 1]
    assert crossing, "some EPCI cross a région border"
    for code in [*crossing, *region.index[:50]]:
        territory = describe("epci", code)
        assert (territory.region, territory.departement) == (region[code], departement[code])
