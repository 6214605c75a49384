"""Fragility indices: from indicator values to domain, dimension and overall scores.

Normalisation, composition and the method that drives them, indices by level, Monte Carlo
uncertainty, flags, explanations, rank changes and statistical twins.

Imports :mod:`geodata`, :mod:`indicators` and :mod:`french`; nothing else of :mod:`atlas`.
"""
