"""What is said of one territory or one level, on screen, on paper and in files.

A territory's identity, profile (the Territoire page), record (JSON) and indicator table;
the PDF sheet; data files of a level; the Export page's downloads; the build report's
French wording.

Imports :mod:`atlas.index`, :mod:`atlas.perception` and :mod:`atlas.maps`; not the command
line.
"""
