"""Loaders of the official raw files, one module per publisher format.

Every loader returns a :class:`~indicators.loaders.base.LoadResult`: a tidy table keyed by
commune code (a string), the rows it rejected with the reason, and the count of
secret-statistic cells per column. Malformed input raises a
:class:`~indicators.loaders.base.LoadError` naming the file, row and column.
"""
