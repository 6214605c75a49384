"""Maps: what a map shows, the table behind it, its classes, and how it is drawn.

- :mod:`~atlas.maps.subjects`: what can be mapped (density, an index, an indicator);
- :mod:`~atlas.maps.map_table`: the value, rank, flag and missing reason of every territory;
- :mod:`~atlas.maps.classify`, :mod:`~atlas.maps.palettes`: classes and colours;
- :mod:`~atlas.maps.web_layers`: compact layers for the interactive web map;
- :mod:`~atlas.maps.static_maps`: PNG, SVG and PDF maps for reports (matplotlib).

Imports :mod:`atlas.index` (and the bottom layers); not perception, reports or the
command line.
"""
