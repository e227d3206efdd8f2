"""The installable, offline learner mode (docs/offline.md): the web app
manifest and the service worker, both served from the site root so that the
worker may control every page."""

from __future__ import annotations

import json

from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

SERVICE_WORKER = "trellis/sw.js"


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """``/sw.js``: the worker's file from the static files, answered at the
    root (a worker controls only pages under its own path) with
    ``Service-Worker-Allowed: /``, and ``no-cache`` so that a new release's
    worker replaces the old one on the next visit."""
    path = finders.find(SERVICE_WORKER)
    if not path:
        raise Http404(SERVICE_WORKER)
    with open(path, "rb") as handle:
        body = handle.read()
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """``/manifest.webmanifest``: what a phone needs to install Trellis as an
    app that opens on the learner's assessments."""
    data = {
        "name": "Trellis",
        "short_name": "Trellis",
        "description": gettext("Your assessments and practice, also without a connection."),
        "lang": getattr(request, "LANGUAGE_CODE", "en"),
        "start_url": reverse("assessment-list"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#2f6b3a",
        "icons": [
            {"src": static("trellis/icons/trellis.svg"), "sizes": "any", "type": "image/svg+xml"},
            {
                "src": static("trellis/icons/trellis-192.png"),
                "sizes": "192x192",
                "type": "image/png",
            },
            {
                "src": static("trellis/icons/trellis-512.png"),
                "sizes": "512x512",
                "type": "image/png",
            },
            {
                "src": static("trellis/icons/trellis-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json"
    )
