"""Benchmark: record one response including the live mastery update, on
PostgreSQL. Target: under 20 ms at the 95th percentile.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trellis .venv/bin/python bench/response_record.py [--responses 500] [--model answer-logit]

Creates a throw-away database beside the one named (``<name>_bench_response_record``),
a school with 30 learners, a 40-competency framework, items tagged with one
or two competencies, a fitted mastery model and an open FOR assessment; then
times ``response_record`` (the service every page and endpoint calls: checks,
scoring, the append-only insert, the locked mastery update, in one
transaction) for practice answers and assessment answers, round-robin over
learners. The last line is JSON with p50/p95/max in ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trellis.settings")

TARGET_MS = 20.0
#: Issue #18 asks for the service under 10 ms at the 95th percentile.
ISSUE_18_TARGET_MS = 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=500)
    parser.add_argument(
        "--model",
        default="bkt",
        help="the school's fitted model (an engine candidate; default bkt)",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        print(
            "note: DATABASE_URL is not PostgreSQL; the target is stated for PostgreSQL",
            file=sys.stderr,
        )
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = (
        None
        if connection.vendor == "sqlite"
        else f"{settings.DATABASES['default']['NAME']}_bench_response_record"
    )
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(json.dumps(run(args, connection.vendor)))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(args, vendor: str) -> dict:
    from trellis.curriculum.models import Competency, Framework, Item
    from trellis.curriculum.models import item as kinds
    from trellis.evidence import services
    from trellis.evidence.mastery import Observation, fit
    from trellis.evidence.models import MasteryModel
    from trellis.evidence.models.assessment import FOR_LEARNING
    from trellis.people import roles
    from trellis.people.models import (
        Enrollment,
        Membership,
        School,
        SchoolClass,
        TeachingAssignment,
        Term,
        User,
    )

    rng = random.Random(0)
    school = School.objects.create(name="Bench School", code="bench-record")
    term = Term.objects.create(
        school=school, name="Year", starts_on="2026-09-01", ends_on="2027-06-30"
    )
    school_class = SchoolClass.objects.create(
        school=school, term=term, name="Bench 6A", subject="Maths", grade_band="6"
    )
    teacher = User.objects.create(username="bench-teacher")
    Membership.objects.create(user=teacher, school=school, role=roles.TEACHER)
    TeachingAssignment.objects.create(school_class=school_class, teacher=teacher)
    learners = User.objects.bulk_create([User(username=f"bench-l{n}") for n in range(30)])
    Membership.objects.bulk_create(
        [Membership(user=u, school=school, role=roles.LEARNER) for u in learners]
    )
    Enrollment.objects.bulk_create(
        [Enrollment(school_class=school_class, learner=u) for u in learners]
    )
    framework = Framework.objects.create(school=school, title="Bench framework", subject="Maths")
    comps = Competency.objects.bulk_create(
        [
            Competency(framework=framework, code=f"B.{n}", statement=f"Competency {n}", position=n)
            for n in range(40)
        ]
    )
    items = Item.objects.bulk_create(
        [
            Item(school=school, kind=kinds.NUMERIC, prompt=f"{n} + 1?", numeric_answer=n + 1)
            for n in range(400)
        ]
    )
    through = Item.competencies.through
    links = []
    for n, item in enumerate(items):
        links.append(through(item_id=item.pk, competency_id=comps[n % 40].pk))
        if n % 3 == 0:
            links.append(through(item_id=item.pk, competency_id=comps[(n + 7) % 40].pk))
    through.objects.bulk_create(links)
    # A fitted model, as the nightly job leaves it.
    observations = [
        Observation(learner_id=rng.randrange(1000), skills=(str(comps[rng.randrange(40)].pk),),
                    item_id=items[rng.randrange(400)].pk, correct=rng.random() < 0.65, order=k)
        for k in range(4000)
    ]  # fmt: skip
    fitted = fit(observations, candidates=[args.model])
    MasteryModel.objects.create(
        school=school, name=fitted.name, params=fitted.params(), n_responses=len(observations)
    )
    assessment = services.assessment_create(
        school_class=school_class, title="Bench check", purpose=FOR_LEARNING, created_by=teacher,
        items=items[:60],
    )  # fmt: skip
    attempts = {u.pk: services.attempt_start(assessment=assessment, learner=u) for u in learners}

    timings: list[float] = []
    kinds: list[str] = []
    answered = {u.pk: 0 for u in learners}
    for k in range(args.responses):
        learner = learners[k % len(learners)]
        if k % 2 == 0 and answered[learner.pk] < 60:
            item = items[answered[learner.pk]]
            answered[learner.pk] += 1
            attempt = attempts[learner.pk]
        else:
            item = items[60 + rng.randrange(340)]
            attempt = None
        answer = str(item.numeric_answer if rng.random() < 0.7 else 0)
        started = time.perf_counter()
        services.response_record(
            learner=learner, item=item, answer=answer, idempotency_key=f"bench-{k}", attempt=attempt,
            source="practice", time_on_item_ms=12000,
        )  # fmt: skip
        timings.append((time.perf_counter() - started) * 1000)
        kinds.append("practice" if attempt is None else "assessment")
    warm = sorted(timings[20:])
    p95 = _p95(warm)
    # A practice answer commits without waiting for the disk (decision
    # 0010); an assessment answer waits: their figures differ by the disk.
    by_kind = {
        kind: sorted(t for t, k in zip(timings[20:], kinds[20:], strict=True) if k == kind)
        for kind in ("practice", "assessment")
    }
    return {
        "bench": "response_record",
        "database": vendor,
        "model": args.model,
        "responses": args.responses,
        "p50_ms": round(statistics.median(warm), 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(warm[-1], 2),
        **{
            f"{kind}_{name}_ms": round(value, 2)
            for kind, values in by_kind.items()
            if values
            for name, value in (("p50", statistics.median(values)), ("p95", _p95(values)))
        },
        "issue_18_target_ms": ISSUE_18_TARGET_MS,
        "target_ms": TARGET_MS,
        "ok": p95 < TARGET_MS,
    }


def _p95(ordered: list[float]) -> float:
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


if __name__ == "__main__":
    main()
