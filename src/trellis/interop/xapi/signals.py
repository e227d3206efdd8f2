"""Queue an xAPI statement for each response recorded in Trellis (only
when an outside LRS is configured). Connected in ``InteropConfig.ready``;
a signal keeps the evidence app free of any knowledge of xAPI. Bulk inserts
(demo data, imported data sets) send no signal and are not emitted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models.signals import post_save
from django.dispatch import receiver

if TYPE_CHECKING:
    from trellis.evidence.models import Response
from trellis.interop.xapi.outbox import outbox_enqueue


# The sender by its label: this app does not import evidence's tables.
@receiver(post_save, sender="evidence.Response", dispatch_uid="trellis-xapi-outbox")
def _queue_statement(sender, instance: Response, created: bool, **kwargs) -> None:
    if created:
        outbox_enqueue(response=instance)
