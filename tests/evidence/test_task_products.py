"""A performance task's answer can come with a file (a sketch, a photo, a
PDF): its type is read from its first bytes, its size is limited, it is
stored under MEDIA_ROOT with a random name, the teacher sees it while
scoring, and it is served only to the learner, their guardians, their
teachers and their school's admins (issue #20, item 6)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.evidence.conftest import build
from trellis.curriculum.models.item import RUBRIC
from trellis.evidence.models import Response, ResponseProduct
from trellis.evidence.services.products import (
    MAX_PRODUCT_BYTES,
    PRODUCT_BAD_TYPE,
    PRODUCT_TOO_BIG,
)

pytestmark = pytest.mark.django_db

#: The smallest bytes a PNG starts with, then filler: what sniffing reads.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"x" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'name="(item_id|token|shown)" value="([^"]*)"', html))


def _to_the_task(client: Client, url: str) -> str:
    """Answer the questions before the performance task; its page."""
    for answer in ("1", "2.5", "numerator"):
        page = client.get(url).content.decode()
        client.post(url, {**_fields(page), "answer": answer})
    page = client.get(url).content.decode()
    assert 'type="file"' in page
    return page


def _answered_with(setup, content: bytes, name: str, browser_type: str):
    learner = _client(setup.world.learner)
    url = f"/assessments/{setup.assessment.pk}/take/"
    page = _to_the_task(learner, url)
    upload = SimpleUploadedFile(name, content, content_type=browser_type)
    return learner.post(
        url, {**_fields(page), "answer": "Here is the net of the cube.", "file": upload}
    )


def test_the_task_page_asks_for_a_file_and_says_it_needs_a_connection(setup):
    page = _to_the_task(_client(setup.world.learner), f"/assessments/{setup.assessment.pk}/take/")
    assert 'enctype="multipart/form-data"' in page
    assert 'accept="image/png,image/jpeg,application/pdf"' in page
    assert "Attaching a file needs a connection" in page
    assert "data-needs-connection=" in page


def test_a_sketch_is_kept_with_a_random_name_and_shown_while_scoring(setup, settings):
    done = _answered_with(setup, PNG, "my net.png", "image/png")
    assert done.status_code == 302
    response = Response.objects.get(item__kind=RUBRIC)
    product = ResponseProduct.objects.get(response=response)
    assert (product.content_type, product.original_name, product.size) == (
        "image/png",
        "my net.png",
        len(PNG),
    )
    stored = Path(product.file.path)
    assert stored.is_relative_to(
        Path(settings.MEDIA_ROOT) / "products" / str(setup.world.school.pk)
    )
    assert "my net" not in stored.name and re.fullmatch(r"[0-9a-f]{32}\.png", stored.name)
    assert stored.read_bytes() == PNG
    page = _client(setup.world.teacher).get(f"/responses/{response.pk}/score/").content.decode()
    assert f'src="/responses/{response.pk}/product/"' in page
    assert "/media/" not in page


def test_a_pdf_is_linked_on_the_scoring_page(setup):
    _answered_with(setup, PDF, "net.pdf", "application/pdf")
    response = Response.objects.get(item__kind=RUBRIC)
    page = _client(setup.world.teacher).get(f"/responses/{response.pk}/score/").content.decode()
    assert f'href="/responses/{response.pk}/product/"' in page and "net.pdf" in page


def test_the_browser_claim_is_not_trusted(setup):
    refused = _answered_with(setup, b"<script>alert(1)</script>", "net.png", "image/png")
    assert refused.status_code == 200
    assert str(PRODUCT_BAD_TYPE).replace("'", "&#x27;") in refused.content.decode()
    assert "Here is the net of the cube." in refused.content.decode()
    assert not Response.objects.filter(item__kind=RUBRIC).exists()
    assert not ResponseProduct.objects.exists()


def test_a_file_over_the_limit_is_refused(setup):
    big = b"%PDF-" + b"0" * (MAX_PRODUCT_BYTES - 4)
    refused = _answered_with(setup, big, "big.pdf", "application/pdf")
    assert refused.status_code == 200
    assert str(PRODUCT_TOO_BIG).format(size=len(big)) in refused.content.decode()
    assert not ResponseProduct.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("learner", 200),
        ("guardian", 200),
        ("teacher", 200),
        ("admin", 200),
        ("teacher_b", 404),
        ("dual", 404),
        ("sibling", 404),
        ("other_learner", 404),
        ("stranger", 404),
    ],
)
def test_who_may_open_the_file(setup, who, status):
    _answered_with(setup, PNG, "net.png", "image/png")
    response = Response.objects.get(item__kind=RUBRIC)
    answer = _client(getattr(setup.world, who)).get(f"/responses/{response.pk}/product/")
    assert answer.status_code == status
    if status == 200:
        assert b"".join(answer.streaming_content) == PNG
        assert answer["Content-Type"] == "image/png"
        assert answer["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in answer["Content-Security-Policy"]


def test_nobody_from_another_school_and_no_anonymous_visitor(setup, other_world):
    _answered_with(setup, PNG, "net.png", "image/png")
    response = Response.objects.get(item__kind=RUBRIC)
    url = f"/responses/{response.pk}/product/"
    for who in ("admin", "teacher", "learner", "guardian"):
        assert _client(getattr(other_world, who)).get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]


def test_the_other_schools_own_file_is_not_visible_here(setup, other_world):
    """The mirror image: a file in the second school, asked for from the first."""
    other = build(other_world)
    _answered_with(other, PNG, "net.png", "image/png")
    response = Response.objects.get(item__kind=RUBRIC, school=other_world.school)
    assert _client(setup.world.admin).get(f"/responses/{response.pk}/product/").status_code == 404
    assert _client(other_world.admin).get(f"/responses/{response.pk}/product/").status_code == 200


def test_the_api_never_hands_out_a_file_address(setup):
    """The responses API (session and bearer) lists answers, not files: the
    only way to a file is the page view that checks who asks."""
    _answered_with(setup, PNG, "net.png", "image/png")
    listing = _client(setup.world.teacher).get(
        f"/api/v1/responses?learner_id={setup.world.learner.pk}"
    )
    assert listing.status_code == 200
    assert "/media/" not in listing.content.decode() and "products/" not in listing.content.decode()


def test_erasing_the_learner_removes_their_files(setup, django_capture_on_commit_callbacks):
    from trellis.interop.learner_record import learner_erase

    _answered_with(setup, PNG, "net.png", "image/png")
    stored = Path(ResponseProduct.objects.get().file.path)
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        erasure = learner_erase(learner=setup.world.learner, requested_by=setup.world.admin)
    assert erasure.removed["evidence.ResponseProduct"] == 1
    assert not ResponseProduct.objects.exists() and not stored.exists()
    assert Response.objects.filter(item__kind=RUBRIC).exists()  # the answer stays, anonymous
