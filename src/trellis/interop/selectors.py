"""Reads of what interop remembers about records from other systems, for
the apps above it (the LTI tool finds people and classes by their roster
``sourcedId`` here rather than querying interop's tables)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trellis.interop.models import SourcedRecord

if TYPE_CHECKING:
    from trellis.people.models import School


def rostered_person(sourced_id: str) -> SourcedRecord | None:
    """The roster record of the person with this ``sourcedId`` who has a
    Trellis account, or None (one query): an LMS launch names a person by
    the roster's id when it gives no e-mail address to match."""
    return SourcedRecord.objects.filter(
        kind=SourcedRecord.USER, sourced_id=sourced_id, user__isnull=False
    ).first()


def rostered_class(school: School, sourced_id: str) -> SourcedRecord | None:
    """The roster record of the school's class with this ``sourcedId``, or
    None (one query): an LMS course is tied to the class its section names."""
    return SourcedRecord.objects.filter(
        kind=SourcedRecord.CLASS, sourced_id=sourced_id, school_class__school=school
    ).first()
