"""/api/v1/docs works without internet (issue 20): the page names no other
origin, and every script and stylesheet it loads is one of Trellis's own
static files."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db
ASSET = re.compile(r'(?:src|href)="([^"]+)"')


def test_the_api_docs_load_only_trellis_static_files(client, world):
    client.force_login(world.teacher)
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    body = response.content.decode()
    assert not re.search(r"https?://|//[a-z]", body.replace("http://www.w3.org", "")), body
    assets = [a for a in ASSET.findall(body) if a.endswith((".js", ".css"))]
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith("swagger-ui.css") for a in assets)
    for asset in assets:
        assert asset.startswith(settings.STATIC_URL), asset
        found = finders.find(asset.removeprefix(settings.STATIC_URL))
        assert found, f"{asset} is not among the static files"
