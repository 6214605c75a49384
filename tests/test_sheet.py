"""Territory sheet PDF (atlas.reports.sheet): pages, French content, errors."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from tiers import needs_geometry

import french
from atlas.perception.survey.model import SIMULATED_LABEL
from atlas.reports.sheet import build_sheet
from atlas.reports.sheet_parts import METHOD_NOTE
from atlas.reports.territory import describe

SHEETS = {
    "communes": ("42218", "Saint-Étienne"),
    "epci": ("244200770", "Saint-Etienne Métropole"),
    "departements": ("38", "Isère"),
    "regions": ("84", "Auvergne-Rhône-Alpes"),
}


def _text(path) -> str:
    """Text of the PDF, with line breaks and no-break spaces made plain spaces."""
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    return " ".join(text.replace("\xa0", " ").split())


@pytest.fixture(scope="module", params=sorted(SHEETS))
def sheet(request, tmp_path_factory, geodata_root):
    level = request.param
    code, name = SHEETS[level]
    out = build_sheet(level, code, tmp_path_factory.mktemp("sheets") / f"{level}.pdf")
    return out, name


def test_sheet_has_a_few_pages(sheet):
    path, _ = sheet
    assert path.exists()
    assert 2 <= len(PdfReader(path).pages) <= 6


def test_sheet_text(sheet):
    path, name = sheet
    text = _text(path)
    assert name in text
    assert "Éducation" in text and "Transition énergétique" in text
    assert "Part des diplômés du supérieur" in text
    assert "Source" in text and "Millésime" in text and "rentrée 2021-2022" in text
    assert SIMULATED_LABEL in text
    assert "rang centile" in text and "moyenne arithmétique" in text
    assert " ".join(METHOD_NOTE.split()[:6]) in text
    assert "rang" in text and "sur" in text


@needs_geometry
def test_describe_parents():
    commune = describe("communes", "42218")
    assert (commune.departement, commune.region) == ("42", "84")
    assert commune.departement_name == "Loire"
    assert describe("epci", "244200770").departement == "42"
    assert describe("regions", "84").departement is None


@needs_geometry
@pytest.mark.parametrize(("level", "code", "message"), [
    ("cantons", "42218", "valid levels"),
    ("communes", "99999", "unknown code"),
    ("departements", "42218", "unknown code"),
])
def test_unknown_territory_raises(tmp_path, level, code, message):
    with pytest.raises(ValueError, match=message):
        build_sheet(level, code, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def _profile_bars(code: str):
    """The profile axes of a commune's first page: missing bars, other bars, texts."""
    from atlas.reports import sheet_parts
    from atlas.reports.sheet import sheet_content

    content = sheet_content("communes", code)
    fig = sheet_parts.first_page(content)
    ax = fig.axes[0]  # the profile chart is drawn first
    assert ax.get_title(loc="left").startswith("Profil des 16 domaines")
    missing = [p for p in ax.patches if p.get_gid() == sheet_parts.MISSING_GID]
    drawn = [p for p in ax.patches if p.get_gid() is None]
    texts = [t.get_text() for t in ax.texts]
    return content.result.domain_scores.loc[code], missing, drawn, texts


@needs_geometry
def test_a_missing_domain_is_drawn_as_missing_not_as_zero(tmp_path):
    from atlas.index.level_indices import level_indices

    scores = level_indices("communes").domain_scores
    absent = scores.isna().sum(axis=1)
    code = absent[(absent > 0) & (absent < 8)].index[0]
    domain_scores, missing, drawn, texts = _profile_bars(code)
    n = int(domain_scores.isna().sum())
    assert len(missing) == n and len(drawn) == 16 - n
    assert all(p.get_width() == 1 and p.get_hatch() for p in missing)  # full, hatched
    assert sorted(p.get_width() for p in drawn) == pytest.approx(
        sorted(domain_scores.dropna()))
    assert texts.count(french.MISSING) == n and texts.count(french.MISSING_SHORT) == n
    missing_rows = sorted(p.get_y() + p.get_height() / 2 for p in missing)
    drawn_rows = {round(p.get_y() + p.get_height() / 2, 6) for p in drawn}
    assert not drawn_rows & {round(y, 6) for y in missing_rows}  # no zero-length bar there
    text = _text(build_sheet("communes", code, tmp_path / "fiche.pdf"))
    assert text.count(french.MISSING) >= n
    assert f"Hachuré, {french.MISSING_SHORT} : {french.MISSING}" in text


@needs_geometry
def test_a_complete_profile_has_no_hatched_bar():
    domain_scores, missing, drawn, texts = _profile_bars("42218")
    assert domain_scores.notna().all() and not missing and len(drawn) == 16
    assert french.MISSING not in texts


@needs_geometry
@pytest.mark.parametrize(("level", "code", "whose"), [
    ("regions", "84", "Valeurs de la région Auvergne-Rhône-Alpes"),
    ("communes", "42218", "Valeurs de sa région (Auvergne-Rhône-Alpes)"),
])
def test_sheet_has_the_grand_debat_figures_of_its_region(tmp_path, level, code, whose):
    from atlas.perception.grand_debat import wording
    from atlas.perception.grand_debat.reading import CAVEAT, SOURCE_LABEL
    from atlas.perception.grand_debat.regional import regional_figures

    text = _text(build_sheet(level, code, tmp_path / "fiche.pdf"))
    assert SOURCE_LABEL in text and whose in text
    assert f"Attention : {CAVEAT}." in text
    assert "export du 21 mars 2019" in text  # the source line
    figures = regional_figures("84").table.set_index("question")
    q11 = figures.loc["transition:Q11"]
    share = wording.share_text(q11["share"], q11["ci_low"], q11["ci_high"], compact=True)
    row = (f"Alternatives à la voiture « non » {share} "
           f"{french.percent(q11['france_share'], 1)} {french.integer(q11['contributors'])}")
    assert row.replace(french.NNBSP, " ") in text


@needs_geometry
def test_the_sheet_and_the_page_read_a_commune_against_the_same_references():
    from atlas.index.level_indices import level_indices
    from atlas.reports import territory_profile
    from atlas.reports.sheet import references
    from geodata import store
    from geodata.hierarchy import parent_of

    territory = describe("communes", "15187")  # Saint-Flour, Cantal
    refs = references(territory)
    assert [r.label for r in refs] == ["Département : Cantal",
                                       "Région : Auvergne-Rhône-Alpes", "France"]
    groups = territory_profile.peers(
        territory, parent_of("communes", "regions"),
        store.attributes("communes").set_index("code")["departement"])
    page = territory_profile.domain_profile(level_indices("communes"), territory, groups)
    for ref, (label, _) in zip(refs, groups, strict=True):  # the page's profile, column by column
        assert ref.domain_scores.equals(page[label])


# --- every text readable and inside the margins -----------------------------------------

LAYOUT = {
    "long name": ("communes", "51513"),  # Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson
    "small numbers": ("communes", "43117"),
    "missing values": ("communes", "97611"),  # Mamoudzou: Mayotte lacks most sources
    "long EPCI": ("epci", "249740077"),  # CIVIS, La Réunion: an overseas map
    "département": ("departements", "04"),
    "région": ("regions", "93"),
}


def _boxes(fig):
    """(text, font size, box in points) of every visible text drawn on a page."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text
    from matplotlib.transforms import Affine2D

    fig.set_dpi(288)  # 4 pixels a point: glyph hinting no longer widens the text
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    return [(t.get_text(), t.get_fontsize(),
             t.get_window_extent(renderer).transformed(Affine2D().scale(72 / 288)))
            for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _pdf_runs(path):
    """(page, text, font size, x, y) of every text run written in the PDF."""
    runs = []
    for number, page in enumerate(PdfReader(path).pages, start=1):
        def visit(text, cm, tm, font, size, number=number):
            if text.strip():
                scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
                runs.append((number, text, size * scale, tm[4] * cm[0] + cm[4],
                             tm[5] * cm[3] + cm[5]))
        page.extract_text(visitor_text=visit)
    return runs


@pytest.fixture(scope="module", params=sorted(LAYOUT))
def drawn(request, tmp_path_factory, geodata_root):
    from atlas.reports import sheet_parts
    from atlas.reports.sheet import sheet_content

    level, code = LAYOUT[request.param]
    content = sheet_content(level, code)
    out = sheet_parts.write_pdf(content, tmp_path_factory.mktemp("layout") / "fiche.pdf")
    return content, sheet_parts.pages(content), out


def test_every_text_is_at_least_8_points_and_the_body_9(drawn):
    from atlas.reports.sheet_text import BODY, SMALL

    content, figures, path = drawn
    sizes = [size for fig in figures for _, size, _ in _boxes(fig)]
    assert min(sizes) >= SMALL == 8
    runs = _pdf_runs(path)
    assert runs and min(size for *_, size, _, _ in runs) >= 8 - 1e-6
    # the indicator table and the paragraphs are body text
    by_text = {text.strip(): size for _, text, size, _, _ in runs}
    label = content.indicators["label"].iloc[0]
    lines = [size for text, size in by_text.items() if text and label.startswith(text)]
    assert lines and min(lines) >= BODY == 9
    assert any(size >= 9 for text, size in by_text.items() if text.startswith("Méthode"))


def test_every_text_lies_inside_the_margins(drawn):
    from atlas.reports.sheet_text import BOTTOM, LEFT, RIGHT, TOP

    _, figures, path = drawn
    outside = [(number, text, box.bounds) for number, fig in enumerate(figures, start=1)
               for text, _, box in _boxes(fig)
               if box.x0 < LEFT - 0.5 or box.x1 > RIGHT + 0.5 or box.y0 < BOTTOM - 0.5
               or box.y1 > TOP + 0.5]
    assert not outside
    runs = _pdf_runs(path)
    assert all(LEFT - 0.5 <= x <= RIGHT and BOTTOM - 0.5 <= y <= TOP
               for _, _, _, x, y in runs)


def test_the_long_name_and_the_ranks_are_whole(drawn):
    content, _, path = drawn
    text = _text(path)
    assert content.territory.name in text or content.territory.name.replace("-", "- ") in text
    for _, _, rank in content.scores:
        assert rank.replace(french.NBSP, " ") in text
    pages = len(PdfReader(path).pages)
    assert f"page {pages}/{pages}" in text
