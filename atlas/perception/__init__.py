"""Perceived fragility and its comparison with the objective indices.

:mod:`atlas.perception.survey` reads, validates and estimates survey answers (and holds the
simulated sample); the other modules set the perceived priorities beside the indices
(profiles, gaps, their map classes and clusters, the elected official's self-assessment).

Imports :mod:`atlas.index` (and the bottom layers); not maps, reports or the command line.
"""
