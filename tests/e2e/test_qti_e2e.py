"""The QTI page in a real browser: a teacher reaches it from the questions
list, downloads the school's items, uploads a package (a refused one lists
its problems; a good one adds the items), at 1280 px and at 390 px without
sideways scroll, with screenshots to look at."""

from __future__ import annotations

import zipfile

import pytest

from tests.curriculum.factories import leaf, make_framework, make_items
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import PASSWORD
from tests.interop.qti_packages import package
from tests.world import build_school
from trellis.curriculum.models import Item

pytest.importorskip("playwright", reason="Playwright is not installed (make test installs it)")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_teacher_downloads_and_uploads_qti(live_server, page, sign_in, tmp_path):
    w = build_school("q1_")
    competency = leaf(make_framework(w.school), "A.1")
    make_items(w.school, competency)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(w.teacher.username, PASSWORD)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/items/")
    page.get_by_role("link", name="Import or export as QTI").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Items as QTI 3.0"

    # download: every item of the school, as a zip
    with page.expect_download() as caught:
        page.get_by_role("button", name="Download as QTI 3.0").click()
    saved = tmp_path / "export.zip"
    caught.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        items = [n for n in archive.namelist() if n.startswith("items/")]
    assert len(items) == Item.objects.filter(school=w.school).count() == 4

    # a refused package lists its problems and adds nothing
    broken = tmp_path / "broken.zip"
    broken.write_bytes(package(competency, {"items/q1.xml": "<qti-assessment-item"}).getvalue())
    page.get_by_label("QTI 3.0 package (zip)").set_input_files(str(broken))
    page.get_by_role("button", name="Import", exact=True).click()
    assert (
        "broken.zip was refused: 1 problem"
        in page.get_by_role("heading", level=2).first.inner_text()
    )
    assert page.get_by_role("cell", name="items/q1.xml").is_visible()
    assert Item.objects.filter(school=w.school).count() == 4
    page.screenshot(path=str(SCREENSHOTS / "qti-refused-desktop.png"), full_page=True)

    # the downloaded package imports back: four more questions
    page.get_by_label("QTI 3.0 package (zip)").set_input_files(str(saved))
    page.get_by_role("button", name="Import", exact=True).click()
    assert "4 questions imported" in page.get_by_role("status").inner_text()
    assert Item.objects.filter(school=w.school).count() == 8
    page.screenshot(path=str(SCREENSHOTS / "qti-imported-desktop.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/interop/qti/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "qti-phone.png"), full_page=True)
    # the refused report on a phone scrolls inside its table, not sideways
    page.get_by_label("QTI 3.0 package (zip)").set_input_files(str(broken))
    with page.expect_navigation():
        page.get_by_role("button", name="Import", exact=True).click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "qti-refused-phone.png"), full_page=True)
