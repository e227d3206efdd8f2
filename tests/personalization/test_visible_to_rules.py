"""Every personalization ``*_visible_to`` selector against its rule, for
every person of two whole schools (see tests/sweep/agreement.py). The two
that list within one record (a learner's portfolio, an entry's feedback)
are asked about every learner and every entry in turn."""

from __future__ import annotations

import pytest

from tests.sweep.agreement import disagreements
from tests.sweep.fixture import build_sweep
from trellis.people.models import Membership
from trellis.personalization import selectors
from trellis.personalization.models import (
    Goal,
    HelpRequest,
    PortfolioEntry,
    PortfolioFeedback,
    Proposal,
)

pytestmark = [pytest.mark.django_db, pytest.mark.privacy]

CASES = {
    "goals_visible_to": (Goal, "personalization.view_record"),
    "proposals_visible_to": (Proposal, "personalization.view_record"),
    "help_requests_visible_to": (HelpRequest, "personalization.view_help"),
}


@pytest.mark.parametrize("selector", sorted(CASES))
def test_visible_to_agrees_with_rules(selector):
    sweep = build_sweep()
    model, perm = CASES[selector]
    listed = getattr(selectors, selector)
    assert disagreements(sweep, selector, listed, model.objects.all(), perm) == []


def test_entries_and_feedback_visible_to_agree_with_rules():
    sweep = build_sweep()
    found = []
    learners = {m.user for m in Membership.objects.filter(role="learner").select_related("user")}
    for learner in learners:
        found += (
            disagreements(
                sweep,
                f"entries_visible_to(·, {learner.username})",
                lambda user, learner=learner: selectors.entries_visible_to(user, learner),
                PortfolioEntry.objects.filter(learner=learner),
                "personalization.view_entry",
            )
            if PortfolioEntry.objects.filter(learner=learner).exists()
            else []
        )
    for entry in PortfolioEntry.objects.all():
        if not PortfolioFeedback.objects.filter(entry=entry).exists():
            continue
        found += disagreements(
            sweep,
            f"feedback_visible_to(·, entry {entry.pk})",
            lambda user, entry=entry: selectors.feedback_visible_to(user, entry),
            PortfolioFeedback.objects.filter(entry=entry),
            "personalization.view_feedback",
        )
    assert found == []
