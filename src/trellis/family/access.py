"""Fetch a child for the family view: anyone who is not that child's
guardian gets "not found", so that the child's existence does not leak."""

from __future__ import annotations

from trellis.people.access import NOT_FOUND, NotVisible
from trellis.people.models import User


def access_child(user: User, child_id: object) -> User:
    try:
        child = User.objects.get(pk=int(child_id))  # type: ignore[arg-type]
    except (User.DoesNotExist, TypeError, ValueError):
        raise NotVisible(NOT_FOUND) from None
    if not user.has_perm("family.view_child", child):
        raise NotVisible(NOT_FOUND)
    return child
