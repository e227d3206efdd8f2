"""The weekly digest for guardians: what changed, what's next and one thing
to ask your child about, rendered as HTML and plain text in the guardian's
language and sent through Django's email backend."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from trellis.family import selectors
from trellis.family.models import DigestPreference, DigestSent
from trellis.people.selectors import guardians_with_children
from trellis.personalization.selectors import latest_reflection_since

if TYPE_CHECKING:
    from trellis.people.models import User

DIGEST_DAYS = 7


@dataclass(frozen=True)
class ChildDigest:
    child: User
    submitted: list[str]
    progressed: list[str]
    evidence: int
    upcoming: list[str]
    overdue: list[str]
    ask: str


def _ask_about(child: User, progressed: list[str], since: dt.datetime) -> str:
    reflection = latest_reflection_since(child, since)
    if reflection is not None:
        return _("What would you change next time? They wrote: “%(text)s”") % {
            "text": reflection.to_change
        }
    if progressed:
        return _("Ask them to show you how they do: %(what)s") % {"what": progressed[0]}
    goal = selectors.goals_of(child).first()
    if goal is not None:
        return _("How is your goal “%(goal)s” going?") % {"goal": goal.title}
    return _("What was the most interesting thing you learned this week?")


def child_digest(child: User, *, now: dt.datetime | None = None) -> ChildDigest:
    now = now or timezone.now()
    since = now - dt.timedelta(days=DIGEST_DAYS)
    submitted = [a.assessment.title for a in selectors.submitted_since(child, since)]
    rose = selectors.progressed_since(child, since, now)
    progressed = [
        _("%(code)s (%(before)s → %(after)s)")
        % {"code": c.competency.code, "before": _(c.from_label), "after": _(c.to_label)}
        for c in rose
    ]
    upcoming, overdue = selectors.work_for(child, now=now)
    return ChildDigest(
        child=child,
        submitted=submitted,
        progressed=progressed,
        evidence=selectors.recent_evidence_count(child, now=now),
        upcoming=[w.title for w in upcoming[:5]],
        overdue=[w.title for w in overdue],
        ask=_ask_about(child, [c.competency.code for c in rose], since),
    )


def digest_render(guardian: User, *, now: dt.datetime | None = None) -> tuple[str, str, str]:
    """(subject, text, html) in the guardian's language: the one chosen on
    their account (the header's switch) wins, since it is their latest
    explicit choice; otherwise the one kept with the digest setting."""
    pref = DigestPreference.objects.filter(guardian=guardian).first()
    language = guardian.language or (pref.language if pref else settings.LANGUAGE_CODE)
    with translation.override(language):
        children = [child_digest(c, now=now) for c in selectors.children_of(guardian)]
        context = {"guardian": guardian, "children": children}
        subject = _("Your weekly Trellis digest")
        text = render_to_string("family/digest.txt", context)
        html = render_to_string("family/digest.html", context)
    return subject, text, html


def guardians_to_send() -> list[User]:
    """Active guardians with an email address and children, who did not
    turn the digest off."""
    return list(
        guardians_with_children().exclude(digest_preference__weekly_digest=False).order_by("pk")
    )


def week_of(moment: dt.datetime) -> dt.date:
    """The Monday (in the site's time zone) of the week ``moment`` falls in."""
    day = timezone.localdate(moment)
    return day - dt.timedelta(days=day.weekday())


@transaction.atomic
def digest_send(*, guardian: User, now: dt.datetime | None = None) -> bool:
    """Send this week's digest to ``guardian`` unless it was already sent;
    returns whether it was sent now. The (guardian, week) row is inserted
    first, so a second worker trying the same week waits on the unique key
    and then finds it taken; if sending fails the row is rolled back and a
    retry may send it."""
    now = now or timezone.now()
    _sent, created = DigestSent.objects.get_or_create(
        guardian=guardian, week=week_of(now), defaults={"sent_at": now}
    )
    if not created:
        return False
    subject, text, html = digest_render(guardian, now=now)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [guardian.email])
    message.attach_alternative(html, "text/html")
    message.send()
    pref, _created = DigestPreference.objects.get_or_create(guardian=guardian)
    pref.last_sent_at = now
    pref.save(update_fields=["last_sent_at"])
    return True


def digests_send(*, now: dt.datetime | None = None) -> int:
    """Send every due digest not yet sent this week; returns how many were sent."""
    return sum(digest_send(guardian=g, now=now) for g in guardians_to_send())
