"""Static report maps (:mod:`atlas.maps.static_maps`) and the ``atlas export`` commands.

The baseline image ``tests/data/baselines/regions_density_page.png`` is made by
:func:`render_baseline`; regenerate it (after a deliberate change of the layout) with
``python tests/test_export_map.py``. It maps the density of the régions, which rests on the
geometry artifacts only, with a fixed date and the bundled DejaVu Sans font.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib.image as mpimg
import matplotlib.pyplot as plt
import pytest
from matplotlib.testing.compare import compare_images
from pypdf import PdfReader

import french
from atlas.cli.main import main
from atlas.maps.highlight import LABEL_GID, OUTLINE_GID
from atlas.maps.static_maps import (
    DPI,
    SIMULATED_NOTE,
    SIZES,
    TERRITORIES_GID,
    draw,
    export_map,
    map_data,
    slug,
)
from geodata import store
from geodata.levels import parse_territory

BASELINE = Path(__file__).parent / "data" / "baselines" / "regions_density_page.png"
BASELINE_DPI = 60
DATE = dt.date(2026, 12, 1)
BRETAGNE = "53"
SVG = "{http://www.w3.org/2000/svg}"


def render_baseline(out: Path = BASELINE, root: Path | None = None) -> Path:
    """Draw the baseline map: density of the régions, page size, 60 dpi, fixed date."""
    return export_map("regions", "density", fmt="png", out=out, date=DATE, root=root,
                      dpi=BASELINE_DPI)


@pytest.fixture(scope="module")
def maps(geodata_root, tmp_path_factory):
    """The national map of the régions and Bretagne's communes, in the three formats."""
    folder = tmp_path_factory.mktemp("maps")
    out = {}
    for name, level, region in (("national", "regions", None),
                                ("bretagne", "communes", BRETAGNE)):
        for fmt in ("png", "svg", "pdf"):
            out[name, fmt] = export_map(level, "overall", region=region, fmt=fmt,
                                        out=folder / f"{name}.{fmt}", date=DATE,
                                        root=geodata_root)
    return out


@pytest.mark.parametrize("name", ["national", "bretagne"])
def test_png_has_the_page_size_at_200_dpi(maps, name):
    height, width = mpimg.imread(maps[name, "png"]).shape[:2]
    inches = SIZES["page"]
    assert abs(width - inches[0] * DPI) <= 1 and abs(height - inches[1] * DPI) <= 1


def test_slide_png_is_16_by_9(geodata_root, tmp_path):
    out = export_map("regions", "overall", out=tmp_path / "slide.png", size="slide",
                     date=DATE, root=geodata_root)
    height, width = mpimg.imread(out).shape[:2]
    assert abs(width - SIZES["slide"][0] * DPI) <= 1
    assert abs(width / height - 16 / 9) < 0.01


@pytest.mark.parametrize("name", ["national", "bretagne"])
def test_svg_holds_the_title_and_the_territories(maps, name):
    root = ET.parse(maps[name, "svg"]).getroot()
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "Indice global de fragilité" in texts
    territories = [p for g in root.iter(f"{SVG}g")
                   if (g.get("id") or "").startswith(TERRITORIES_GID)
                   for p in g.iter(f"{SVG}path") if p.get("d", "").strip()]
    if name == "national":  # one path per région
        assert len(territories) == 18
    else:  # Bretagne's 1 200 communes: one compound path per class (and « non disponible »)
        assert 5 <= len(territories) <= 6
    assert ("Guadeloupe" in texts) == (name == "national")  # insets on national maps only


@pytest.mark.parametrize("name, level, region", [("national", "regions", None),
                                                  ("bretagne", "communes", BRETAGNE)])
def test_pdf_has_one_page_with_title_legend_and_source(maps, name, level, region,
                                                       geodata_root):
    reader = PdfReader(maps[name, "pdf"])
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    data = map_data(level, "overall", region, root=geodata_root)
    assert data.title in text
    for label, count in zip(data.labels, data.counts, strict=True):
        assert " ".join(f"{label} ({french.integer(count)})".split()) in text
    assert f"{french.MISSING.capitalize()} ({data.n_missing})" in text
    assert "Source : " in text and "calculs Atlas des fragilités" in text
    assert "1er décembre 2026" in text


def test_legend_counts_sum_to_the_territories(geodata_root):
    national = map_data("departements", "overall", root=geodata_root)
    assert sum(national.counts) + national.n_missing == 101 == len(national.frame)
    communes = store.attributes("communes", geodata_root)
    expected = int((communes["region"] == BRETAGNE).sum())
    regional = map_data("communes", "indicator:car_commute_share", BRETAGNE,
                        root=geodata_root)
    assert sum(regional.counts) + regional.n_missing == expected == len(regional.frame)
    assert regional.frame.crs.to_epsg() == 2154


def test_overseas_region_map_is_drawn_in_its_local_crs(geodata_root):
    data = map_data("communes", "density", "04", root=geodata_root)  # La Réunion
    assert data.frame.crs.to_epsg() == 2975 and not data.national
    assert len(data.frame) == 24


def test_index_and_indicator_subtitles_and_palettes(geodata_root):
    index = map_data("regions", "domain:health", root=geodata_root)
    assert "rang centile, France entière, moyenne arithmétique, poids égaux" in index.subtitle
    assert index.colours[0] == "#ffffb2"
    value = map_data("regions", "indicator:car_commute_share", root=geodata_root)
    assert value.subtitle.endswith("en %") and value.colours[0] == "#eff3ff"
    assert value.source.startswith("Source : INSEE (MOBPRO 2021)")


@pytest.mark.parametrize("size", ["page", "slide"])
def test_legend_and_scale_bar_stay_off_corsica(geodata_root, size):
    data = map_data("departements", "overall", root=geodata_root)
    fig = draw(data, size, north_arrow=True, date=DATE)
    fig.canvas.draw()
    map_ax, legend_ax = fig.axes
    corsica = data.frame[data.frame["code"].isin(["2A", "2B"])].total_bounds
    (x0, y0), (x1, y1) = map_ax.transData.transform([corsica[:2], corsica[2:]])
    box = legend_ax.get_window_extent()
    assert x1 < box.x0 or x0 > box.x1 or y1 < box.y0 or y0 > box.y1
    plt.close(fig)


def test_simulated_layers_are_labelled(geodata_root, tmp_path):
    out = export_map("regions", "overall", fmt="pdf", out=tmp_path / "sim.pdf",
                     simulated=True, date=DATE, root=geodata_root)
    assert SIMULATED_NOTE in " ".join(PdfReader(out).pages[0].extract_text().split())


def test_wrong_input_is_rejected(geodata_root, tmp_path):
    with pytest.raises(ValueError, match="valid levels"):
        map_data("cantons", "overall", root=geodata_root)
    with pytest.raises(ValueError, match="valid codes"):
        map_data("communes", "overall", "99", root=geodata_root)
    with pytest.raises(ValueError, match="valid formats"):
        export_map("regions", "overall", fmt="jpg", out=tmp_path / "x.jpg")


def test_image_matches_the_baseline(geodata_root, tmp_path):
    actual = render_baseline(tmp_path / "actual.png", geodata_root)
    assert BASELINE.stat().st_size < 300_000
    assert compare_images(str(BASELINE), str(actual), tol=5) is None


def test_slug_and_territory_parsing():
    assert slug("Auvergne-Rhône-Alpes") == "auvergne-rhone-alpes"
    assert parse_territory("departements:2A") == ("departements", "2A")
    for bad in ("35238", "cantons:01", "communes:"):
        with pytest.raises(ValueError, match="LEVEL:CODE|unknown level"):
            parse_territory(bad)


def test_a_departements_communes_with_one_outlined_and_named(geodata_root):
    """The Cantal's communes, Aurillac outlined above the fills and named inside the map."""
    data = map_data("communes", "overall", within="departements:15",
                    highlight="communes:15014", root=geodata_root)
    communes = store.attributes("communes", geodata_root)
    shapes = store.web_geometries("communes", "departement", geodata_root)
    drawable = shapes[~shapes.geometry.is_empty & shapes.geometry.notna()]["code"]
    cantal = communes.loc[communes["departement"] == "15", "code"]
    assert set(data.frame["code"]) == set(cantal) & set(drawable) and not data.national
    assert "Communes, département Cantal" in data.subtitle
    fig = draw(data, date=DATE)
    fig.canvas.draw()
    map_ax = fig.axes[0]
    (outline,) = [c for c in map_ax.collections if c.get_gid() == OUTLINE_GID]
    fills = [c for c in map_ax.collections if (c.get_gid() or "").startswith(TERRITORIES_GID)]
    assert outline.get_zorder() > max(c.get_zorder() for c in fills)
    assert outline.get_linewidths()[0] >= 1.5 and outline.get_facecolors().size == 0
    (label,) = [t for t in map_ax.texts if t.get_gid() == LABEL_GID]
    assert label.get_text() == "Aurillac"
    renderer = fig._get_renderer()
    box, frame = label.get_window_extent(renderer), map_ax.get_window_extent(renderer)
    assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 <= box.y1 <= frame.y1
    plt.close(fig)


@pytest.mark.parametrize("level, within, highlight, name", [
    ("departements", None, "communes:42218", "Saint-Étienne"),  # France, one commune
    ("communes", "regions:84", "departements:15", "Cantal"),
    ("epci", "departements:42", "epci:244200770", "Saint-Etienne Métropole"),
    ("communes", "departements:974", "communes:97411", "Saint-Denis"),  # local CRS
])
def test_outlined_maps_name_their_territory_in_svg_and_pdf(geodata_root, tmp_path, level,
                                                           within, highlight, name):
    svg = export_map(level, "overall", within=within, highlight=highlight, fmt="svg",
                     out=tmp_path / "c.svg", date=DATE, root=geodata_root)
    root = ET.parse(svg).getroot()
    assert name in ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert [g for g in root.iter(f"{SVG}g") if g.get("id") == OUTLINE_GID]
    pdf = export_map(level, "overall", within=within, highlight=highlight, fmt="pdf",
                     out=tmp_path / "c.pdf", date=DATE, root=geodata_root)
    assert name in " ".join(PdfReader(pdf).pages[0].extract_text().split())


def test_a_territory_off_the_map_or_a_bad_frame_is_refused(geodata_root):
    with pytest.raises(ValueError, match="is not on a map of région Occitanie"):
        map_data("communes", "overall", region="76", highlight="communes:42218",
                 root=geodata_root)
    with pytest.raises(ValueError, match="valid levels: regions, departements"):
        map_data("communes", "overall", within="epci:244200770", root=geodata_root)
    with pytest.raises(ValueError, match="disagree"):
        map_data("communes", "overall", region="76", within="regions:84",
                 root=geodata_root)


def test_cli_export_map_within_a_departement_with_a_highlight(geodata_root, tmp_path):
    out = tmp_path / "cantal.svg"
    done = _atlas("export", "map", "--level", "communes", "--within", "departements:15",
                  "--highlight", "communes:15187", "--what", "overall", "--format", "svg",
                  "--out", str(out))
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    name = store.attributes("communes", geodata_root).set_index("code").at["15187", "name"]
    assert f">{name}<" in text and OUTLINE_GID in text and "département Cantal" in text
    html = tmp_path / "cantal.html"
    done = _atlas("export", "map", "--level", "communes", "--within", "departement:15",
                  "--highlight", "commune:15187", "--what", "overall", "--format", "html",
                  "--out", str(html))
    assert done.returncode == 0, done.stderr
    assert f"{name}" in html.read_text(encoding="utf-8") and '"permanent": true' in (
        html.read_text(encoding="utf-8"))
    bad = _atlas("export", "map", "--level", "communes", "--within", "departements:15",
                 "--highlight", "communes:42218", "--what", "overall",
                 "--out", str(tmp_path / "x.png"))
    assert bad.returncode == 2 and "is not on a map of département Cantal" in bad.stderr


def _atlas(*args: str, block_sheet: bool = False) -> subprocess.CompletedProcess:
    """Run the ``atlas`` command line in a subprocess (optionally without atlas.reports.sheet)."""
    block = "sys.modules['atlas.reports.sheet'] = None; " if block_sheet else ""
    code = f"import sys; {block}from atlas.cli.main import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                          text=True, timeout=600)


def test_cli_export_map(geodata_root, tmp_path):
    out = tmp_path / "carte.svg"
    done = _atlas("export", "map", "--level", "regions", "--what", "overall",
                  "--format", "svg", "--out", str(out), "--size", "slide")
    assert done.returncode == 0, done.stderr
    assert out.exists() and "Indice global de fragilité" in out.read_text(encoding="utf-8")
    bad = _atlas("export", "map", "--level", "regions", "--what", "nope",
                 "--out", str(tmp_path / "x.png"))
    assert bad.returncode == 2 and "unknown map choice" in bad.stderr


def test_cli_export_maps_writes_one_map_per_region(geodata_root, tmp_path):
    done = _atlas("export", "maps", "--level", "departements", "--what", "overall",
                  "--format", "png", "--out-dir", str(tmp_path))
    assert done.returncode == 0, done.stderr
    files = sorted(p.name for p in tmp_path.glob("*.png"))
    assert len(files) == 18
    assert "53-bretagne.png" in files and "93-provence-alpes-cote-d-azur.png" in files


def test_cli_export_sheet_without_the_sheet_module(tmp_path, capsys):
    done = _atlas("export", "sheet", "--territory", "communes:35238", "--out",
                  str(tmp_path / "fiche.pdf"), block_sheet=True)
    assert done.returncode == 2
    assert "territory sheets are not available yet" in done.stderr
    # in-process: only the blocked import needs a subprocess
    assert main(["export", "sheet", "--territory", "35238", "--out",
                 str(tmp_path / "f.pdf")]) == 2
    assert "LEVEL:CODE" in capsys.readouterr().err


def test_cli_export_sheet(geodata_root, tmp_path):
    try:
        import atlas.reports.sheet  # noqa: F401
    except ImportError:
        pytest.skip("atlas.reports.sheet is not there yet (the command's message is tested above)")
    out = tmp_path / "fiche.pdf"
    done = _atlas("export", "sheet", "--territory", "communes:35238", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")


if __name__ == "__main__":
    print(render_baseline())
