"""Activity ids of Trellis's items and competencies, and the learners a
statement's actor names. Shared by statements in and out, so that a
statement Trellis emits is one Trellis would accept back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from trellis.curriculum import selectors as curriculum_selectors
from trellis.people.selectors import active_learners_named

if TYPE_CHECKING:
    from trellis.curriculum.models import Competency, Item
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
    """Items of this school named by activity id (other schools' never),
    each with ``competency_ids``, read with their competency links in one
    query (the statements resource runs this on every request)."""
    head = f"{prefix()}item:"
    pks = sorted(
        {
            int(a[len(head) :])
            for a in activity_ids
            if a.startswith(head) and a[len(head) :].isdigit() and len(a) - len(head) < 12
        }
    )
    if not pks:
        return {}
    found = curriculum_selectors.items_with_competency_ids(school, pks)
    return {item_activity_id(pk): item for pk, item in found.items()}


def competencies_for(school: School, activity_ids: set[str]) -> dict[str, Competency]:
    """Competencies of this school's frameworks (or shared ones) by URI or
    by Trellis's own competency activity id."""
    head = f"{prefix()}competency:"
    identifiers = {a[len(head) :] for a in activity_ids if a.startswith(head)}
    uris = {a for a in activity_ids if not a.startswith(prefix())}
    if not identifiers and not uris:
        return {}
    found = curriculum_selectors.competencies_named(school, uris=uris, identifiers=identifiers)
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
    """Active learners of this school the actors name: ``mbox`` by email
    (without regard to case), ``account`` by username. A person of another
    school is never matched. One plain query (this runs on every request);
    the users come back with only ``pk``, ``username`` and ``email`` read."""
    keys = {actor_key(a) for a in actors}
    emails = sorted({v for k, v in keys if k == "mbox"})
    usernames = sorted({v for k, v in keys if k == "account"})
    if not emails and not usernames:
        return {}
    wanted_emails, wanted_usernames = set(emails), set(usernames)
    out: dict[tuple[str, str], User] = {}
    for user in active_learners_named(school, usernames, emails):
        if user.email and user.email.lower() in wanted_emails:
            out[("mbox", user.email.lower())] = user
        if user.username in wanted_usernames:
            out[("account", user.username)] = user
    return out


def agent_for(user: User) -> dict:
    return {
        "objectType": "Agent",
        "name": user.get_full_name() or user.username,
        "account": {"homePage": homepage(), "name": user.username},
    }
