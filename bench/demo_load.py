"""Benchmark: load the whole demo school (people, curriculum, a month of
activity, the practice behind the continuum report), the work of
``trellis load-demo``. The unit tests check what the demo contains, never how
long it takes; the figure is here, with the load average. Target: under 30 s.

    .venv/bin/python bench/demo_load.py            # a throw-away SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trellis .venv/bin/python bench/demo_load.py

The last line is JSON with the seconds taken and the load average.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trellis.settings")

TARGET_S = 30.0


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = (
        None
        if connection.vendor == "sqlite"
        else f"{settings.DATABASES['default']['NAME']}_bench_demo_load"
    )
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from trellis.people.demo import demo_load

        started = time.perf_counter()
        demo = demo_load()
        seconds = time.perf_counter() - started
        print(f"Loaded {demo.school.name} in {seconds:.1f} s (target {TARGET_S:.0f} s)")
        print(
            json.dumps(
                {
                    "bench": "demo_load",
                    "database": connection.vendor,
                    "seconds": round(seconds, 2),
                    "target_s": TARGET_S,
                    "load_avg": os.getloadavg(),
                }
            )
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
