"""A mayor's path through the served app, in headless Chromium, offline.

Search Saint-Étienne on the map page, open its sheet, look at « Objectif vs perçu », come
back and download the PDF sheet. Screenshots of every step go to
``artifacts/screenshots/mayor-*.png`` (1366 × 768, a common laptop screen).

Run with ``pytest -m browser``; skipped when ``/usr/bin/chromium`` is absent.
"""

import io
import re

import pytest
from test_browser import (  # noqa: F401  (fixtures)
    SCREENSHOTS,
    TIMEOUT_MS,
    browser,
    offline_page,
    server,
    settle,
    wait_drawn,
)

pytestmark = pytest.mark.browser
SHEET_TIMEOUT_MS = 180_000  # first display of a commune: indices and 200 method variants


@pytest.fixture
def page(browser, server):  # noqa: F811
    """A laptop-sized page that may only talk to the local server, downloads allowed."""
    context = browser.new_context(viewport={"width": 1366, "height": 768},
                                  accept_downloads=True, locale="fr-FR")
    page = offline_page(context)
    page.goto(server)
    yield page
    context.close()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    settle(page, SHEET_TIMEOUT_MS)
    page.screenshot(path=SCREENSHOTS / f"mayor-{name}.png")


def scroll_to(page, heading: str) -> None:
    """Bring the heading ``heading`` to the top of the window."""
    page.get_by_role("heading", name=heading).first.evaluate(
        "e => e.scrollIntoView({block: 'start'})")


def nav(page, title: str) -> None:
    """Follow the sidebar link to the page ``title``."""
    page.locator("[data-testid='stSidebarNavLink']", has_text=title).first.click()


def wait_sheet(page, name: str) -> None:
    """Wait until the sheet of ``name`` is drawn down to its last section."""
    page.get_by_role("heading", name=name, exact=True).wait_for(timeout=SHEET_TIMEOUT_MS)
    page.get_by_role("heading", name=re.compile("Priorités perçues")).wait_for(
        timeout=SHEET_TIMEOUT_MS)
    settle(page, SHEET_TIMEOUT_MS)


def open_sheet_from_map(page) -> str:
    """The map page's button when it is there, else the Territoire page's own search.

    Returns which way was taken: ``"button"`` or ``"search"``.
    """
    button = page.get_by_role("button", name="Ouvrir la fiche du territoire")
    try:
        button.wait_for(timeout=15_000)
    except Exception:  # noqa: BLE001 - the button is optional: fall back on the search
        nav(page, "Territoire")
        page.get_by_role("textbox", name="Rechercher un territoire").fill("saint etienne")
        page.keyboard.press("Enter")
        page.get_by_role("combobox", name=re.compile("Territoires trouvés")).click()
        page.get_by_role("option", name="Saint-Étienne (42218) – commune").click()
        return "search"
    button.click()
    return "button"


def test_mayor_finds_reads_and_downloads_the_sheet(page, tmp_path):
    from pypdf import PdfReader

    # 1. The map, then the search for the commune.
    wait_drawn(page, "regions,frames")
    shot(page, "1-carte")
    page.get_by_role("textbox", name="Rechercher une commune").fill("saint etienne")
    page.keyboard.press("Enter")
    page.get_by_role("combobox", name=re.compile("Communes trouvées")).click()
    page.get_by_role("option", name=re.compile(r"Saint-Étienne \(42218\)")).click()
    page.get_by_role("heading", name="Saint-Étienne").first.wait_for(timeout=TIMEOUT_MS)
    shot(page, "2-recherche")

    # 2. Its sheet.
    way = open_sheet_from_map(page)
    print(f"sheet opened by the {way}")
    page.wait_for_url(re.compile("/territoire"), timeout=TIMEOUT_MS)
    wait_sheet(page, "Saint-Étienne")
    page.get_by_text("Loire (42)").first.wait_for(timeout=TIMEOUT_MS)
    shot(page, "3-fiche")
    scroll_to(page, "Profil des 16 domaines")
    shot(page, "4-profil")
    scroll_to(page, "Dimensions et indice global")
    shot(page, "5-rangs")
    scroll_to(page, "Territoires jumeaux")
    shot(page, "6-jumeaux")
    assert page.get_by_text("données simulées").count() >= 1

    # 3. « Objectif vs perçu », and back: the sheet is still Saint-Étienne's.
    nav(page, "Objectif vs perçu")
    page.get_by_role("heading", name="Objectif vs perçu").wait_for(timeout=TIMEOUT_MS)
    page.get_by_text("Source de la perception").wait_for(timeout=SHEET_TIMEOUT_MS)
    settle(page, SHEET_TIMEOUT_MS)
    shot(page, "7-objectif-percu")
    nav(page, "Territoire")
    wait_sheet(page, "Saint-Étienne")
    scroll_to(page, "Saint-Étienne")
    shot(page, "8-retour-fiche")

    # 4. The PDF, built on click.
    with page.expect_download(timeout=SHEET_TIMEOUT_MS) as download:
        page.get_by_role("button", name=re.compile("Télécharger la fiche PDF")).click()
    assert download.value.suggested_filename == "fiche-42218.pdf"
    path = tmp_path / "fiche.pdf"
    download.value.save_as(path)
    content = path.read_bytes()
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    assert 2 <= len(reader.pages) <= 6
    assert "Saint-Étienne" in reader.pages[0].extract_text()
    shot(page, "9-telechargement")
    assert page.blocked == []


def test_sheet_page_search_with_the_keyboard(page, server):  # noqa: F811
    """The Territoire page's own search, used from the keyboard: a département."""
    page.goto(f"{server}/territoire")
    page.get_by_role("heading", name="Fiche du territoire").wait_for(timeout=TIMEOUT_MS)
    field = page.get_by_role("textbox", name="Rechercher un territoire")
    field.fill("loire")
    field.press("Enter")
    hits = page.get_by_role("combobox", name=re.compile("Territoires trouvés"))
    hits.wait_for(timeout=TIMEOUT_MS)
    hits.focus()
    page.keyboard.type("Loire (42)")
    page.keyboard.press("Enter")
    wait_sheet(page, "Loire")
    page.get_by_text("Région\u00a0: Auvergne-Rhône-Alpes").first \
        .wait_for(timeout=TIMEOUT_MS)
    shot(page, "departement-loire")
    assert page.blocked == []


def test_a_sheet_on_a_phone_fits_its_width(browser, server):  # noqa: F811
    """390 × 844: no sideways scrolling of the page, the profile's legend inside the screen,
    and the indicator table starts with the indicator's name then its value."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR",
                                  is_mobile=True, has_touch=True)
    page = offline_page(context)
    page.goto(f"{server}/territoire?territoire=communes:15187")
    wait_sheet(page, "Saint-Flour")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    legend = page.get_by_text(re.compile("Médiane des communes")).first
    legend.scroll_into_view_if_needed()
    box = legend.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "phone-territoire-profile.png")
    scroll_to(page, "Indicateurs")
    settle(page, SHEET_TIMEOUT_MS)
    page.screenshot(path=SCREENSHOTS / "phone-territoire-indicators.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.blocked == []
    context.close()
