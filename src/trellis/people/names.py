"""How a person is shown, apart from the models: a report that reads the
name columns with ``values()`` shows people as ``str(user)`` does, without
importing people's models (which only people queries)."""

from __future__ import annotations


def shown_name(display_name: str, first_name: str, last_name: str, username: str) -> str:
    """How a person is shown (``str(user)``), from the four columns alone: for
    reports that read them with ``values()`` instead of building a ``User``."""
    return display_name or f"{first_name} {last_name}".strip() or username
