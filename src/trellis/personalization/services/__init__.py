"""Writes for personalization (see the submodules): keyword-only, atomic,
validated, each step notifying the people it concerns."""
