"""Writes for individualization (plans, progress, pacing, reports)."""
