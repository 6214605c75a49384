"""An interactive map in one self-contained HTML file (folium, Leaflet inlined, offline).

The file holds Leaflet's own code and style (from ``django-js-lib-leaflet``, never a CDN),
the territories with their class colours and tooltips, the legend and the source line: it
opens from disk with no network, and can be embedded in a commune's website. Classes,
titles and sources are those of the static report maps (:func:`static_maps.map_data`).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd

import french
from atlas.index.composite import Method
from atlas.maps import static_maps
from atlas.maps.classify import SCHEME_LABELS
from atlas.maps.highlight import OUTLINE_COLOUR, Highlight
from atlas.maps.leaflet_files import leaflet_static_dir

_PRODUCED = "Réalisation : Atlas des fragilités territoriales"


def export_html(level: str, what: str, region: str | None = None,
                out: Path | str = "carte.html", scheme: str = "quantiles", k: int = 5,
                method: Method | None = None, root: Path | None = None,
                within: str | tuple[str, str] | None = None,
                highlight: str | tuple[str, str] | None = None) -> Path:
    """Write the interactive map of ``what`` at ``level`` to ``out`` (one HTML file).

    Parameters are those of :func:`atlas.maps.static_maps.export_map`; the file has no
    outside reference (no CDN, no tile server). A highlighted territory is outlined above
    the others, its name always shown.
    """
    data = static_maps.map_data(level, what, region, scheme, k, root, method, within=within,
                                highlight=highlight)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(data), encoding="utf-8")
    return out


def render(data: static_maps.MapData) -> str:
    """The HTML of one map, Leaflet inlined."""
    frame = data.frame.to_crs(4326)
    frame["colour"] = [static_maps.MISSING_COLOUR if pd.isna(c) else data.colours[int(c)]
                       for c in frame["cls"]]
    frame["label"] = [f"{html.escape(str(name))} : {french.indicator_value(value)}"
                      for name, value in zip(frame["name"], frame["value"], strict=True)]
    west, south, east, north = frame.total_bounds
    fmap = folium.Map(tiles=None, control_scale=True, zoom_snap=0.25,
                      prefer_canvas=len(frame) > 2000)
    fmap.default_js = []  # Leaflet is inlined below; no jQuery, Bootstrap or icons needed
    fmap.default_css = []
    folium.GeoJson(
        json.loads(frame[["code", "label", "colour", "geometry"]].to_json()),
        style_function=lambda f: {"fillColor": f["properties"]["colour"], "fillOpacity": 0.88,
                                  "color": "#ffffff", "weight": 0.3},
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
        name=data.title).add_to(fmap)
    if data.highlight is not None:
        _highlight(fmap, data.highlight, data.frame.crs)
    fmap.fit_bounds([[south, west], [north, east]])
    fmap.get_root().html.add_child(folium.Element(_legend(data)))
    page = fmap.get_root().render()
    return _inline_leaflet(page, data.title)


def _highlight(fmap: folium.Map, territory: Highlight, crs) -> None:
    """The territory's thick dark outline (no fill) and its name, always shown."""
    shape = gpd.GeoSeries([territory.geometry], crs=crs).to_crs(4326)
    folium.GeoJson(
        json.loads(shape.to_json(drop_id=True)),
        style_function=lambda f: {"fill": False, "color": OUTLINE_COLOUR,
                                  "weight": 3.5, "opacity": 1},
        tooltip=folium.Tooltip(html.escape(territory.name), permanent=True,
                               direction="center", class_name="atlas-highlight"),
        name=territory.name).add_to(fmap)


def _legend(data: static_maps.MapData) -> str:
    rows = "".join(
        f'<div><span style="background:{c}"></span>{html.escape(label)} '
        f"({french.integer(n)})</div>"
        for c, label, n in zip(data.colours, data.labels, data.counts, strict=True))
    rows += (f'<div><span style="background:{static_maps.MISSING_COLOUR}"></span>'
             f"{french.MISSING.capitalize()} ({french.integer(data.n_missing)})</div>")
    return f"""
<style>
.atlas-box {{position: absolute; z-index: 1000; background: rgba(255,255,255,0.93);
  padding: 6px 10px; font: 12px/1.35 system-ui, sans-serif; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); max-width: 340px;}}
.atlas-title {{top: 10px; left: 50px;}}
.atlas-legend {{bottom: 24px; right: 10px;}}
.atlas-legend span {{display: inline-block; width: 14px; height: 10px; margin-right: 6px;
  border: 1px solid #666;}}
</style>
<div class="atlas-box atlas-title"><b>{html.escape(data.title)}</b><br>
{html.escape(data.subtitle)}</div>
<div class="atlas-box atlas-legend"><b>Classes (nombre de territoires)</b><br>
<small>{html.escape(SCHEME_LABELS[data.scheme])}</small>{rows}
<details><summary>Sources</summary><small>{html.escape(data.source)}</small></details>
<small>{_PRODUCED}, {french.date(dt.date.today())}. Outre-mer dans des encarts, à des
échelles différentes.</small></div>
"""


def _inline_leaflet(page: str, title: str) -> str:
    """Put Leaflet's code and style inside the page; refuse any remaining outside link."""
    outside = re.findall(r"""(?:src|href)=["']((?:https?:)?//[^"']+)""", page)
    if outside:
        raise RuntimeError(f"the HTML map still refers to outside files: {outside[:3]}")
    folder = leaflet_static_dir()
    css = (folder / "leaflet.css").read_text(encoding="utf-8")
    js = (folder / "leaflet.js").read_text(encoding="utf-8")
    head = (f"<title>{html.escape(title)}</title>\n<meta charset=\"utf-8\">\n"
            f"<style>{css}</style>\n<script>{js}</script>\n")
    return page.replace("<head>", "<head>\n" + head, 1)
