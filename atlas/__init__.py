"""Atlas des fragilités territoriales: the library behind the app and the command line.

Sub-packages, from the bottom up (each may import only those listed before it, plus
:mod:`geodata`, :mod:`indicators` and :mod:`french`; none imports Streamlit or the app):

- :mod:`atlas.index`: fragility indices (normalisation, composition, Monte Carlo
  uncertainty, flags, explanations, twins, the vocabulary of methods);
- :mod:`atlas.perception`: perceived fragility (survey model, importers, estimates,
  simulated sample) and its comparison with the indices;
- :mod:`atlas.maps`: what a map shows and how (subjects, per-territory tables, classes,
  palettes, web-map layers, static exported maps);
- :mod:`atlas.reports`: one territory's profile, record and PDF sheet, data files and the
  Export page's downloads;
- :mod:`atlas.cli`: the ``atlas`` command line.
"""
