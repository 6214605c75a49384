from __future__ import annotations

import importlib

import pytest

from atlas.maps.subjects import source_line
from indicators.catalogue import CatalogueError, load_catalogue, parse_catalogue
from indicators.domains import DIMENSIONS, DOMAINS


def test_every_domain_has_at_least_two_indicators_and_forty_in_all():
    catalogue = load_catalogue()
    assert len(catalogue.indicators) >= 40
    for domain in DOMAINS:
        assert len(catalogue.in_domain(domain.id)) >= 2, domain.id
    assert {d.dimension for d in DOMAINS} == {d.id for d in DIMENSIONS}


def test_every_indicator_is_documented():
    for indicator in load_catalogue().indicators:
        for field in ("label", "description", "unit"):
            assert getattr(indicator, field).strip(), (indicator.id, field)
        assert indicator.direction in (1, -1)
        source = indicator.source
        for field in ("producer", "dataset", "vintage", "licence", "file", "raw_level"):
            assert getattr(source, field).strip(), (indicator.id, field)


def test_third_party_and_approximate_indicators_say_so():
    approximate = 0
    for indicator in load_catalogue().indicators:
        if indicator.source.third_party:
            assert "tiers" in (indicator.source.producer + indicator.source.caveats
                               + indicator.source.dataset).lower() or \
                indicator.source.retrieved_from, indicator.id
        # the source line under every map and table says when higher levels are approximate
        said = "niveaux supérieurs approchés (moyenne pondérée)" in source_line(indicator)
        assert said == indicator.aggregation.approximate, indicator.id
        approximate += said
    assert approximate >= 1


@pytest.mark.parametrize(("aggregation", "approximate"), [
    ({"method": "ratio", "numerator": "a", "denominator": "b"}, False),
    ({"method": "weighted_mean", "value": "v", "weight": "w"}, True),
    ({"method": "weighted_mean", "value": "v", "weight": "w", "exact": True}, False),
])
def test_only_a_mean_weighted_by_something_else_than_its_denominator_is_approximate(
        aggregation, approximate):
    parsed = parse_catalogue(_minimal(aggregation=aggregation)).by_id("x").aggregation
    assert parsed.approximate is approximate


def test_every_loader_resolves_to_a_function():
    for source in load_catalogue().sources.values():
        module, function = source.loader.split(".")
        loader = getattr(importlib.import_module(f"indicators.loaders.{module}"), function)
        assert callable(loader)


def _minimal(**overrides):
    source = {"producer": "INSEE", "dataset": "d", "vintage": "2021", "licence": "LO",
              "file": "f.csv", "loader": "insee_csv.load_insee_csv", "raw_level": "commune"}
    indicator = {"id": "x", "label": "X", "description": "d", "domain": "education",
                 "unit": "%", "direction": "higher_is_more_fragile", "source": "s",
                 "aggregation": {"method": "ratio", "numerator": "a", "denominator": "b"}}
    indicator.update(overrides)
    return {"sources": {"s": source}, "indicators": [indicator]}


def test_a_minimal_entry_parses():
    catalogue = parse_catalogue(_minimal())
    assert catalogue.by_id("x").dimension == "societal"
    assert not catalogue.by_id("x").aggregation.approximate


@pytest.mark.parametrize(("override", "message"), [
    ({"domain": "weather"}, "unknown domain 'weather'"),
    ({"direction": "up"}, "direction must be one of"),
    ({"label": ""}, "indicator 'x': missing label"),
    ({"source": "nowhere"}, "unknown source 'nowhere'"),
    ({"aggregation": {"method": "mean", "value": "a"}}, "aggregation method"),
    ({"aggregation": {"method": "ratio", "numerator": "a"}}, "missing denominator"),
])
def test_malformed_entries_are_refused_with_the_entry_and_field_named(override, message):
    with pytest.raises(CatalogueError, match=message):
        parse_catalogue(_minimal(**override))
