"""A mapping file is the user's: bounded, no YAML aliases, and no error echoes its content."""

from __future__ import annotations

import copy

import pytest
import yaml

from atlas.perception.survey.mapping import (
    MAX_MAPPING_BYTES,
    MAX_MESSAGE_CHARS,
    SHOWN_CHARS,
    MappingError,
    load_mapping,
    parse_mapping,
)

SECRET = "SECRET-4242"
BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
survey: *h
"""
VALID = {
    "survey": {"name": "Baromètre"},
    "waves": [{"id": "w1", "name": "Vague 1", "start": "2024-01-08", "end": "2024-01-20",
               "mode": "CAWI"}],
    "columns": {"respondent_id": "ID", "actor": {"constant": "citoyen"},
                "territory_code": "CODE", "territory_level": {"constant": "commune"},
                "weight": {"constant": 1}},
    "dimensions": {"ranks": {"societal": "R1"}},
}


def load_error(tmp_path, content: str | bytes, name: str = "m.yaml") -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(MappingError) as error:
        load_mapping(path)
    message = str(error.value)
    assert message.startswith(str(path)) and len(message) <= MAX_MESSAGE_CHARS
    return message


def test_billion_laughs_is_refused_at_the_first_anchor(tmp_path):
    message = load_error(tmp_path, BILLION_LAUGHS)
    assert "anchors and aliases" in message and "line 1, column 4" in message
    assert "lol" not in message


@pytest.mark.parametrize("content", [
    "survey: &s {name: x}\nother: 1\n",  # an anchor without alias
    "survey: {name: x}\nwaves: *undefined\n",  # an alias (even undefined)
    "survey: {name: x}\ncolumns:\n  <<: *base\n",  # a merge key
])
def test_any_anchor_or_alias_is_refused(tmp_path, content):
    assert "anchors and aliases" in load_error(tmp_path, content)


def test_a_file_over_the_size_limit_is_refused_before_parsing(tmp_path):
    content = "# " + "x" * MAX_MAPPING_BYTES + "\nsurvey: [\n"
    message = load_error(tmp_path, content)
    assert "too large" in message and "not valid YAML" not in message


def test_a_valid_mapping_still_loads(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text(yaml.safe_dump(VALID, allow_unicode=True), encoding="utf-8")
    assert load_mapping(path).name == "Baromètre"


@pytest.mark.parametrize(("content", "where"), [
    (f"ID;{SECRET}: x: y;CODE\n1;2;3\n", "line 1, column"),  # a CSV given as --mapping
    (f"survey: {{name: [{SECRET}\n", "line 2, column 1"),
    (f"survey:\n\t{SECRET}: 1\n", "line 2, column 1"),
    (f"survey: !!python/object/apply:os.system ['{SECRET}']\n", "line 1, column 9"),
    (f"survey: !custom '{SECRET}'\n", "line 1"),
    (f"survey: \"{SECRET}\\q\"\n", "line 1"),
    (f"survey: {SECRET}\x00\n", "character 20"),
])
def test_yaml_errors_give_the_place_not_the_content(tmp_path, content, where):
    message = load_error(tmp_path, content)
    assert "not valid YAML" in message and where in message, message
    assert SECRET not in message and "os.system" not in message, message


def test_a_binary_file_is_refused_without_echo(tmp_path):
    message = load_error(tmp_path, b"\x89PNG\r\n" + SECRET.encode() + b"\xff\xfe")
    assert "not UTF-8 text (byte 1)" in message and SECRET not in message


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(MappingError, match="absent.yaml: cannot read the mapping file"):
        load_mapping(tmp_path / "absent.yaml")


@pytest.mark.parametrize("change", [
    lambda m: m["columns"].update(actor={"constant": "y" * 100_000}),
    lambda m: m["columns"].update(actor={"column": "T", "values": {"1": "z" * 100_000}}),
    lambda m: m["columns"].update(actor={"column": "T", "values": {"k" * 100_000: "maire"}}),
    lambda m: m["columns"].update({"k" * 100_000: "x"}),
    lambda m: m["waves"][0].update(mode=["m" * 1000] * 1000),
    lambda m: m["waves"][0].update(id="w" * 100_000, mode="web"),
    lambda m: m.update(form={"f" * 1000: list(range(10_000))}),
    lambda m: m["survey"].update(name=["n" * 1000]),
])
def test_parse_errors_show_values_cut(change):
    data = copy.deepcopy(VALID)
    change(data)
    with pytest.raises(MappingError) as error:
        parse_mapping(data, source="enquete.yaml")
    message = str(error.value)
    assert len(message) <= MAX_MESSAGE_CHARS, len(message)
    assert " …" in message
    for letter in "yzkmwfn":
        assert letter * SHOWN_CHARS not in message, message


def test_every_mapping_error_is_capped():
    message = str(MappingError("x" * 10_000))
    assert len(message) == MAX_MESSAGE_CHARS and message.endswith(" …")
    assert str(MappingError("short")) == "short"
