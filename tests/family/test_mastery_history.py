"""Mastery history (``evidence.MasteryChange``): each change of a learner's
level is kept with its cause, and the digest and the guardian view report
real changes over the period — a refit of the school's model, which
rewrites every record, is not progress."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.differentiation.conftest import answer, make_curriculum
from tests.family.conftest import client_for
from trellis.evidence.models import MasteryChange, MasteryRecord
from trellis.evidence.models.mastery_state import (
    ATTEMPTED,
    FAMILIAR,
    MASTERED,
    NOT_STARTED,
    PROFICIENT,
)
from trellis.evidence.services import mastery_fit_school, response_correct
from trellis.evidence.services.history import (
    CAUSE_ANSWER,
    CAUSE_CORRECTION,
    CAUSE_REFIT,
    State,
    changes_record,
    history_rebuild,
)
from trellis.evidence.services.responses import new_key
from trellis.family import digest, selectors


def _levels(learner, competency) -> list[tuple[str, str, str]]:
    return list(
        MasteryChange.objects.filter(learner=learner, competency=competency)
        .order_by("changed_at", "pk")
        .values_list("from_level", "to_level", "cause")
    )


def test_each_change_of_level_is_kept_with_its_cause(world):
    c = make_curriculum(world.school)
    first = answer(world.learner, c.prereq_item, False).response
    changes = _levels(world.learner, c.prereq)
    assert changes == [(NOT_STARTED, ATTEMPTED, CAUSE_ANSWER)]
    assert MasteryChange.objects.get().response == first
    # Answers that keep the level add nothing; each new level is one row.
    seen = []
    for _ in range(6):
        answer(world.learner, c.prereq_item, True)
        level = MasteryRecord.objects.get(learner=world.learner, competency=c.prereq).level
        if not seen or seen[-1] != level:
            seen.append(level)
    changes = _levels(world.learner, c.prereq)
    assert [t for _, t, _ in changes] == [ATTEMPTED, *[x for x in seen if x != ATTEMPTED]]
    assert all(cause == CAUSE_ANSWER for *_, cause in changes)
    # Consecutive rows chain: each starts where the previous ended.
    assert all(a[1] == b[0] for a, b in zip(changes, changes[1:], strict=False))
    # A teacher's correction of the first answer is recorded as a correction
    # when it moves the level.
    before = MasteryRecord.objects.get(learner=world.learner, competency=c.prereq).level
    response_correct(
        original=first, recorded_by=world.teacher, idempotency_key=new_key(), correct=True
    )
    after = MasteryRecord.objects.get(learner=world.learner, competency=c.prereq).level
    last = _levels(world.learner, c.prereq)[-1]
    if before != after:
        assert last == (before, after, CAUSE_CORRECTION)
    else:
        assert last[2] == CAUSE_ANSWER


def test_a_refit_that_touches_every_record_is_not_progress(world):
    c = make_curriculum(world.school)
    ten_days_ago = timezone.now() - dt.timedelta(days=10)
    for _ in range(6):
        for item in (c.prereq_item, c.objective_item):
            answer(world.learner, item, True, recorded_at=ten_days_ago)
    high = MasteryRecord.objects.filter(learner=world.learner, level__in=[PROFICIENT, MASTERED])
    assert high.count() == 2
    # The answers' changes are dated when the answers were given.
    assert not MasteryChange.objects.filter(changed_at__gt=ten_days_ago).exists()
    now = timezone.now()
    mastery_fit_school(school=world.school)
    week = now - dt.timedelta(days=digest.DIGEST_DAYS)
    # Every record was rewritten this week ...
    assert MasteryRecord.objects.filter(learner=world.learner, updated_at__gte=now).count() == 2
    # ... and any level the refit moved is kept as a refit, not progress.
    assert set(
        MasteryChange.objects.filter(changed_at__gte=now).values_list("cause", flat=True)
    ) <= {CAUSE_REFIT}
    # A refit that raises a level: recorded, and still not progress.
    record = MasteryRecord.objects.get(learner=world.learner, competency=c.objective)
    changes_record(
        before={(world.learner.pk, c.objective.pk): State(FAMILIAR, 0.5)},
        after={(world.learner.pk, c.objective.pk): State(record.level, record.probability)},
        cause=CAUSE_REFIT,
    )
    assert selectors.progressed_since(world.learner, week) == []
    assert digest.child_digest(world.learner).progressed == []

    # A new answer today that raises a level is this week's progress.
    other = MasteryRecord.objects.filter(learner=world.sibling)
    assert not other.exists()
    for _ in range(4):
        answer(world.sibling, c.prereq_item, True)
    level = MasteryRecord.objects.get(learner=world.sibling, competency=c.prereq)
    rose = selectors.progressed_since(world.sibling, week)
    assert [(x.competency, x.from_level, x.to_level) for x in rose] == [
        (c.prereq, NOT_STARTED, level.level)
    ]
    assert digest.child_digest(world.sibling).progressed == [
        f"{c.prereq.code} (Not started → {level.get_level_display()})"
    ]


def test_guardian_view_shows_this_weeks_changes(world):
    c = make_curriculum(world.school)
    answer(world.learner, c.prereq_item, False)
    page = client_for(world.guardian).get(f"/family/children/{world.learner.pk}/live/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"{c.prereq.code}: started, now Attempted (" in text
    # A first wrong answer is a start, not progress.
    assert selectors.progressed_since(world.learner, timezone.now() - dt.timedelta(days=7)) == []
    # Another family's guardian does not see it.
    assert (
        client_for(world.teacher).get(f"/family/children/{world.learner.pk}/live/").status_code
        == 404
    )


def test_this_weeks_change_ends_where_the_record_stands_now(world):
    """The history keeps changes of level only; answers that keep the level
    still move the probability. "Now" on the guardian's page is the record,
    the same figure as the mastery table beside it, not the figure at which
    the level was crossed."""
    c = make_curriculum(world.school)
    answer(world.learner, c.prereq_item, False)
    crossed = MasteryChange.objects.get(learner=world.learner, competency=c.prereq)
    answer(world.learner, c.prereq_item, False)
    answer(world.learner, c.prereq_item, False)
    record = MasteryRecord.objects.get(learner=world.learner, competency=c.prereq)
    # Still one change of level, and the probability has moved since it.
    assert MasteryChange.objects.filter(learner=world.learner).count() == 1
    assert record.level == crossed.to_level == ATTEMPTED
    now_percent = round(100 * record.probability)
    crossed_percent = round(100 * crossed.to_probability)
    assert now_percent != crossed_percent

    week_ago = timezone.now() - dt.timedelta(days=7)
    [change] = selectors.changes_since(world.learner, week_ago)
    assert (change.to_level, change.to_percent) == (ATTEMPTED, now_percent)
    assert change.from_percent == round(100 * crossed.from_probability)
    # A period with an end keeps the history's figure: the record is now,
    # not then.
    [then] = selectors.changes_since(world.learner, week_ago, timezone.now())
    assert then.to_percent == crossed_percent

    text = client_for(world.guardian).get(f"/family/children/{world.learner.pk}/live/")
    text = text.content.decode()
    assert f"{c.prereq.code}: started, now Attempted ({now_percent}%)" in text
    assert f"Attempted ({crossed_percent}%)" not in text


def test_history_rebuilt_from_evidence_matches_the_history_recorded_live(world):
    c = make_curriculum(world.school)
    pattern = [False, True, True, False, True, True, True, True]
    for correct in pattern:
        answer(world.learner, c.prereq_item, correct)
        answer(world.sibling, c.objective_item, not correct)

    def rows():
        return list(
            MasteryChange.objects.order_by(
                "learner_id", "competency_id", "changed_at", "pk"
            ).values_list("learner_id", "competency_id", "from_level", "to_level", "cause")
        )

    live = rows()
    assert live and {r[-1] for r in live} == {CAUSE_ANSWER}
    assert history_rebuild(school_id=world.school.pk) == len(live)
    assert rows() == live
    # Each chain ends at the record's level.
    for record in MasteryRecord.objects.all():
        last = (
            MasteryChange.objects.filter(learner=record.learner, competency=record.competency)
            .order_by("changed_at", "pk")
            .last()
        )
        assert last.to_level == record.level
