"""Helpers shared by the pages: cached data, the method sidebar, cards, selection, the map.

Pages import these; these never import a page.
"""
