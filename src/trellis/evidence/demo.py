"""A month of simulated learning for the demo school, stored as evidence,
then the school's mastery model fit on it and every record computed.

The simulation is a small knowledge-tracing generator: each learner has an
ability; they work through the competencies in prerequisite order, each
competency either known or not (known from the start with a probability that
rises with ability and grade, learnt after each attempt with a probability
that rises with ability); answers follow guess and slip rates, with a little
item difficulty. A learner moves on after three correct answers in a row or
twelve tries, and now and then revisits an earlier competency. Timestamps
spread over ``days`` school days and end within the last hours, so the live
views look alive. Everything is bulk-inserted: ~30 000 responses in seconds.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict

from django.utils import timezone

from trellis.curriculum.graph import topological_order
from trellis.curriculum.models import Framework, Item
from trellis.curriculum.models import item as kinds
from trellis.curriculum.selectors import assessable_competencies, prerequisites_of
from trellis.evidence.models import Response
from trellis.evidence.models import assessment as a
from trellis.evidence.models import response as r
from trellis.evidence.services import (
    assessment_create,
    attempt_start,
    mastery_fit_school,
    response_record,
)
from trellis.people.models import School, SchoolClass, User

RESPONSES_PER_LEARNER = (120, 300)
GUESS, SLIP = 0.18, 0.08


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _simulate_learner(
    rng: random.Random,
    order: list[int],
    items_by_comp: dict[int, list[int]],
    grade: int,
    codes: dict[int, str],
    n_responses: int,
) -> list[tuple[int, bool]]:
    ability = rng.gauss(0, 1)
    learn = min(0.35, max(0.03, 0.10 + 0.06 * ability))
    known: dict[int, bool] = {}
    for cid in order:
        bonus = (
            0.8
            if codes[cid].startswith("6") and grade >= 7
            else (-1.5 if codes[cid].startswith("7") and grade < 7 else 0)
        )
        known[cid] = rng.random() < _sigmoid(ability - 1.0 + bonus)
    out: list[tuple[int, bool]] = []
    position = 0
    while len(out) < n_responses and position < len(order):
        cid = order[position]
        if rng.random() < 0.12 and position > 0:  # revisit something earlier
            cid = order[rng.randrange(position)]
        streak = tries = 0
        while len(out) < n_responses:
            item_id = rng.choice(items_by_comp[cid])
            ease = ((item_id * 7919) % 7 - 3) * 0.03
            p = (1 - SLIP + ease / 2) if known[cid] else (GUESS + ease)
            correct = rng.random() < p
            out.append((item_id, correct))
            if not known[cid] and rng.random() < learn:
                known[cid] = True
            tries += 1
            streak = streak + 1 if correct else 0
            if streak >= 3 or tries >= 10:
                break
        if cid == order[position]:
            position += 1
    return out


def _timestamps(rng: random.Random, n: int, days: int, now: dt.datetime) -> list[dt.datetime]:
    """n times over the last ``days`` days, in sessions on most days, the
    last one ending within the last few hours."""
    day_list = sorted(rng.sample(range(days), max(1, int(days * 0.7))))
    per_day = defaultdict(int)
    for k in range(n):
        per_day[day_list[min(len(day_list) - 1, k * len(day_list) // n)]] += 1
    out: list[dt.datetime] = []
    end = now - dt.timedelta(minutes=rng.randint(5, 240))
    for d in day_list:
        start = end - dt.timedelta(days=days - 1 - d, hours=rng.uniform(0.5, 3))
        t = start
        for _ in range(per_day[d]):
            t = t + dt.timedelta(seconds=rng.randint(15, 120))
            out.append(min(t, end))
    return out


def load_demo_activity(
    *,
    school: School,
    framework: Framework,
    classes: list[SchoolClass],
    seed: int = 0,
    days: int = 30,
) -> None:
    """Simulated evidence for every enrolled learner, the school's fitted
    mastery model and every learner's records; plus assessments of each
    purpose in every class, a few already answered and waiting to be scored."""
    rng = random.Random(seed)
    now = timezone.now()
    competencies = assessable_competencies(framework)
    ids = [c.pk for c in competencies]
    codes = {c.pk: c.code for c in competencies}
    prereqs = prerequisites_of(ids)
    edges: dict[int, list[int]] = defaultdict(list)
    for dst, srcs in prereqs.items():
        for src in srcs:
            edges[src].append(dst)
    order = topological_order(ids, edges)
    items_by_comp: dict[int, list[int]] = defaultdict(list)
    through = Item.competencies.through
    auto = Item.objects.filter(school=school, kind__in=kinds.AUTO_SCORED).values("pk")
    for item_id, cid in through.objects.filter(item_id__in=auto, competency_id__in=ids).values_list(
        "item_id", "competency_id"
    ):
        items_by_comp[cid].append(item_id)
    order = [cid for cid in order if items_by_comp[cid]]

    rows: list[Response] = []
    seen: set[int] = set()
    for school_class in classes:
        grade = int(school_class.grade_band[:1]) if school_class.grade_band[:1].isdigit() else 6
        for learner_id in school_class.enrollments.filter(active=True).values_list(
            "learner_id", flat=True
        ):
            if learner_id in seen:
                continue
            seen.add(learner_id)
            sequence = _simulate_learner(
                rng, order, items_by_comp, grade, codes, rng.randint(*RESPONSES_PER_LEARNER)
            )
            times = _timestamps(rng, len(sequence), days, now)
            for n, ((item_id, correct), at) in enumerate(zip(sequence, times, strict=True)):
                rows.append(
                    Response(
                        school=school,
                        learner_id=learner_id,
                        item_id=item_id,
                        source=r.SOURCE_SIMULATED,
                        answer="",
                        correct=correct,
                        score=1.0 if correct else 0.0,
                        time_on_item_ms=rng.randint(8000, 95000),
                        idempotency_key=f"sim-{seed}-{n}",
                        recorded_by_id=learner_id,
                        recorded_at=at,
                    )
                )
    Response.objects.bulk_create(rows, batch_size=2000)
    mastery_fit_school(school=school)
    _demo_assessments(school=school, framework=framework, classes=classes, rng=rng)


def _pick(school: School, prefix: str, kind: str, limit: int) -> list[Item]:
    return list(
        Item.objects.filter(school=school, kind=kind, competencies__code__startswith=prefix)
        .order_by("pk")
        .distinct()[:limit]
    )


def _demo_assessments(
    *, school: School, framework: Framework, classes: list[SchoolClass], rng: random.Random
) -> None:
    task = {
        i.competencies.first().code[0]: i
        for i in Item.objects.filter(school=school, kind=kinds.RUBRIC).order_by("pk")
    }
    now = timezone.now()
    for n, school_class in enumerate(classes):
        grade = "7" if school_class.grade_band.startswith("7") else "6"
        teacher = school_class.teachers.first()
        rp = f"{grade}.RP"
        quick = _pick(school, rp, kinds.CHOICE, 2) + _pick(school, rp, kinds.NUMERIC, 2)
        for_a = assessment_create(
            school_class=school_class,
            title=f"Quick check: {'ratios and rates' if grade == '6' else 'proportional relationships'}",
            purpose=a.FOR_LEARNING,
            created_by=teacher,
            items=quick + ([task[grade]] if grade in task else []),
            instructions="Answer each question; you will see at once how you did.",
        )
        ee = f"{grade}.EE"
        assessment_create(
            school_class=school_class,
            title="Self-check: expressions",
            purpose=a.AS_LEARNING,
            created_by=teacher,
            items=_pick(school, ee, kinds.NUMERIC, 3) + _pick(school, ee, kinds.TEXT, 1),
            instructions="Try each question, then think about what you found easy and hard.",
        )
        ns = f"{grade}.NS"
        draw = [
            c for c in framework.competencies.filter(code__startswith=ns, children__isnull=True)
        ]
        assessment_create(
            school_class=school_class,
            title=f"Unit test: {'the number system' if grade == '6' else 'rational numbers'}",
            purpose=a.OF_LEARNING,
            created_by=teacher,
            draw_count=6,
            draw_competencies=draw,
            time_limit_minutes=30,
            closes_at=now + dt.timedelta(days=7),
            instructions="Counts toward your grade. Results are shown when the test closes.",
        )
        if n == 0:
            _answered_by_some(for_a, school_class, rng)


def _answered_by_some(assessment, school_class: SchoolClass, rng: random.Random) -> None:
    """Five learners (not the first two, who are left to try it live) have
    taken the quick check, so their teacher has performance tasks to score."""
    learners = list(
        User.objects.filter(enrollments__school_class=school_class).order_by("username")
    )
    takers = sorted(
        learners, key=lambda u: int("".join(ch for ch in u.username if ch.isdigit()) or 0)
    )[2:7]
    for learner in takers:
        attempt = attempt_start(assessment=assessment, learner=learner)
        for item in Item.objects.filter(pk__in=attempt.item_ids).order_by("pk"):
            if item.kind == kinds.CHOICE:
                answer = str(rng.randrange(len(item.options)))
            elif item.kind == kinds.NUMERIC:
                answer = f"{item.numeric_answer:g}" if rng.random() < 0.7 else "0"
            else:
                answer = "I made a ratio table: 28 people, $120, so about $4.29 each. Drinks 2 : snacks 3."
            response_record(
                learner=learner,
                item=item,
                answer=answer,
                idempotency_key=f"demo-{assessment.pk}-{item.pk}",
                attempt=attempt,
                time_on_item_ms=rng.randint(20000, 120000),
            )
