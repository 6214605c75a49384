"""The « Export » page (AppTest) and the functions that build its files.

A download button's deferred callable cannot be clicked in AppTest: the page is checked on
what it shows (labels, file names, contents, command lines) and
:mod:`atlas.reports.downloads` on the bytes it returns.
"""

from __future__ import annotations

import io
import shlex
import xml.etree.ElementTree as ET

import pytest
from app_support import open_app
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from atlas.cli.arguments import method_from_args
from atlas.cli.main import _parser
from atlas.index.composite import Method
from atlas.index.method_note import INDEX_METHOD, method_text
from atlas.maps.highlight import OUTLINE_GID
from atlas.maps.static_maps import texts
from atlas.reports import downloads as options

PAGE = "app_pages/export.py"
FRANCE = ""
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def page() -> AppTest:
    return open_app(PAGE)


def downloads(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def codes(at: AppTest) -> list[str]:
    """The page's command lines (not the address of « Copier le lien »)."""
    return [c.value for c in at.code if not c.value.startswith("http")]


def test_page_offers_the_map_with_its_contents_and_command(page):
    assert not page.exception
    assert page.title[0].value == "Exporter des cartes et des fiches"
    assert downloads(page) == ["Télécharger la carte (PNG)",
                               "Télécharger le rapport régional : Auvergne-Rhône-Alpes (PDF)"]
    text = captions(page)
    assert "`carte-departements-overall-france.png`" in text
    assert "Titre : Indice global de fragilité" in text
    assert INDEX_METHOD in text and "Source : " in text
    map_line, maps_line, sheet_line, report_line = codes(page)
    assert map_line.startswith("atlas export map --level departements --what overall")
    assert maps_line.endswith("--out-dir cartes")
    assert sheet_line.startswith("atlas export sheet --territory ")
    assert report_line == ("atlas report region --code 84 --out "
                           "rapport-region-84-auvergne-rhone-alpes.pdf")


def test_choices_change_the_file_name_and_the_command(page):
    page.selectbox(key="export_level").select("communes")
    page.selectbox(key="export_what").select("domain:health")
    page.selectbox(key="export_region").select("76")
    page.radio(key="export_format").set_value("svg")
    page.radio(key="export_size").set_value("slide")
    page.radio(key="export_scheme").set_value("fisher_jenks")
    page.checkbox(key="export_north_arrow").check().run()
    assert not page.exception
    assert downloads(page)[0] == "Télécharger la carte (SVG)"
    assert "`carte-communes-domain-health-occitanie.svg`" in captions(page)
    assert "Communes, région Occitanie" in captions(page)
    args = shlex.split(codes(page)[0])
    for pair in (["--region", "76"], ["--size", "slide"], ["--scheme", "fisher_jenks"],
                 ["--format", "svg"]):
        i = args.index(pair[0])
        assert args[i:i + 2] == pair
    assert "--north-arrow" in args


def test_the_interactive_html_map_is_offered(page):
    page.radio(key="export_format").set_value("html").run()
    assert not page.exception
    assert downloads(page)[0] == "Télécharger la carte (HTML)"
    assert "`carte-departements-overall-france.html`" in captions(page)
    assert page.radio(key="export_size").disabled
    command = codes(page)[0]
    assert shlex.split(command)[:3] == ["atlas", "export", "map"]
    assert not any(" export maps " in c for c in codes(page))  # one map per file: no batch
    assert "--size" not in command and command.endswith("--format html --out "
                                                         "carte-departements-overall-"
                                                         "france.html")


def test_the_sidebar_method_goes_into_the_map(page):
    page.session_state["method_normalisation"] = "minmax"
    page.run()
    assert not page.exception
    assert "Score de fragilité : min-max" in captions(page)
    assert any("s'applique à cette carte" in i.value for i in page.info)
    assert all("--normalisation minmax" in code for code in codes(page))  # map, maps, sheet
    page.selectbox(key="export_what").select("density").run()  # a value, not a score
    assert not any("s'applique à cette carte" in i.value for i in page.info)
    assert "Habitants par km²" in captions(page)


def test_sheet_of_the_selected_territory(page):
    page.session_state["atlas_territory_level"] = "communes"
    page.session_state["atlas_territory_code"] = "42218"
    page.run()
    assert not page.exception
    assert "Télécharger la fiche de Saint-Étienne (PDF)" in downloads(page)
    assert "`fiche-communes-42218.pdf`" in captions(page)
    assert codes(page)[2] == ("atlas export sheet --territory communes:42218 --out "
                              "fiche-communes-42218.pdf")
    page.radio(key="export_sheet_mode").set_value("other").run()
    assert "Télécharger la fiche de Saint-Étienne (PDF)" not in downloads(page)


def test_sheet_of_a_territory_found_by_search(page):
    assert len(downloads(page)) == 2  # nothing selected yet: no sheet button (map, report)
    page.selectbox(key="export_sheet_level").select("departements")
    page.text_input(key="export_sheet_search").input("isere").run()
    assert not page.exception
    assert "Télécharger la fiche de Isère (PDF)" in downloads(page)
    assert "`fiche-departements-38.pdf`" in captions(page)
    page.text_input(key="export_sheet_search").input("xyzzy").run()
    assert any("Aucun territoire" in i.value for i in page.info)


def test_file_names():
    assert options.map_filename("communes", "overall", "png", "Occitanie") == (
        "carte-communes-overall-occitanie.png")
    assert options.map_filename("epci", "indicator:apl_gp_2023", "pdf") == (
        "carte-epci-indicator-apl-gp-2023-france.pdf")
    assert options.sheet_filename("departements", "2A") == "fiche-departements-2A.pdf"


def test_commands_are_valid_for_the_real_command_line():
    parser = _parser()
    one = parser.parse_args(shlex.split(options.map_command(
        "communes", "domain:health", "svg", "x.svg", "76", "slide", "equal_interval",
        True))[1:])
    assert (one.level, one.what, one.fmt, one.region, one.size, one.scheme,
            one.north_arrow) == ("communes", "domain:health", "svg", "76", "slide",
                                 "equal_interval", True)
    batch = parser.parse_args(shlex.split(options.maps_command("epci", "overall", "pdf"))[1:])
    assert (batch.level, batch.fmt, str(batch.out_dir)) == ("epci", "pdf", "cartes")
    sheet = parser.parse_args(shlex.split(options.sheet_command("communes", "2A004"))[1:])
    assert sheet.territory == "communes:2A004"
    assert method_from_args(sheet) == Method()


def test_commands_carry_the_sidebar_method():
    parser = _parser()
    chosen = Method(normalisation="minmax", frame="region", aggregation="geometric",
                    weights={"social": 2.0, "health": 0.0})
    for command in (options.map_command("epci", "overall", "png", "x.png", method=chosen),
                    options.maps_command("epci", "overall", "pdf", method=chosen),
                    options.sheet_command("communes", "42218", method=chosen)):
        assert method_from_args(parser.parse_args(shlex.split(command)[1:])) == chosen
    with pytest.raises(ValueError, match="ID=number"):
        method_from_args(parser.parse_args(["export", "sheet", "--territory", "regions:84",
                                            "--out", "x.pdf", "--weight", "social"]))


def test_sheet_follows_the_method():
    data = options.sheet_bytes("departements", "42", Method(frame="region"))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Méthode modifiée" in text and "de sa région" in text


def test_png_bytes(geodata_root):
    data = options.map_bytes("regions", "overall", fmt="png", root=geodata_root)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")


def test_svg_bytes_parse_and_name_the_method(geodata_root):
    method = Method(normalisation="minmax", weights={"health": 2.0})
    data = options.map_bytes("departements", "overall", "53", "svg", north_arrow=True,
                             method=method, root=geodata_root)
    root = ET.parse(io.BytesIO(data)).getroot()
    text = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    assert "Indice global de fragilité" in text and "Bretagne" in text
    assert "min-max" in text and "Santé ×2" in text
    assert "N" in text.split()  # the north arrow


def test_a_method_changes_the_scores(geodata_root):
    from atlas.maps.static_maps import map_data

    default = map_data("regions", "overall", root=geodata_root)
    other = map_data("regions", "overall", method=Method(normalisation="minmax"),
                     root=geodata_root)
    assert not default.frame["value"].equals(other.frame["value"])
    assert default.subtitle.endswith(INDEX_METHOD)
    assert method_text(Method()) == INDEX_METHOD
    assert texts("regions", "overall")[1] == default.subtitle


def test_map_pdf_bytes(geodata_root):
    data = options.map_bytes("regions", "domain:poverty", fmt="pdf", size="slide",
                             root=geodata_root)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    assert "Pauvreté" in reader.pages[0].extract_text()


def test_html_map_bytes(geodata_root):
    page = options.map_bytes("regions", "domain:poverty", fmt="html",
                             root=geodata_root).decode("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Pauvreté" in page
    assert page.count('"type": "Feature"') == 18


def test_sheet_bytes_are_a_pdf_of_a_few_pages():
    data = options.sheet_bytes("communes", "42218")
    assert data.startswith(b"%PDF")
    assert 2 <= len(PdfReader(io.BytesIO(data)).pages) <= 6


def test_wrong_territory_is_refused():
    with pytest.raises(ValueError):
        options.sheet_bytes("communes", "99999")


def test_the_map_starts_from_the_selected_territory():
    at = open_app(PAGE, atlas_territory_level="communes", atlas_territory_code="42218")
    assert not at.exception
    assert at.selectbox(key="export_region").value == "84"  # Saint-Étienne's région
    assert at.checkbox(key="export_highlight").value  # outlined and named by default
    assert "Contour : Saint-Étienne, nommé sur la carte" in captions(at)
    assert "`carte-departements-overall-auvergne-rhone-alpes-saint-etienne.png`" in captions(at)
    assert codes(at)[0].endswith("--region 84 --highlight communes:42218 --out "
                                 "carte-departements-overall-auvergne-rhone-alpes-saint-"
                                 "etienne.png")
    at.checkbox(key="export_highlight").uncheck().run()
    assert "`carte-departements-overall-auvergne-rhone-alpes.png`" in captions(at)
    assert "--highlight" not in codes(at)[0]


def test_the_selected_communes_departement_map_outlines_it(tmp_path):
    """The Loire's communes, Saint-Étienne outlined: offered, then made by its command."""
    at = open_app(PAGE, atlas_territory_level="communes", atlas_territory_code="42218")
    scopes = at.selectbox(key="export_region")
    assert scopes.options[:3] == ["France entière", "Département : Loire (42)",
                                  "Auvergne-Rhône-Alpes"]
    scopes.select("departements:42").run()
    assert not at.exception
    assert at.selectbox(key="export_level").options == ["EPCI", "Communes"]
    assert at.selectbox(key="export_level").value == "communes"
    at.radio(key="export_format").set_value("svg").run()
    assert "Communes, département Loire" in captions(at)
    assert "`carte-communes-overall-loire-saint-etienne.svg`" in captions(at)
    command = shlex.split(codes(at)[0])
    assert command[command.index("--within") + 1] == "departements:42"
    assert command[command.index("--highlight") + 1] == "communes:42218"
    args = _parser().parse_args(command[1:])
    data = options.map_bytes(args.level, args.what, args.region, args.fmt,
                             within=args.within, highlight=args.highlight)
    root = ET.parse(io.BytesIO(data)).getroot()
    assert "Saint-Étienne" in ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert any(g.get("id") == OUTLINE_GID for g in root.iter(f"{SVG}g"))


def test_a_departement_offers_its_regions_map_and_its_communes():
    at = open_app(PAGE, atlas_territory_level="departements", atlas_territory_code="15")
    assert at.selectbox(key="export_region").value == "84"
    assert "Département : Cantal (15)" in at.selectbox(key="export_region").options
    assert "`carte-departements-overall-auvergne-rhone-alpes-cantal.png`" in captions(at)
    at.selectbox(key="export_region").select(FRANCE).run()  # France at département level
    assert "`carte-departements-overall-france-cantal.png`" in captions(at)
    at.selectbox(key="export_region").select("76").run()  # Occitanie: Cantal not on it
    assert not at.exception
    assert not at.get("checkbox") or all(c.key != "export_highlight" for c in at.checkbox)
    assert "--highlight" not in codes(at)[0]


def test_regional_report_of_the_selected_territory(page):
    page.session_state["atlas_territory_level"] = "communes"
    page.session_state["atlas_territory_code"] = "31555"  # Toulouse, in Occitanie
    page.run()
    assert not page.exception
    assert "Télécharger le rapport régional : Occitanie (PDF)" in downloads(page)
    assert "`rapport-region-76-occitanie.pdf`" in captions(page)
    assert codes(page)[-1] == ("atlas report region --code 76 --out "
                               "rapport-region-76-occitanie.pdf")
    page.selectbox(key="export_report_region").select("53").run()
    assert "Télécharger le rapport régional : Bretagne (PDF)" in downloads(page)
