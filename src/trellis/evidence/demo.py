"""A month of simulated learning for the demo school, stored as evidence,
then the school's mastery model fit on it and every record computed.

The responses come from the engine's learner simulator
(``trellis.engine.simulate``, docs/simulator.md), run over the demo
framework's own prerequisite graph: learners have an ability and a learning
rate, work through competencies whose prerequisites they know, and answer with
each competency's slip and guess rates. Each simulated item is mapped onto one
of the framework's real auto-scored items for that competency, and the
simulated clock is shifted so that the month ends within the last hours and
the live views look alive. Everything is bulk-inserted.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np
from django.utils import timezone

from trellis.curriculum import kinds
from trellis.curriculum.graph import topological_order
from trellis.curriculum.selectors import (
    assessable_competencies,
    item_competency_pairs,
    items_by_ids,
    items_of_school,
    prerequisites_of,
)
from trellis.engine import simulate as sim
from trellis.evidence.models import Response
from trellis.evidence.models.assessment import AS_LEARNING, FOR_LEARNING, OF_LEARNING
from trellis.evidence.models.response import SOURCE_SIMULATED
from trellis.evidence.services import (
    assessment_create,
    attempt_start,
    history,
    mastery_fit_school,
    response_record,
)
from trellis.people.selectors import roster_of

if TYPE_CHECKING:
    from trellis.people.models import School, SchoolClass

if TYPE_CHECKING:
    from trellis.curriculum.models import Framework, Item

#: Responses per learner over the simulated month (the simulator varies it).
RESPONSES_PER_LEARNER = 110


def _standards_graph(
    framework: Framework, school: School
) -> tuple[sim.StandardsGraph, list[int], dict[int, list[int]]]:
    """The framework's assessable competencies as the simulator's graph (in
    topological order), their ids in that order, and their auto-scored items."""
    competencies = {c.pk: c for c in assessable_competencies(framework)}
    ids = list(competencies)
    prereqs = prerequisites_of(ids)
    edges: dict[int, list[int]] = defaultdict(list)
    for dst, srcs in prereqs.items():
        for src in srcs:
            if src in competencies:
                edges[src].append(dst)
    items_by_comp: dict[int, list[int]] = defaultdict(list)
    auto = items_of_school(school).filter(kind__in=kinds.AUTO_SCORED).values("pk")
    for item_id, cid in item_competency_pairs(items=auto, competency_ids=ids):
        items_by_comp[cid].append(item_id)
    order = [cid for cid in topological_order(ids, edges) if items_by_comp[cid]]
    kept = set(order)
    graph = sim.StandardsGraph.from_competencies(
        [
            sim.Competency(
                code=competencies[cid].code,
                statement=competencies[cid].statement,
                grade=competencies[cid].code[:1],
                grade_band=competencies[cid].grade_band,
                domain=competencies[cid].code.rsplit(".", 1)[0],
                prerequisites=tuple(
                    competencies[p].code for p in prereqs.get(cid, ()) if p in kept
                ),
            )
            for cid in order
        ]
    )
    return graph, order, items_by_comp


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
    graph, order, items_by_comp = _standards_graph(framework, school)
    learner_ids: list[int] = []
    for school_class in classes:
        for learner_id in school_class.enrollments.filter(active=True).values_list(
            "learner_id", flat=True
        ):
            if learner_id not in learner_ids:
                learner_ids.append(learner_id)
    simulation = sim.simulate(
        n_learners=len(learner_ids),
        responses_per_learner=RESPONSES_PER_LEARNER,
        graph=graph,
        days=days,
        seed=seed,
    )
    log = simulation.log
    assert log.item is not None and log.time is not None
    # Shift the simulated clock so that the last response was an hour ago.
    start = dt.datetime.combine(simulation.start, dt.time(), tzinfo=dt.UTC)
    shift = (timezone.now() - dt.timedelta(hours=1)) - (
        start + dt.timedelta(seconds=float(np.nanmax(log.time)))
    )
    sim_item_rank = {i: int(item.id.rsplit("-", 1)[1]) for i, item in enumerate(simulation.items)}
    rows: list[Response] = []
    for n, (learner_code, comp, item_code, correct, seconds) in enumerate(
        zip(
            log.learner.tolist(),
            log.skill.tolist(),
            log.item.tolist(),
            log.correct.tolist(),
            log.time.tolist(),
            strict=True,
        )
    ):
        choices = items_by_comp[order[comp]]
        learner_id = learner_ids[learner_code]
        rows.append(
            Response(
                school=school,
                learner_id=learner_id,
                item_id=choices[sim_item_rank[item_code] % len(choices)],
                source=SOURCE_SIMULATED,
                answer="",
                correct=bool(correct),
                score=1.0 if correct else 0.0,
                time_on_item_ms=rng.randint(8000, 95000),
                idempotency_key=f"sim-{seed}-{n}",
                recorded_by_id=learner_id,
                recorded_at=start + dt.timedelta(seconds=seconds) + shift,
            )
        )
    Response.objects.bulk_create(rows, batch_size=2000)
    # BKT only: comparing every model takes a minute or more, too long for
    # ``make demo``; ``trellis fit-mastery`` compares them (the model card
    # says which was done).
    mastery_fit_school(school=school, select=False)
    # The simulated answers arrived in bulk: their changes of level are
    # replayed from the evidence, dated when each answer was given.
    history.history_rebuild(school_id=school.pk)
    _demo_assessments(school=school, framework=framework, classes=classes, rng=rng)


def _pick(school: School, prefix: str, kind: str, limit: int) -> list[Item]:
    return list(
        items_of_school(school)
        .filter(kind=kind, competencies__code__startswith=prefix)
        .order_by("pk")
        .distinct()[:limit]
    )


def _demo_assessments(
    *, school: School, framework: Framework, classes: list[SchoolClass], rng: random.Random
) -> None:
    task = {
        i.competencies.first().code[0]: i
        for i in items_of_school(school).filter(kind=kinds.RUBRIC).order_by("pk")
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
            purpose=FOR_LEARNING,
            created_by=teacher,
            items=quick + ([task[grade]] if grade in task else []),
            instructions="Answer each question; you will see at once how you did.",
        )
        ee = f"{grade}.EE"
        assessment_create(
            school_class=school_class,
            title="Self-check: expressions",
            purpose=AS_LEARNING,
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
            purpose=OF_LEARNING,
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
    learners = list(roster_of(school_class).order_by("username"))
    takers = sorted(
        learners, key=lambda u: int("".join(ch for ch in u.username if ch.isdigit()) or 0)
    )[2:7]
    for learner in takers:
        attempt = attempt_start(assessment=assessment, learner=learner)
        for item in items_by_ids(attempt.item_ids).order_by("pk"):
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
