"""The site menu, by role and grouped.

A teacher has a dozen places to go and an admin nearly as many; in one row
they overflow a phone and hide each other. Grouping them by what the person
is doing (a teacher plans, teaches, assesses, reports; an admin looks after
people, the curriculum and the school's data) keeps each group short, and
the header shows only the groups of the roles a person holds: a guardian
sees family items, never a learner's ("My group"). Building the menu costs
no query: the roles come from the user's cached ``role_schools``."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from trellis.people import roles
from trellis.people.models import User


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    current: bool = False


@dataclass(frozen=True)
class MenuGroup:
    """A named group of links; ``key`` names its element ids and tests."""

    key: str
    label: str
    links: tuple[MenuLink, ...]


def _group(key: str, label: str, names: list[tuple[str, str]], path: str) -> MenuGroup:
    links = []
    for text, name in names:
        url = reverse(name)
        links.append(MenuLink(label=text, url=url, current=path == url))
    return MenuGroup(key=key, label=label, links=tuple(links))


def menu_for(user: User, path: str = "") -> list[MenuGroup]:
    """The groups of links for every role ``user`` holds, each link once
    (in the first group that has it)."""
    held = user.role_set()
    groups: list[MenuGroup] = []
    if roles.LEARNER in held:
        groups.append(
            _group(
                "learn",
                str(_("Learn")),
                [
                    (str(_("My competencies")), "my-competencies"),
                    (str(_("Assessments")), "assessment-list"),
                    (str(_("My modules")), "my-modules"),
                    (str(_("My group")), "diff-my-group"),
                    (str(_("My learning")), "personalization:goals"),
                    (str(_("Individual plans")), "plan-list"),
                    (str(_("Outside activity")), "xapi-activity-overview"),
                ],
                path,
            )
        )
    if roles.TEACHER in held:
        groups += [
            _group(
                "plan",
                str(_("Plan")),
                [
                    (str(_("Frameworks")), "framework-list"),
                    (str(_("Individual plans")), "plan-list"),
                    (str(_("Differentiate")), "diff-home"),
                ],
                path,
            ),
            _group(
                "teach",
                str(_("Teach")),
                [
                    (str(_("Guide learners")), "personalization:guidance"),
                    (str(_("Choices")), "personalization:choices"),
                    (str(_("Outside activity")), "xapi-activity-overview"),
                ],
                path,
            ),
            _group(
                "assess",
                str(_("Assess")),
                [
                    (str(_("Assessments")), "assessment-list"),
                    (str(_("Questions")), "item-list"),
                ],
                path,
            ),
            _group("report", str(_("Report")), [(str(_("Continuum")), "continuum")], path),
        ]
    if roles.GUARDIAN in held:
        groups.append(
            _group(
                "family",
                str(_("Family")),
                [
                    (str(_("My children")), "family"),
                    (str(_("Goals and portfolios")), "personalization:family"),
                    (str(_("Individual plans")), "plan-list"),
                    (str(_("Outside activity")), "xapi-activity-overview"),
                ],
                path,
            )
        )
    if roles.ADMIN in held or user.is_superuser:
        groups += [
            _group(
                "people",
                str(_("People")),
                [
                    (str(_("Individual plans")), "plan-list"),
                    (str(_("Outside activity")), "xapi-activity-overview"),
                    (str(_("Differentiate")), "diff-home"),
                ],
                path,
            ),
            _group(
                "curriculum",
                str(_("Curriculum")),
                [
                    (str(_("Frameworks")), "framework-list"),
                    (str(_("Questions")), "item-list"),
                ],
                path,
            ),
            _group(
                "data",
                str(_("Data")),
                [
                    (str(_("Data tools")), "data-tools"),
                    (str(_("Exports")), "data-exports"),
                    (str(_("Learner records")), "data-learner-record"),
                    (str(_("Continuum")), "continuum"),
                ],
                path,
            ),
        ]
    seen: set[str] = set()
    unique: list[MenuGroup] = []
    for group in groups:
        links = tuple(link for link in group.links if link.url not in seen)
        seen.update(link.url for link in links)
        if links:
            unique.append(MenuGroup(key=group.key, label=group.label, links=links))
    return unique
