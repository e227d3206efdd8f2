"""The full demo school: Maths 6A reads as differentiation, 6B as
individualization, 6C as personalization (timing belongs in bench/)."""

from __future__ import annotations

import pytest

from trellis.people.demo import demo_load
from trellis.people.models import SchoolClass
from trellis.reports import counts, selectors

pytestmark = pytest.mark.django_db


def test_demo_classes_land_on_their_approach():
    demo_load()
    expected = {
        "Maths 6A": "mostly differentiation",
        "Maths 6B": "mostly individualization",
        "Maths 6C": "mostly personalization",
    }
    start, end = selectors.parse_range(None, None)
    for name, label in expected.items():
        school_class = SchoolClass.objects.get(name=name)
        result = selectors.continuum_for(counts.class_scope(school_class), start, end)
        assert result.report.label == label, (name, result.report.note)
    _demo_groupings_come_from_the_engine()


def _demo_groupings_come_from_the_engine():
    """6A's groupings are the grouping engine's, from the learners' evidence:
    each group explained with the evidence of each placement, never
    "already shows mastery" for a learner "Before the lesson" does not list
    for extension; and the classes' learners have varied profiles."""
    from trellis.differentiation import selectors as diff_selectors
    from trellis.differentiation.models import Grouping
    from trellis.personalization.models import LearnerProfile

    six_a = SchoolClass.objects.get(name="Maths 6A")
    groupings = list(Grouping.objects.filter(school_class=six_a).order_by("created_at", "pk"))
    assert [g.kind for g in groupings] == ["readiness", "readiness", "interest"]
    for grouping in groupings:
        assert grouping.features  # saved with what it was grouped on
        report = diff_selectors.before_lesson(six_a, grouping.objective)
        extension = {r.learner.pk for r in report.extension}
        for group in grouping.groups.all():
            members = set(group.memberships.values_list("learner_id", flat=True))
            assert group.explanation.startswith(f"{group.label}: ")
            assert "Evidence: " in group.explanation or grouping.kind == "interest"
            if "already shows mastery" in group.explanation:
                assert members <= extension | {r.learner.pk for r in report.not_assessed}
    interest = groupings[-1]
    assert len({g.explanation.split(".")[0] for g in interest.groups.all()}) == 3
    for name in ("Maths 6A", "Maths 6B", "Maths 6C"):
        learners = SchoolClass.objects.get(name=name).enrollments.values("learner_id")
        tags = {
            tuple(p.interest_tags) for p in LearnerProfile.objects.filter(learner_id__in=learners)
        }
        assert len(tags) >= 5, (name, tags)
    # 6C's help requests have replies, some thanked and resolved.
    from trellis.personalization.models.network import HelpReply, HelpRequest

    six_c = SchoolClass.objects.get(name="Maths 6C").enrollments.values("learner_id")
    asked = HelpRequest.objects.filter(learner_id__in=six_c)
    assert HelpReply.objects.filter(request__in=asked).exists()
    assert asked.filter(resolved_at__isnull=False).exists()
    assert asked.filter(resolved_at__isnull=True).exists()
    # 6C's learners set goals of their own, not one shared title.
    from trellis.personalization.models import Goal

    titles = set(Goal.objects.filter(learner_id__in=six_c).values_list("title", flat=True))
    assert len(titles) >= 4, titles
