"""Which practice questions a learner gets next: the adaptive rule the
practice page uses (expected success near 70 %, fresh items before repeats,
nothing once mastered), and the short plan of next questions chosen while
online for a device to keep for offline practice (docs/offline.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from trellis.curriculum import selectors as curriculum_selectors
from trellis.evidence import mastery, selectors
from trellis.evidence.models import MasteryRecord
from trellis.people import roles
from trellis.people.selectors import role_school_ids

if TYPE_CHECKING:
    from trellis.curriculum.models import Competency, Item

TARGET_SUCCESS = 0.7
#: Questions chosen ahead per competency for offline practice.
OFFLINE_PER_COMPETENCY = 5
#: Competencies a device keeps practice for: the ones worked on most recently.
OFFLINE_COMPETENCIES = 10


def session_key(competency_id: int) -> str:
    """Where the practice page keeps the items seen on a competency."""
    return f"practice:{competency_id}"


def practice_items(learner: Any, competency: Competency) -> list[Item]:
    """The questions a learner may practise on a competency: active,
    auto-scored items of the competency in a school where they learn."""
    schools = role_school_ids(learner, roles.LEARNER)
    return list(
        curriculum_selectors.practice_items_in(schools=schools, competencies=[competency]).order_by(
            "pk"
        )
    )


def _plan(
    items: list[int], school_id: int, state: dict, competency_id: int, seen: set[int], count: int
) -> list[int]:
    """The next ``count`` choices of the adaptive rule from the learner's
    mastery now, each choice counted as seen for the next (the outcome of
    an answer given offline cannot be known ahead)."""
    model = mastery.model_for_school(school_id)
    candidates = [
        (pk, mastery.expected_success(model, state, str(competency_id), pk)) for pk in items
    ]
    seen = set(seen)
    chosen: list[int] = []
    while len(chosen) < count:
        pick = mastery.choose_practice_item(candidates, seen, TARGET_SUCCESS)
        if pick is None or pick in chosen:
            break
        chosen.append(pick)
        seen.add(pick)
    return chosen


def next_practice_item(learner: Any, competency: Competency, seen: set[int]) -> Item | None:
    """The item to practise next, or None when mastered or nothing is left."""
    items = practice_items(learner, competency)
    if not items:
        return None
    record = MasteryRecord.objects.filter(learner=learner, competency=competency).first()
    if record and mastery.is_mastered(record.probability, record.attempts):
        return None
    state = _state(learner, items[0].school_id, record.state if record else {})
    plan = _plan([i.pk for i in items], items[0].school_id, state, competency.pk, seen, 1)
    return next((i for i in items if plan and i.pk == plan[0]), None)


def _state(learner: Any, school_id: int, record_state: dict) -> dict:
    model = mastery.model_for_school(school_id)
    return selectors.learner_model_state(learner.pk) if model.per_learner else record_state


def offline_plan(learner: Any, competency: Competency, seen: set[int]) -> list[int]:
    """The next questions on one competency, chosen now for practice offline."""
    items = practice_items(learner, competency)
    if not items:
        return []
    record = MasteryRecord.objects.filter(learner=learner, competency=competency).first()
    if record and mastery.is_mastered(record.probability, record.attempts):
        return []
    state = _state(learner, items[0].school_id, record.state if record else {})
    return _plan(
        [i.pk for i in items],
        items[0].school_id,
        state,
        competency.pk,
        seen,
        OFFLINE_PER_COMPETENCY,
    )


@dataclass
class PracticeEntry:
    """Practice on one competency a device can keep: the pages of the next
    questions, chosen while online."""

    competency_id: int
    label: str
    practice_url: str
    urls: list[str]


def practice_pack_for_learner(
    learner: Any, seen_by_competency: dict[int, set[int]]
) -> list[PracticeEntry]:
    """The learner's practice to keep for offline use: the competencies they
    have mastery on and have not mastered (the ones they are working on;
    the most recently updated first, at most ``OFFLINE_COMPETENCIES``), each
    with up to ``OFFLINE_PER_COMPETENCY`` next questions chosen by the
    practice page's rule. Two queries, however many competencies (the
    school's model comes from the shared cache, the roles from the user)."""
    if not learner.is_authenticated or roles.LEARNER not in learner.role_set():
        return []
    records = [
        r
        for r in MasteryRecord.objects.filter(learner=learner)
        .select_related("competency")
        .order_by("-updated_at", "-pk")
        if not mastery.is_mastered(r.probability, r.attempts)
    ][:OFFLINE_COMPETENCIES]
    if not records:
        return []
    schools = role_school_ids(learner, roles.LEARNER)
    by_competency: dict[int, list[tuple[int, int]]] = {}
    for item_id, competency_id, school_id in (
        curriculum_selectors.practice_items_in(
            schools=schools, competencies=[r.competency_id for r in records]
        )
        .order_by("pk")
        .values_list("pk", "competencies", "school_id")
    ):
        by_competency.setdefault(competency_id, []).append((item_id, school_id))
    learner_state: dict | None = None
    out = []
    for record in records:
        found = by_competency.get(record.competency_id)
        if not found:
            continue
        school_id = found[0][1]
        state = record.state
        if mastery.model_for_school(school_id).per_learner:
            if learner_state is None:
                learner_state = selectors.learner_model_state(learner.pk)
            state = learner_state
        plan = _plan(
            [pk for pk, _school in found],
            school_id,
            state,
            record.competency_id,
            seen_by_competency.get(record.competency_id, set()),
            OFFLINE_PER_COMPETENCY,
        )
        page = reverse("practice", args=[record.competency_id])
        out.append(
            PracticeEntry(
                competency_id=record.competency_id,
                label=record.competency.label,
                practice_url=page,
                urls=[f"{page}?item={pk}" for pk in plan],
            )
        )
    return out


def seen_in_session(session: Any) -> dict[int, set[int]]:
    """The items the practice page has shown, per competency, from a session
    (empty without one: a bearer token has no practice page behind it)."""
    if session is None:
        return {}
    out: dict[int, set[int]] = {}
    for key in list(session.keys()):
        if key.startswith("practice:") and key[len("practice:") :].isdigit():
            out[int(key[len("practice:") :])] = set(session.get(key) or [])
    return out
