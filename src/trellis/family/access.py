"""Fetch a child for the family view: anyone who is not that child's
guardian gets "not found", so that the child's existence does not leak."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trellis.people.access import NOT_FOUND, NotVisible
from trellis.people.selectors import person_by_id

if TYPE_CHECKING:
    from trellis.people.models import User


def access_child(user: User, child_id: object) -> User:
    try:
        child = person_by_id(int(child_id))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise NotVisible(NOT_FOUND) from None
    if child is None:
        raise NotVisible(NOT_FOUND)
    if not user.has_perm("family.view_child", child):
        raise NotVisible(NOT_FOUND)
    return child
