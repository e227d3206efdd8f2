"""A plan's history is kept by django-reversion (decision 0014): every save
is one revision with who, when and why; the versions table and the API read
what changed from the stored versions, in the reader's language; erasing
the learner takes the history with the plan; and the old hand-written
snapshots convert into revisions that read the same."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from reversion.models import Revision, Version

from tests.individualization.helpers import (
    BASELINE,
    TARGET,
    curriculum_for,
    objective_for,
    plan_for,
)
from trellis.individualization.constants import LARGE_PRINT, METHOD_MANUAL
from trellis.individualization.models import IndividualPlan, IndividualPlanVersion
from trellis.individualization.services import plans
from trellis.interop.learner_record import learner_erase

pytestmark = pytest.mark.django_db

ENGLISH = [
    (1, "Plan written.", ["plan written"]),
    (2, "Needs large print.", ["accommodations: + large-print", "title changed"]),
    (3, "Set at the meeting.", ["objective added: Read 60 words a minute"]),
    (4, "Probe was 25.", ["objective changed (baseline, target): Read 60 words a minute"]),
    (5, "Aide found.", ["support added: Ms Diaz, aide"]),
    (6, "More time.", ["support changed (kind, minutes a week): Ms Diaz, aide"]),
    (7, "Goal met.", ["objective removed: Read 60 words a minute"]),
    (8, "Aide left.", ["support removed: Ms Diaz, aide"]),
    (9, "Year over.", ["status: Active → Closed"]),
]
SPANISH = [
    (1, "Plan redactado.", ["plan redactado"]),
    (2, "Needs large print.", ["adaptaciones: + large-print", "cambió: título"]),
    (3, "Set at the meeting.", ["objetivo añadido: Read 60 words a minute"]),
    (4, "Probe was 25.", ["objetivo cambiado (línea base, meta): Read 60 words a minute"]),
    (5, "Aide found.", ["apoyo añadido: Ms Diaz, aide"]),
    (6, "More time.", ["apoyo cambiado (tipo, minutos por semana): Ms Diaz, aide"]),
    (7, "Goal met.", ["objetivo quitado: Read 60 words a minute"]),
    (8, "Aide left.", ["apoyo quitado: Ms Diaz, aide"]),
    (9, "Year over.", ["estado: Activo → Cerrada"]),
]


def _story(world) -> IndividualPlan:
    """One of each kind of change, with a measurement and a session that the
    removals must keep."""
    cur = curriculum_for(world)
    plan = plan_for(world)
    teacher = world.teacher
    plans.plan_update(
        plan=plan,
        changed_by=teacher,
        reason="Needs large print.",
        title="Reading and print",
        accommodations=[*plan.accommodations, LARGE_PRINT],
    )
    objective = objective_for(world, plan, cur, reason="Set at the meeting.")
    plans.objective_update(
        objective=objective,
        changed_by=teacher,
        reason="Probe was 25.",
        baseline_value=25,
        target_value=65,
    )
    plans.measurement_record(objective=objective, recorded_by=teacher, on=BASELINE, value=31)
    plans.measurement_record(
        objective=objective, recorded_by=teacher, on=BASELINE + dt.timedelta(days=7), value=35
    )
    support = plans.support_add(
        plan=plan,
        changed_by=teacher,
        reason="Aide found.",
        kind="one_on_one",
        provider="Ms Diaz, aide",
        planned_minutes_per_week=60,
    )
    plans.support_update(
        support=support,
        changed_by=teacher,
        reason="More time.",
        kind="small_group",
        planned_minutes_per_week=90,
    )
    plans.support_session_log(support=support, logged_by=teacher, on=BASELINE, minutes=25)
    plans.objective_delete(objective=objective, changed_by=teacher, reason="Goal met.")
    plans.support_delete(support=support, changed_by=teacher, reason="Aide left.")
    plans.plan_update(plan=plan, changed_by=teacher, reason="Year over.", status="closed")
    return plan


def _api(world, plan, language: str) -> list[dict]:
    client = Client()
    client.force_login(world.teacher)
    response = client.get(
        f"/api/v1/individual-plans/{plan.pk}/versions", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    return response.json()


def test_every_save_is_one_revision_with_who_when_and_why(world):
    plan = _story(world)
    rows = list(plan.versions.select_related("revision__user").order_by("number"))
    assert [v.number for v in rows] == list(range(1, 10))
    assert [v.revision.comment for v in rows] == [reason for _, reason, _ in ENGLISH]
    assert {v.revision.user for v in rows} == {world.teacher}
    assert Revision.objects.count() == 9
    # The plan itself has a stored version in every revision, numbered as the row.
    stored = Version.objects.get_for_object(plan).order_by("pk")
    assert [v.field_dict["version"] for v in stored] == list(range(1, 10))
    # Logging a session or entering a measurement saved no revision of its own.
    assert [v.revision_id for v in stored] == [v.revision_id for v in rows]


def test_the_api_and_the_page_say_what_changed_in_the_readers_language(world):
    plan = _story(world)
    for language, expected in (("en", ENGLISH), ("es", SPANISH)):
        answer = _api(world, plan, language)
        assert [(v["number"], v["reason"], v["changes"]) for v in answer] == expected[::-1]
        assert all(v["changed_by"] == str(world.teacher) for v in answer)
    client = Client()
    client.force_login(world.teacher)
    page = client.get(f"/plans/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    table = page[page.index("indiv-versions") :]
    for _, reason, changes in SPANISH:
        assert f"<td>{reason}</td><td>{'; '.join(changes)}</td>" in table


def test_a_version_whose_author_was_deleted_says_so(world):
    """reversion keeps a revision when its author's account is deleted (its
    user becomes NULL): the history says so instead of showing "None"."""
    plan = _story(world)
    last = plan.versions.order_by("-number").first()
    Revision.objects.filter(pk=last.revision_id).update(user=None)
    for language, said in (("en", "A deleted account"), ("es", "Una cuenta eliminada")):
        answer = _api(world, plan, language)
        assert answer[0]["number"] == last.number and answer[0]["changed_by"] == said
        assert all(v["changed_by"] == str(world.teacher) for v in answer[1:])
    client = Client()
    client.force_login(world.teacher)
    page = client.get(f"/plans/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "<td>Una cuenta eliminada</td>" in page and "<td>None</td>" not in page


def test_the_snapshot_keeps_its_shape_and_what_a_removal_took_out(world):
    plan = _story(world)
    answer = {v["number"]: v["snapshot"] for v in _api(world, plan, "en")}
    assert set(answer[1]) == {
        "title", "summary", "accommodations", "time_multiplier", "review_dates",
        "responsible", "responsible_note", "status", "objectives", "supports",
    }  # fmt: skip
    objective = answer[4]["objectives"][0]
    assert set(objective) == {
        "id", "statement", "competencies", "method", "unit", "baseline", "target"
    }  # fmt: skip
    assert (objective["baseline"], objective["target"]) == (
        [BASELINE.isoformat(), 25.0],
        [TARGET.isoformat(), 65.0],
    )
    assert answer[6]["supports"] == [
        {
            "id": answer[6]["supports"][0]["id"],
            "kind": "small_group",
            "provider": "Ms Diaz, aide",
            "focus": "",
            "planned_minutes_per_week": 90,
        }
    ]
    assert answer[7]["objectives"] == [] and answer[7]["removed"]["objective"] == objective | {
        "measurements": [
            [BASELINE.isoformat(), 31.0, ""],
            [(BASELINE + dt.timedelta(days=7)).isoformat(), 35.0, ""],
        ]
    }
    assert answer[8]["supports"] == [] and answer[8]["removed"]["support"]["sessions"] == [
        [BASELINE.isoformat(), 25, ""]
    ]
    assert "removed" not in answer[9] and answer[9]["status"] == "closed"


def test_a_plan_fetched_with_its_objectives_is_recorded_as_it_is_now(world):
    """The services may be handed a plan whose objectives were prefetched
    before the change; the version records the objectives as saved."""
    from trellis.individualization import selectors

    cur = curriculum_for(world)
    shown = selectors.plan_detail(plan_for(world).pk)
    assert list(shown.objectives.all()) == []
    plans.objective_add(
        plan=shown,
        changed_by=world.teacher,
        reason="Added from the page.",
        statement="Spell 20 words",
        competencies=[cur.ratio],
        method=METHOD_MANUAL,
        baseline_value=5,
        baseline_date=BASELINE,
        target_value=20,
        target_date=TARGET,
    )
    latest = shown.versions.model.objects.filter(plan=shown).first()
    assert [o["statement"] for o in latest.snapshot["objectives"]] == ["Spell 20 words"]
    assert latest.snapshot["objectives"][0]["baseline"] == [BASELINE.isoformat(), 5.0]


def test_the_plan_page_and_the_api_read_the_history_in_fixed_queries(
    world, django_assert_num_queries
):
    """Two queries for the versions however many there are (the rows with
    their revisions and authors; the stored versions): as many as before."""
    from trellis.individualization import selectors

    plan = plan_for(world)
    with django_assert_num_queries(3):
        selectors.versions_with_changes(selectors.plan_with_versions(plan))
    for n in range(4):
        plans.plan_update(plan=plan, changed_by=world.teacher, reason=f"r{n}", title=f"t{n}")
    with django_assert_num_queries(3):
        table = selectors.versions_with_changes(selectors.plan_with_versions(plan))
    assert [changes for _, changes in table][0] == ["title changed"]


def test_erasing_the_learner_takes_the_plans_history_with_it(world):
    plan = _story(world)
    other = plans.plan_create(learner=world.sibling, author=world.teacher, title="Other")
    learner_erase(learner=world.learner, requested_by=world.admin)
    assert not IndividualPlan.objects.filter(pk=plan.pk).exists()
    assert list(Revision.objects.all()) == [other.versions.get().revision]
    assert not Version.objects.exclude(revision=other.versions.get().revision).exists()


# --- The data migration ---------------------------------------------------------

OLD_ONE = {
    "title": "Reading support",
    "summary": "",
    "accommodations": ["extended-time"],
    "time_multiplier": 1.5,
    "review_dates": [],
    "status": "active",
    "responsible_note": "",
    "objectives": [],
    "supports": [],
}


def _old_objective(pk: int, competency: int) -> dict:
    return {
        "id": pk,
        "statement": "Read 60 words a minute",
        "competencies": [competency],
        "method": METHOD_MANUAL,
        "unit": "wpm",
        "baseline": [BASELINE.isoformat(), 30.0],
        "target": [TARGET.isoformat(), 60.0],
    }


@pytest.mark.django_db(transaction=True)
def test_old_snapshots_become_revisions_that_read_the_same(world):
    """Old rows, written as the hand-written history wrote them, converted by
    the migration: the API answers with the same numbers, reasons, phrases and
    snapshots, and migrating back gives the snapshots again."""
    cur = curriculum_for(world)
    executor = MigrationExecutor(connection)
    executor.migrate([("individualization", "0001_initial")])
    old = executor.loader.project_state(("individualization", "0001_initial")).apps
    OldPlan = old.get_model("individualization", "IndividualPlan")
    OldVersion = old.get_model("individualization", "IndividualPlanVersion")
    OldObjective = old.get_model("individualization", "SpecificObjective")
    at = dt.datetime(2026, 9, 1, 8, tzinfo=dt.UTC)
    plan = OldPlan.objects.create(
        school_id=world.school.pk,
        learner_id=world.learner.pk,
        title="Reading support",
        accommodations=["extended-time"],
        responsible_id=world.teacher.pk,
        created_by_id=world.teacher.pk,
        version=3,
    )
    kept = OldObjective.objects.create(
        plan=plan,
        statement="Spell 20 words",
        method=METHOD_MANUAL,
        baseline_value=5,
        baseline_date=BASELINE,
        target_value=20,
        target_date=TARGET,
        rule_points=6,
    )
    one = OLD_ONE | {"responsible": world.teacher.pk}
    gone = _old_objective(9999, cur.ratio.pk)
    still = _old_objective(kept.pk, cur.rate.pk) | {"statement": "Spell 20 words"}
    snapshots = [
        one,
        one | {"objectives": [still, gone]},
        one
        | {
            "objectives": [still],
            "removed": {"objective": gone | {"measurements": [[BASELINE.isoformat(), 31.0, ""]]}},
        },
    ]
    reasons = ["Plan written.", "Set at the meeting.", "Goal met."]
    for n, (snapshot, reason) in enumerate(zip(snapshots, reasons, strict=True), start=1):
        OldVersion.objects.create(
            plan=plan,
            number=n,
            snapshot=snapshot,
            changed_by_id=world.teacher.pk,
            reason=reason,
            at=at + dt.timedelta(hours=n),
        )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    answer = _api(world, IndividualPlan.objects.get(pk=plan.pk), "en")
    assert [(v["number"], v["reason"], v["changes"]) for v in answer] == [
        (3, "Goal met.", ["objective removed: Read 60 words a minute"]),
        (2, "Set at the meeting.", ["objective added: Spell 20 words",
                                    "objective added: Read 60 words a minute"]),
        (1, "Plan written.", ["plan written"]),
    ]  # fmt: skip
    assert [v["snapshot"] for v in answer] == snapshots[::-1]
    assert answer[0]["at"].startswith("2026-09-01T11:00")
    revision = IndividualPlanVersion.objects.get(plan_id=plan.pk, number=2).revision
    assert (revision.user, revision.comment) == (world.teacher, "Set at the meeting.")
    kept_version = revision.version_set.get(
        object_id=str(kept.pk), content_type__model="specificobjective"
    )
    assert kept_version.field_dict["rule_points"] == 6  # taken from the objective as it is

    executor = MigrationExecutor(connection)
    executor.migrate([("individualization", "0001_initial")])
    old = executor.loader.project_state(("individualization", "0001_initial")).apps
    back = old.get_model("individualization", "IndividualPlanVersion").objects.order_by("number")
    assert [v.snapshot for v in back] == snapshots
    assert [v.reason for v in back] == reasons
    assert not Revision.objects.exists()
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
