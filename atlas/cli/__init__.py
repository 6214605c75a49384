"""The ``atlas`` command line (``atlas --help``; also ``python -m atlas.cli``).

:mod:`~atlas.cli.main` declares the commands, :mod:`~atlas.cli.export_commands` and
:mod:`~atlas.cli.data_commands` the ``export``, ``territory`` and ``data`` families.
May import everything in :mod:`atlas`.
"""
