"""Advance a learner's pace as soon as a new response could pass a check,
and take a plan's history with it when the plan goes.

Evidence is recorded by the evidence app; rather than edit it, this listens
for new responses and, once the transaction commits, re-checks the
learner's modules (cheap: a few queries per unfinished pace; none when
the answer endpoint already knows there is no pace under way, ``pace_hint``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from reversion.models import Revision

from trellis.individualization.models import IndividualPlanVersion
from trellis.individualization.pace_hint import no_pace_under_way

if TYPE_CHECKING:
    from trellis.evidence.models import Response


# The sender by its label: this app does not import evidence's tables.
@receiver(post_save, sender="evidence.Response", dispatch_uid="individualization-pace-on-response")
def _advance_on_response(sender, instance: Response, created: bool, **kwargs) -> None:
    if not created:
        return
    # The learner as the answer was recorded with (never read here): the
    # answer endpoint notes on it whether a pace was under way.
    learner = instance._meta.get_field("learner").get_cached_value(instance, None)
    if no_pace_under_way(learner):
        return
    from trellis.individualization.services.pacing import paces_sync_for_learner

    learner_id = instance.learner_id
    transaction.on_commit(lambda: paces_sync_for_learner(learner_id))


@receiver(post_delete, sender=IndividualPlanVersion, dispatch_uid="individualization-drop-revision")
def _drop_revision(sender, instance: IndividualPlanVersion, **kwargs) -> None:
    """A plan's versions go with the plan (an erased learner's plan, a
    deleted account): the reversion revision, which holds the plan's words
    and is not a child of the plan in the database, goes with its row."""
    Revision.objects.filter(pk=instance.revision_id).delete()
