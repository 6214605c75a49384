"""Catalogue of official indicators and loaders of the publishers' raw files."""
