"""Grouping explanations and move reasons read in the reader's language:
the engine's phrase is kept with each group and each move, and the pages
say it through gettext; rows without one (a teacher's own words, groupings
saved before phrases were kept) show their stored text."""

from __future__ import annotations

import html
import json

import pytest
from django.utils import translation

from tests.differentiation.conftest import answer, class_of_six, client_for
from trellis.differentiation import services, suggest
from trellis.differentiation.models import Group, Grouping, GroupMembership
from trellis.differentiation.words import english

pytestmark = pytest.mark.django_db


def _saved(world, curriculum):
    s = suggest.suggest(
        school_class=world.class_a,
        objective=curriculum.objective,
        kind="readiness",
        constraints={"n_groups": 2},
    )
    grouping = services.grouping_save(
        school_class=world.class_a,
        objective=curriculum.objective,
        kind="readiness",
        groups=[g.draft() for g in s.groups],
        constraints=s.constraints,
        created_by=world.teacher,
        features=s.features,
    )
    return s, grouping


def _page(world, grouping, language: str) -> str:
    client = client_for(world.teacher)
    client.cookies["django_language"] = language
    response = client.get(f"/differentiate/groupings/{grouping.pk}/")
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_explanations_are_kept_as_phrases_and_read_in_spanish(world, curriculum):
    class_of_six(world, curriculum)
    _, grouping = _saved(world, curriculum)
    groups = list(grouping.groups.all())
    assert all(english(g.explanation_phrase) == g.explanation for g in groups)
    english_page = _page(world, grouping, "en")
    spanish_page = _page(world, grouping, "es")
    for g in groups:
        assert g.explanation in english_page
        assert g.explanation not in spanish_page
    assert "estudiantes" in spanish_page and "Evidencia:" in spanish_page
    # A row saved before phrases were kept reads as it was stored.
    Group.objects.filter(pk=groups[0].pk).update(explanation_phrase=None)
    assert groups[0].explanation in _page(world, grouping, "es")


def test_move_reasons_are_kept_as_phrases_and_read_in_spanish(world, curriculum):
    extra = class_of_six(world, curriculum)
    _, first = _saved(world, curriculum)
    for learner in extra[:2]:
        for _ in range(6):
            answer(learner, curriculum.prereq_item, True)
            answer(learner, curriculum.objective_item, True)
    second = suggest.grouping_regroup(grouping=first, created_by=world.teacher)
    moved = GroupMembership.objects.filter(grouping=second).exclude(moved_from="")
    assert moved
    for ms in moved:
        assert ms.reason_phrase and english(ms.reason_phrase) == ms.reason
    page = _page(world, second, "es")
    reason = moved[0].reason
    assert "subió de" in page and reason not in page
    assert reason in _page(world, second, "en")
    # The regroup's explanations keep their phrases too.
    assert all(english(g.explanation_phrase) == g.explanation for g in second.groups.all())


def test_the_editor_keeps_a_phrase_only_when_it_says_the_explanation(world, curriculum):
    extra = class_of_six(world, curriculum)
    s = suggest.suggest(
        school_class=world.class_a,
        objective=curriculum.objective,
        kind="readiness",
        constraints={"n_groups": 2},
    )
    post = {
        "objective": curriculum.objective.pk,
        "kind": "readiness",
        "constraints": json.dumps(s.constraints),
        "group_count": 2,
    }
    for i, g in enumerate(s.groups):
        post |= {
            f"label_{i}": g.label,
            f"explanation_{i}": g.explanation,
            f"phrase_{i}": g.phrase_json,
            f"suggested_label_{i}": g.label,
            f"suggested_{i}": ",".join(str(u.pk) for u in g.learners),
        }
        for u in g.learners:
            post[f"learner_{u.pk}"] = i
    # A phrase that says something else than the posted explanation is dropped.
    post["phrase_1"] = json.dumps(["no_learners", {"title": "Forged"}])
    client = client_for(world.teacher)
    url = f"/differentiate/classes/{world.class_a.pk}/groupings/"
    assert client.post(url, post).status_code == 302
    first, second = Group.objects.order_by("position")
    assert first.grouping_id == second.grouping_id
    assert english(first.explanation_phrase) == first.explanation == s.groups[0].explanation
    assert second.explanation_phrase is None
    assert second.explanation == s.groups[1].explanation
    # A teacher's move: the changed groups get the engine's phrase again,
    # with the line saying what the teacher changed.
    weak = next(i for i, g in enumerate(s.groups) if extra[0] in g.learners)
    post[f"learner_{extra[0].pk}"] = 1 - weak
    post[f"label_{1 - weak}"] = "Stretch"
    assert client.post(url, post).status_code == 302
    edited = Group.objects.filter(grouping=Grouping.objects.order_by("-pk").first())
    for g in edited:
        assert english(g.explanation_phrase) == g.explanation
    stretch = edited.get(label="Stretch")
    assert stretch.explanation.endswith(f"{extra[0]} joined from {s.groups[weak].label}.")
    assert "Cambiado por" in _page(world, stretch.grouping, "es")


def test_a_teachers_move_reads_in_spanish_and_their_own_reason_as_written(world, curriculum):
    extra = class_of_six(world, curriculum)
    _, first = _saved(world, curriculum)
    mover, other = extra[0], extra[1]
    home = GroupMembership.objects.get(grouping=first, learner=mover).group
    away = first.groups.exclude(pk=home.pk).get()
    second = services.grouping_move(
        grouping=first, moves={mover.pk: away.label}, created_by=world.teacher
    )
    ms = GroupMembership.objects.get(grouping=second, learner=mover)
    assert ms.reason == services.MOVED_BY_TEACHER.format(teacher=world.teacher)
    assert english(ms.reason_phrase) == ms.reason
    with translation.override("es"):
        assert ms.reason_said == f"Movido por {world.teacher}"
    third = services.grouping_move(
        grouping=second,
        moves={other.pk: ms.group.label},
        reasons={other.pk: "Works well with Ann"},
        created_by=world.teacher,
    )
    own = GroupMembership.objects.get(grouping=third, learner=other)
    assert own.reason_phrase is None
    with translation.override("es"):
        assert own.reason_said == "Works well with Ann"


def _with_notes(world, curriculum):
    """A readiness grouping keeping a weak and a strong learner together and
    two weak learners apart, saved with the suggestion's notes."""
    extra = class_of_six(world, curriculum)
    s = suggest.suggest(
        school_class=world.class_a,
        objective=curriculum.objective,
        kind="readiness",
        constraints={
            "n_groups": 2,
            "keep_apart": [[extra[0].pk, extra[1].pk]],
            "keep_together": [[extra[2].pk, world.learner.pk]],
        },
    )
    grouping = services.grouping_save(
        school_class=world.class_a,
        objective=curriculum.objective,
        kind="readiness",
        groups=[g.draft() for g in s.groups],
        constraints=s.constraints,
        created_by=world.teacher,
        features=s.features,
        notes=s.notes,
        note_phrases=s.note_phrases,
    )
    return s, grouping


def test_a_spanish_teacher_reads_the_groupings_notes_in_spanish(world, curriculum):
    s, grouping = _with_notes(world, curriculum)
    grouping.refresh_from_db()
    kept = [n for n in grouping.notes if n.startswith(("Kept apart as asked", "Kept together"))]
    assert len(kept) == 2
    assert [english(p) for p in grouping.note_phrases] == grouping.notes == s.notes
    english_page = _page(world, grouping, "en")
    spanish_page = _page(world, grouping, "es")
    for note in grouping.notes:
        assert note in english_page
        assert note not in spanish_page
    assert "Se mantienen separados, como se pidió:" in spanish_page
    assert "Se mantienen juntos, como se pidió:" in spanish_page
    with translation.override("es"):
        assert s.notes_said != s.notes and "como se pidió" in s.notes_said[-1]


def test_notes_saved_without_phrases_read_as_stored(world, curriculum):
    _, grouping = _with_notes(world, curriculum)
    Grouping.objects.filter(pk=grouping.pk).update(note_phrases=[])
    grouping.refresh_from_db()
    with translation.override("es"):
        assert grouping.notes_said == grouping.notes
    spanish_page = _page(world, grouping, "es")
    assert all(note in spanish_page for note in grouping.notes)


def test_the_api_gives_the_notes_in_the_requests_language(world, curriculum):
    _, grouping = _with_notes(world, curriculum)
    client = client_for(world.teacher)
    url = f"/api/v1/groupings/{grouping.pk}"
    spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es").json()["notes"]
    english_notes = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["notes"]
    assert english_notes == grouping.notes
    assert len(spanish) == len(english_notes)
    assert all(isinstance(note, str) for note in spanish)
    assert "Se mantienen separados, como se pidió:" in " ".join(spanish)


def test_a_regroup_keeps_its_notes_as_phrases(world, curriculum):
    _, first = _with_notes(world, curriculum)
    second = suggest.grouping_regroup(grouping=first, created_by=world.teacher)
    assert second.notes and len(second.note_phrases) == len(second.notes)
    assert [english(p) for p in second.note_phrases] == second.notes
    assert "Se mantienen juntos, como se pidió:" in _page(world, second, "es")
