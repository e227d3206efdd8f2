"""Portfolio entries and uploads. An upload's type is decided by its first
bytes, never by its name or the browser's claim; the stored name is random."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from trellis.evidence.uploads import sniff
from trellis.personalization import selectors
from trellis.personalization.models import PortfolioEntry, PortfolioFeedback
from trellis.personalization.models.portfolio import FILE, KINDS, LINK, NOTE, WORK

if TYPE_CHECKING:
    from trellis.evidence.models import Response
    from trellis.people.models import User

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
TOO_BIG = _("The file is {size} bytes; the limit is 10 MB.")
BAD_TYPE = _(
    "Only PDF, PNG, JPEG or plain-text files can be uploaded (this file's content is none of those)."
)
EMPTY_FILE = _("The file is empty.")
UNKNOWN_KIND = _("Unknown entry kind {value!r}; use work, file, link or note.")
KIND_NEEDS = _("A {kind} entry needs {what}.")
NOT_YOUR_WORK = _("Only your own scored work can go in your portfolio.")
UNKNOWN_COMPETENCY = _("Competency {value} is not one you can link to.")
EMPTY_FEEDBACK = _("Write your feedback.")
NOT_SHARED = _("“{title}” is no longer shared with the network.")


def check_upload(upload: UploadedFile) -> str:
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": TOO_BIG.format(size=upload.size)})
    if upload.size == 0:
        raise ValidationError({"file": EMPTY_FILE})
    upload.seek(0)
    kind = sniff(upload.read(2048))
    upload.seek(0)
    if kind is None:
        raise ValidationError({"file": BAD_TYPE})
    return kind


@transaction.atomic
def entry_add(
    *,
    learner: User,
    kind: str,
    title: str,
    competency_id: int | None = None,
    note: str = "",
    url: str = "",
    response: Response | None = None,
    upload: UploadedFile | None = None,
    share_guardians: bool = False,
    share_class: bool = False,
    share_network: bool = False,
) -> PortfolioEntry:
    if kind not in dict(KINDS):
        raise ValidationError({"kind": UNKNOWN_KIND.format(value=kind)})
    needs = {
        WORK: ("a piece of scored work", response),
        FILE: ("a file", upload),
        LINK: ("a link", url),
        NOTE: ("a note", note.strip()),
    }
    what, given = needs[kind]
    if not given:
        raise ValidationError(KIND_NEEDS.format(kind=dict(KINDS)[kind].lower(), what=what))
    if response is not None and response.learner_id != learner.pk:
        raise ValidationError({"response": NOT_YOUR_WORK})
    competency = None
    if competency_id:
        competency = selectors.competencies_for(learner).filter(pk=competency_id).first()
        if competency is None:
            raise ValidationError({"competency": UNKNOWN_COMPETENCY.format(value=competency_id)})
    entry = PortfolioEntry(
        learner=learner,
        kind=kind,
        title=title.strip(),
        competency=competency,
        note=note.strip(),
        url=url if kind == LINK else "",
        response=response if kind == WORK else None,
        share_guardians=share_guardians,
        share_class=share_class,
        share_network=share_network,
    )
    if kind == FILE and upload is not None:
        entry.content_type = check_upload(upload)
        entry.original_name = (upload.name or "")[:200]
        entry.file.save("upload", upload, save=False)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def entry_share(
    *, entry: PortfolioEntry, share_guardians: bool, share_class: bool, share_network: bool
) -> PortfolioEntry:
    entry.share_guardians, entry.share_class, entry.share_network = (
        share_guardians,
        share_class,
        share_network,
    )
    entry.save(update_fields=["share_guardians", "share_class", "share_network"])
    return entry


@transaction.atomic
def feedback_give(*, entry: PortfolioEntry, author: User, text: str) -> PortfolioFeedback:
    """A network member's feedback on a shared entry (``author`` may give it:
    checked by the access module); the learner is notified."""
    from django.urls import reverse

    from trellis.personalization.services.notify import notification_send

    entry = PortfolioEntry.objects.select_for_update().get(pk=entry.pk)
    if not text.strip():
        raise ValidationError({"text": EMPTY_FEEDBACK})
    if not entry.share_network:
        raise ValidationError(NOT_SHARED.format(title=entry.title))
    feedback = PortfolioFeedback(entry=entry, author=author, text=text.strip())
    feedback.full_clean()
    feedback.save()
    notification_send(
        recipients=[entry.learner],
        text=_("%(author)s left feedback on “%(title)s”: %(text)s"),
        params={"author": author, "title": entry.title, "text": feedback.text[:150]},
        url=reverse("personalization:portfolio"),
    )
    return feedback
