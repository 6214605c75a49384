"""The sidebar box that leaves the immigrant and foreigner shares out of the index."""

import shlex

import pytest
from app_support import carte_table, open_app

from app_pages.common import method
from atlas.cli.arguments import method_from_args
from atlas.cli.main import _parser
from atlas.index.composite import Method
from atlas.index.method_vocabulary import ORIGIN_INDICATORS
from atlas.maps import subjects

BOX = "method_without_origin"
WITHOUT = Method(weights=dict.fromkeys(ORIGIN_INDICATORS, 0.0))


def overall_table(at):
    return carte_table(at).set_index("code")["value"]


def test_the_box_changes_the_index_and_the_reset_unticks_it():
    at = open_app("app_pages/carte.py")
    at.selectbox(key="map_what").select("domain:diversity_disability").run()
    at.segmented_control(key="map_level").set_value("departements").run()
    before = overall_table(at)
    assert before.to_numpy() == pytest.approx(
        subjects.values("domain:diversity_disability", "departements")[before.index]
        .to_numpy(), nan_ok=True)
    at.checkbox(key=BOX).check().run()
    assert not at.exception
    after = overall_table(at)
    expected = subjects.values("domain:diversity_disability", "departements", WITHOUT)
    assert after.to_numpy() == pytest.approx(expected[after.index].to_numpy(), nan_ok=True)
    assert (after.fillna(-1) != before.fillna(-1)).mean() > 0.5  # the domain is another one
    notes = [i.value for i in at.sidebar.info]
    assert any("parts des immigrés et des étrangers exclues de l'indice" in n for n in notes)
    at.selectbox(key="map_what").select("overall").run()
    overall = overall_table(at)
    assert overall.to_numpy() == pytest.approx(
        subjects.values("overall", "departements", WITHOUT)[overall.index].to_numpy(),
        nan_ok=True)
    at.button(key="method_reset").click().run()
    assert at.checkbox(key=BOX).value is False
    assert overall_table(at).to_numpy() == pytest.approx(
        subjects.values("overall", "departements")[overall.index].to_numpy(), nan_ok=True)


def test_the_export_commands_follow_the_box():
    at = open_app("app_pages/export.py", **{BOX: True})
    assert not at.exception
    parser = _parser()
    commands = [c.value for c in at.code if c.value.startswith("atlas ")]
    assert [c.value for c in at.code if c.value.startswith("http")] == [
        "http://localhost:8501/export?sans_origine=1"]  # « Copier le lien » keeps the box
    assert len(commands) == 4  # map, the 18 régions' maps, sheet, regional report
    for command in commands:
        assert "--weight immigrant_share=0" in command
        args = parser.parse_args(shlex.split(command)[1:])
        assert dict(method_from_args(args).weights) == dict.fromkeys(ORIGIN_INDICATORS, 0.0)
    assert any("--weight immigrant_share=0" in c.value for c in at.caption)


def test_description_names_the_choice_once():
    assert method.without_origin(WITHOUT) and not method.without_origin(Method())
    text = method.describe(WITHOUT)
    assert text == ("Méthode modifiée : parts des immigrés et des étrangers exclues de "
                    "l'indice.")
    both = method.describe(Method(weights={**dict(WITHOUT.weights), "health": 2.0}))
    assert "exclues de l'indice ; poids 2 pour « Santé »" in both
    assert "immigrant_share" not in both
    from atlas.reports.sheet_parts import method_note

    assert "Part des étrangers ×0, Part des immigrés ×0" in method_note(WITHOUT)
