"""Issue 20 (item 6) in Chromium: a learner on a phone attaches a sketch to
a performance task, and the teacher sees it while scoring."""

from __future__ import annotations

import struct
import zlib

import pytest
from playwright.sync_api import expect

from tests.evidence.conftest import build
from tests.factories import PASSWORD
from tests.world import build_school
from trellis.evidence.models import ResponseProduct

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png(width: int = 40, height: int = 30) -> bytes:
    """A small grey PNG made here, so that the test needs no image file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_learner_attaches_a_sketch_and_teacher_sees_it(
    page, live_server, sign_in, screenshot, settings, tmp_path
):
    from trellis.evidence import mastery

    settings.MEDIA_ROOT = tmp_path / "media"
    mastery._cache.clear()
    world = build_school("e2e20_")
    setup = build(world)
    take = f"{live_server.url}/assessments/{setup.assessment.pk}/take/"
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(world.learner.username, PASSWORD)
    page.goto(take)
    page.get_by_label("4", exact=True).check()
    page.get_by_role("button", name="Submit answer").click()
    # Each question once the page for it is there (a label found on the page
    # being left would take the answer meant for the next one).
    expect(page.get_by_text("Question 2 of 4")).to_be_visible()
    page.get_by_label("Your answer (a number)").fill("2.5")
    page.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_text("Question 3 of 4")).to_be_visible()
    page.get_by_label("Your answer", exact=True).fill("Numerator")
    page.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_text("Attaching a file needs a connection")).to_be_visible()
    page.get_by_label("Your work").fill("The net of a cube: six squares in a cross.")
    page.get_by_label("Attach a file (optional)").set_input_files(
        files=[{"name": "net.png", "mimeType": "image/png", "buffer": _png()}]
    )
    _no_sideways_scroll(page)
    screenshot("task-product-attach-390")
    page.get_by_role("button", name="Submit answer").click()
    page.wait_for_load_state("networkidle")
    product = ResponseProduct.objects.get()
    assert product.original_name == "net.png" and product.content_type == "image/png"

    page.get_by_role("button", name="Sign out").click()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        if width == 1280:
            sign_in(world.teacher.username, PASSWORD)
        page.goto(f"{live_server.url}/responses/{product.response_id}/score/")
        image = page.get_by_role("img", name="The file the learner attached to this task")
        expect(image).to_be_visible()
        assert image.evaluate("img => img.naturalWidth") == 40
        _no_sideways_scroll(page)
        screenshot(f"task-product-score-{width}")
