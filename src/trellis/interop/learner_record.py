"""A learner's complete record as one zip (a family's request to see their
data), and erasure of a learner (a family's request to be forgotten).

Both walk every Trellis model with a foreign key named ``learner`` (or the
account's own rows), so a model another app adds later is included without
a change here. Erasure keeps the anonymous aggregates a school needs —
responses' correctness and timing, mastery records, enrollments — attached
to an anonymised account with no name, email, username or password, and
removes everything else that is about the person."""

from __future__ import annotations

import io
import json
import zipfile
from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from trellis.evidence.services.erasure import learner_evidence_erase
from trellis.interop.models import LearnerErasure
from trellis.people.selectors import guardian_links_of
from trellis.people.services import learner_links_remove, person_identity_erase, person_is_erased

if TYPE_CHECKING:
    from trellis.people.models import User

ALREADY_ERASED = gettext_lazy("That learner's personal data has already been erased.")
#: Kept (anonymised) so class and school figures stay right after erasure.
KEPT = {
    "evidence.Response",
    "evidence.MasteryRecord",
    "evidence.Attempt",
    "evidence.AssessmentAssignment",
    "people.Enrollment",
    "interop.LearnerErasure",
}
#: Not part of the archive: credentials (a token's digest is no one's business).
NOT_ARCHIVED = {"api.ApiToken"}


def _learner_models() -> list[tuple[type[models.Model], str]]:
    out = []
    for model in apps.get_models():
        if not model.__module__.startswith("trellis."):
            continue
        for field in model._meta.fields:
            if (
                field.name in {"learner", "user", "recipient"}
                and field.is_relation
                and field.related_model is not None
                and field.related_model._meta.label == settings.AUTH_USER_MODEL
            ):
                out.append((model, field.name))
    return sorted(out, key=lambda pair: pair[0]._meta.label)


def _rows(model: type[models.Model], field: str, learner: User) -> list[dict]:
    return list(model.objects.filter(**{field: learner}).order_by("pk").values())


def learner_archive(*, learner: User) -> bytes:
    """A zip: ``account.json`` and one JSON file per kind of record."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        account = {
            "id": learner.pk,
            "username": learner.username,
            "first_name": learner.first_name,
            "last_name": learner.last_name,
            "display_name": learner.display_name,
            "email": learner.email,
            "date_joined": learner.date_joined,
            "guardians": list(guardian_links_of(learner)),
        }
        archive.writestr("account.json", json.dumps(account, cls=DjangoJSONEncoder, indent=1))
        index = {}
        for model, field in _learner_models():
            if model._meta.label in NOT_ARCHIVED:
                continue
            rows = _rows(model, field, learner)
            if not rows:
                continue
            name = f"{model._meta.label_lower}.json"
            index[name] = len(rows)
            archive.writestr(name, json.dumps(rows, cls=DjangoJSONEncoder, indent=1))
        archive.writestr(
            "README.txt",
            "Everything Trellis holds about this learner, one JSON file per kind of record.\n"
            + "\n".join(f"{name}: {count} records" for name, count in index.items())
            + "\n",
        )
    return buffer.getvalue()


@transaction.atomic
def learner_erase(*, learner: User, requested_by: User) -> LearnerErasure:
    """Remove the learner's personal data and keep anonymous aggregates."""
    if person_is_erased(learner):
        raise ValueError(ALREADY_ERASED)
    removed: dict[str, int] = {}
    for model, field in _learner_models():
        label = model._meta.label
        if label in KEPT or label == "people.Membership":
            continue
        count, _ = model.objects.filter(**{field: learner}).delete()
        if count:
            removed[label] = count
    # Files attached to performance tasks are the learner's own work (often a
    # photo), and free text a learner wrote may name them: evidence removes
    # the one and blanks the other (the correctness stays).
    count = learner_evidence_erase(learner=learner)
    if count:
        removed["evidence.ResponseProduct"] = count
    learner_links_remove(learner=learner)
    person_identity_erase(user=learner)
    return LearnerErasure.objects.create(
        learner=learner,
        requested_by=requested_by,
        erased_at=timezone.now(),
        removed={k: v for k, v in removed.items() if v},
    )
