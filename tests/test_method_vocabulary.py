"""The method's vocabulary covers exactly the choices the index accepts."""

from atlas.index import method_vocabulary as vocabulary
from atlas.index.composite import AGGREGATIONS, FRAMES, Method
from atlas.index.method_note import method_text
from atlas.index.normalize import NORMALISERS


def test_every_choice_of_the_index_is_named_and_the_default_comes_first():
    ids = {option: [c.id for c in choices] for option, choices in vocabulary.OPTIONS.items()}
    assert set(ids["normalisation"]) == set(NORMALISERS)
    assert set(ids["frame"]) == set(FRAMES)
    assert set(ids["aggregation"]) == set(AGGREGATIONS)
    default = Method()
    for option, choices in ids.items():
        assert choices[0] == getattr(default, option)
        assert vocabulary.labels(option)[choices[0]].endswith("(défaut)")
    assert set(vocabulary.TITLES) == set(vocabulary.HELP) == set(vocabulary.OPTIONS)


def test_map_subtitle_and_command_line_use_the_same_names():
    import argparse

    from atlas.cli.arguments import method_options

    parser = argparse.ArgumentParser()
    method_options(parser)
    helps = {a.dest: a.help for a in parser._actions if a.dest in vocabulary.OPTIONS}
    text = method_text(Method(normalisation="zscore", frame="region",
                              aggregation="arithmetic"))
    for option, ident in (("normalisation", "zscore"), ("frame", "region")):
        short = vocabulary.choice(option, ident).short
        assert short in text and f"{ident}: {short}" in helps[option]
