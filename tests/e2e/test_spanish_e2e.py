"""A learner who chose Spanish reads a help thread and their network page in
Spanish, at desktop and phone width, with no sideways scroll; a teacher who
chose Spanish reads the live flags' reasons in Spanish (issue 20)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.differentiation.conftest import answer, make_curriculum
from tests.factories import PASSWORD
from tests.personalization.conftest import join
from tests.world import build_school
from trellis.personalization.services import network as net_svc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_help_thread_and_network_in_spanish(page, live_server, sign_in, screenshot):
    world = build_school("e2es_")
    join(world.learner, world.sibling)
    help_request = net_svc.help_request_send(
        learner=world.learner, message="No entiendo las tablas de razones."
    )
    net_svc.help_reply(request=help_request, author=world.sibling, text="Duplica las dos filas.")
    sign_in(world.learner.username, PASSWORD)
    page.context.add_cookies([{"name": "django_language", "value": "es", "url": live_server.url}])
    for path, heading, name in (
        (f"/help/{help_request.pk}/", "Mi petición de ayuda", "es-help-thread"),
        ("/network/", "Mi red de aprendizaje", "es-network"),
    ):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert page.evaluate("document.documentElement.lang") == "es"
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            screenshot(f"{name}-{width}")
    page.goto(f"{live_server.url}/help/{help_request.pk}/")
    expect(page.get_by_role("button", name=f"Dar las gracias a {world.sibling}")).to_be_visible()


def test_live_flag_reason_in_spanish(page, live_server, sign_in, screenshot):
    world = build_school("e2esl_")
    curriculum = make_curriculum(world.school, "e2esl-")
    for _ in range(3):
        answer(world.sibling, curriculum.objective_item, False)
    sign_in(world.teacher.username, PASSWORD)
    page.context.add_cookies([{"name": "django_language", "value": "es", "url": live_server.url}])
    page.goto(f"{live_server.url}/differentiate/classes/{world.class_a.pk}/live/")
    flag = page.locator(".flag-stuck_errors")
    expect(flag).to_contain_text(str(world.sibling), timeout=15_000)
    code = curriculum.objective.code
    expect(flag).to_contain_text(f"3 respuestas incorrectas seguidas en {code} desde las")
    expect(flag).to_contain_text("se marca a partir de 3 respuestas incorrectas seguidas")
    expect(flag).not_to_contain_text("wrong in a row")
    screenshot("es-live-flags")
