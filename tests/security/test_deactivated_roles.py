"""Finding 5: deactivating a membership removes the access its role gave,
whatever teaching assignments and guardian links remain."""

from __future__ import annotations

import pytest
from django.test import Client

from trellis.api.models import ApiToken
from trellis.people import roles
from trellis.people.models import Membership
from trellis.people.rules import can_teach_class, can_view_class, can_view_learner

pytestmark = pytest.mark.django_db


def _deactivate(user, role):
    assert Membership.objects.filter(user=user, role=role, active=True).update(active=False) == 1


def _session(user):
    client = Client()
    client.force_login(user)
    return client


def _token(user):
    _, raw = ApiToken.issue(user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_an_active_teacher_sees_their_class_and_learner(world):
    assert _session(world.teacher).get(f"/learners/{world.learner.pk}/").status_code == 200
    assert (
        Client().get(f"/api/v1/learners/{world.learner.pk}", **_token(world.teacher)).status_code
        == 200
    )


def test_a_deactivated_teacher_role_removes_the_teachers_access(world):
    _deactivate(world.teacher, roles.TEACHER)
    teacher = type(world.teacher).objects.get(pk=world.teacher.pk)
    assert not can_view_learner(teacher, world.learner)
    assert not can_teach_class(teacher, world.class_a)
    assert not can_view_class(teacher, world.class_a)
    client = _session(teacher)
    assert client.get(f"/learners/{world.learner.pk}/").status_code == 404
    assert client.get(f"/classes/{world.class_a.pk}/").status_code == 404
    assert client.get(f"/classes/{world.class_a.pk}/mastery/").status_code == 404
    assert client.get(f"/api/v1/learners/{world.learner.pk}").status_code == 404
    token = _token(teacher)
    api = Client()
    assert api.get(f"/api/v1/learners/{world.learner.pk}", **token).status_code == 404
    listed = api.get("/api/v1/learners", **token)
    assert listed.status_code == 200 and listed.json() == []


def test_a_deactivated_guardian_role_removes_the_guardians_access(world):
    assert _session(world.guardian).get(f"/family/children/{world.learner.pk}/").status_code == 200
    _deactivate(world.guardian, roles.GUARDIAN)
    guardian = type(world.guardian).objects.get(pk=world.guardian.pk)
    assert not can_view_learner(guardian, world.learner)
    client = _session(guardian)
    assert client.get(f"/family/children/{world.learner.pk}/").status_code == 404
    assert client.get(f"/learners/{world.learner.pk}/").status_code == 404
    assert client.get(f"/classes/{world.class_a.pk}/").status_code == 404
    token = _token(guardian)
    api = Client()
    assert api.get(f"/api/v1/learners/{world.learner.pk}", **token).status_code == 404
    assert api.get("/api/v1/learners", **token).json() == []


def test_the_dual_role_keeps_what_the_other_active_role_gives(world):
    """``dual`` teaches class B and is guardian of other_learner (in class B):
    without the teacher role they still see their child as a guardian, but no
    longer teach the class."""
    _deactivate(world.dual, roles.TEACHER)
    dual = type(world.dual).objects.get(pk=world.dual.pk)
    assert can_view_learner(dual, world.other_learner)
    assert not can_teach_class(dual, world.class_b)
    assert _session(dual).get(f"/family/children/{world.other_learner.pk}/").status_code == 200
