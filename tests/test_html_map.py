"""The interactive map in one HTML file: self-contained, same classes as the report maps."""

from __future__ import annotations

import re

from atlas.cli.main import main
from atlas.maps import static_maps
from atlas.maps.html_map import export_html


def test_html_map_is_self_contained_with_its_legend(tmp_path, geodata_root):
    out = export_html("regions", "overall", out=tmp_path / "carte.html", root=geodata_root)
    page = out.read_text(encoding="utf-8")
    assert "L.map(" in page and "leaflet-container" in page  # Leaflet's code and style inlined
    assert not re.search(r"""<(?:script|link|img)[^>]+(?:src|href)=["'](?:https?:)?//""", page)
    data = static_maps.map_data("regions", "overall", root=geodata_root)
    assert "Indice global de fragilité" in page and data.subtitle in page
    for label, count in zip(data.labels, data.counts, strict=True):
        assert f"{label} ({count})" in page
    assert page.count('"type": "Feature"') == len(data.frame) == 18


def test_cli_writes_the_html_map(tmp_path, capsys, geodata_root):
    out = tmp_path / "occitanie.html"
    assert main(["export", "map", "--level", "departements", "--what", "domain:health",
                 "--region", "76", "--format", "html", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.count('"type": "Feature"') == 13 and "Santé" in page
    assert main(["export", "maps", "--level", "regions", "--what", "overall", "--format",
                 "html", "--out-dir", str(tmp_path)]) == 2
    assert "one interactive map" in capsys.readouterr().err
