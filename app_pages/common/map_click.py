"""What a click on the Carte page's map does, as a pure function (tested without a browser)."""

from __future__ import annotations

FRANCE = ""


def after_click(click: dict | None, level: str, region: str) -> dict[str, object]:
    """Session-state updates for a click ``{"layer", "code"}`` on the map of ``level``.

    On the national map of régions a click opens the région with its communes
    (drill-down); on any other map it selects the clicked territory. A click on another
    layer (outlines, inset frames) changes nothing.

    >>> after_click({"layer": "regions", "code": "76"}, "regions", "")
    {'atlas_region': '76', 'atlas_selected': None, 'map_level': 'communes'}
    >>> after_click({"layer": "epci", "code": "200054781"}, "epci", "")
    {'atlas_selected': '200054781'}
    >>> after_click({"layer": "frames", "code": "971"}, "communes", "")
    {}
    """
    click = click or {}
    layer, code = click.get("layer"), click.get("code")
    if not code:
        return {}
    if layer == "regions" and level == "regions" and region == FRANCE:
        return {"atlas_region": code, "atlas_selected": None, "map_level": "communes"}
    if layer == level:
        return {"atlas_selected": code}
    return {}
