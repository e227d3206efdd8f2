"""Fetching curriculum records on someone's behalf: unseen is 404, seen but
not allowed is 403 (the same convention as ``trellis.people.access``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext, gettext_noop

from trellis.curriculum.models import Competency, Framework, Item, Resource
from trellis.people.access import FORBIDDEN, NOT_FOUND, NotVisible, get_or_not_visible

if TYPE_CHECKING:
    from trellis.people.models import User

GLOBAL_FRAMEWORKS_BY_OPERATORS = gettext_noop(
    "Only site operators import global frameworks; pass school_id."
)


def access_framework(user: User, framework_id: object) -> Framework:
    framework = get_or_not_visible(Framework, framework_id)
    if not user.has_perm("curriculum.view_framework", framework):
        raise NotVisible(NOT_FOUND)
    return framework


def access_framework_to_manage(user: User, framework_id: object) -> Framework:
    framework = access_framework(user, framework_id)
    if not user.has_perm("curriculum.manage_framework", framework):
        raise PermissionDenied(FORBIDDEN)
    return framework


def access_competency(user: User, competency_id: object) -> Competency:
    competency = get_or_not_visible(Competency, competency_id)
    if not user.has_perm("curriculum.view_framework", competency.framework):
        raise NotVisible(NOT_FOUND)
    return competency


def access_item(user: User, item_id: object) -> Item:
    item = get_or_not_visible(Item, item_id)
    if not user.has_perm("curriculum.view_item", item):
        raise NotVisible(NOT_FOUND)
    return item


def access_resource(user: User, resource_id: object) -> Resource:
    resource = get_or_not_visible(Resource, resource_id)
    if not user.has_perm("curriculum.view_item", resource):
        raise NotVisible(NOT_FOUND)
    return resource


def access_global_framework_import(user: User) -> None:
    """Refuse (403) a framework import for every school unless ``user`` is a
    site operator: a school's staff import into their own school."""
    if not user.has_perm("curriculum.import_global_framework"):
        raise PermissionDenied(gettext(GLOBAL_FRAMEWORKS_BY_OPERATORS))
