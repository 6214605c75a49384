"""Perceived fragility: survey data, importers, estimates and the simulated sample."""
