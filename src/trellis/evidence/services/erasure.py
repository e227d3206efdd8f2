"""Erasing a learner's own words and work from evidence (a family's request
to be forgotten, run by ``trellis.interop.learner_record``). Evidence is
append-only; this is the one change to it Trellis makes, and it is made
here because only evidence writes its tables (issue #21)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pgtrigger
from django.db import transaction

from trellis.evidence.constants import TRIGGER
from trellis.evidence.models import Response, ResponseProduct

if TYPE_CHECKING:
    from trellis.people.models import User


@transaction.atomic
def learner_evidence_erase(*, learner: User) -> int:
    """Remove the files attached to the learner's performance tasks (often a
    photo: the rows now, the files once the erasure is committed) and blank
    the free text of their answers, which may name them, through the
    append-only trigger; correctness and timing stay, so class and school
    figures stay right. Returns how many files' rows were removed."""
    products = ResponseProduct.objects.filter(response__learner=learner)
    names = [p.file.name for p in products if p.file]
    count, _ = products.delete()
    if count:
        storage = ResponseProduct._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in names])
    with pgtrigger.ignore(f"evidence.Response:{TRIGGER}"):
        Response.objects.filter(learner=learner).update(answer="")
    return count
