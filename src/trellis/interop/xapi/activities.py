"""Activity ids of Trellis's items and competencies, and the learners a
statement's actor names. Shared by statements in and out, so that a
statement Trellis emits is one Trellis would accept back."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q

from trellis.curriculum.models import Competency, Item
from trellis.people import roles
from trellis.people.models import School, User


def prefix() -> str:
    return getattr(settings, "TRELLIS_XAPI_ACTIVITY_PREFIX", "urn:trellis:")


def homepage() -> str:
    return getattr(settings, "TRELLIS_XAPI_HOMEPAGE", "urn:trellis:accounts")


def item_activity_id(item_id: int) -> str:
    return f"{prefix()}item:{item_id}"


def competency_activity_id(competency: Competency) -> str:
    return competency.uri or f"{prefix()}competency:{competency.identifier}"


def items_for(school: School, activity_ids: set[str]) -> dict[str, Item]:
    """Items of this school named by activity id (other schools' never)."""
    head = f"{prefix()}item:"
    pks = {
        int(a[len(head) :])
        for a in activity_ids
        if a.startswith(head) and a[len(head) :].isdigit() and len(a) - len(head) < 12
    }
    items = Item.objects.filter(school=school, pk__in=pks) if pks else Item.objects.none()
    return {item_activity_id(i.pk): i for i in items}


def competencies_for(school: School, activity_ids: set[str]) -> dict[str, Competency]:
    """Competencies of this school's frameworks (or shared ones) by URI or
    by Trellis's own competency activity id."""
    head = f"{prefix()}competency:"
    identifiers = {a[len(head) :] for a in activity_ids if a.startswith(head)}
    uris = {a for a in activity_ids if not a.startswith(prefix())}
    if not identifiers and not uris:
        return {}
    found = Competency.objects.filter(
        Q(framework__school=school) | Q(framework__school__isnull=True),
        Q(uri__in=uris) | Q(identifier__in=identifiers),
    )
    out: dict[str, Competency] = {}
    for c in found:
        if c.uri in activity_ids:
            out.setdefault(c.uri, c)
        if f"{head}{c.identifier}" in activity_ids:
            out.setdefault(f"{head}{c.identifier}", c)
    return out


def actor_key(actor: dict) -> tuple[str, str]:
    if "mbox" in actor:
        return ("mbox", actor["mbox"][len("mailto:") :].lower())
    return ("account", actor["account"]["name"])


def learners_for(school: School, actors: list[dict]) -> dict[tuple[str, str], User]:
    """Active learners of this school the actors name: ``mbox`` by email,
    ``account`` by username. A person of another school is never matched."""
    keys = {actor_key(a) for a in actors}
    emails = {v for k, v in keys if k == "mbox"}
    usernames = {v for k, v in keys if k == "account"}
    named = Q(username__in=usernames)
    for email in emails:  # emails are matched without regard to case
        named |= Q(email__iexact=email)
    learners = User.objects.filter(
        named,
        is_active=True,
        memberships__school=school,
        memberships__role=roles.LEARNER,
        memberships__active=True,
    ).distinct()
    out: dict[tuple[str, str], User] = {}
    for user in learners:
        if user.email and user.email.lower() in emails:
            out[("mbox", user.email.lower())] = user
        if user.username in usernames:
            out[("account", user.username)] = user
    return out


def agent_for(user: User) -> dict:
    return {
        "objectType": "Agent",
        "name": user.get_full_name() or user.username,
        "account": {"homePage": homepage(), "name": user.username},
    }
