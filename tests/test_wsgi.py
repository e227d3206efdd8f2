"""What a gunicorn worker does when it imports ``trellis.wsgi``, before its
first request: the URLconf is loaded, and what is loaded is frozen out of
the garbage collector's full passes (decision 0020). In a process of its
own: freezing is for the whole process, and this one runs the tests."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

PROBE = """
import gc, json, sys
before = gc.get_freeze_count()
import trellis.wsgi
print(json.dumps({
    "before": before,
    "frozen": gc.get_freeze_count(),
    "urlconf": "trellis.urls" in sys.modules,
    "app": type(trellis.wsgi.application).__name__,
}))
"""


def test_a_worker_loads_the_urlconf_and_freezes_it_before_its_first_request(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DJANGO_SETTINGS_MODULE": "trellis.settings_production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "trellis.example.org",
            # Nothing is asked of the database at start: none is there.
            "DATABASE_URL": f"sqlite:///{tmp_path / 'absent' / 'db.sqlite3'}",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["app"] == "WSGIHandler"
    assert seen["before"] == 0 and seen["urlconf"]
    # Django, the apps, their libraries and the URL patterns: far more than
    # a bare interpreter holds (a few thousand objects).
    assert seen["frozen"] > 50_000
