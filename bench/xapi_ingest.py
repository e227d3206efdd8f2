"""xAPI ingest throughput: statements a second through ``/xapi/statements``
on PostgreSQL with two gunicorn workers (target: at least 500/s).

Creates (or recreates) a bench database, migrates it, makes a school with a
class of learners, items on a few competencies and one tool credential,
starts ``gunicorn -w 2`` on 127.0.0.1, then posts statements from a client
with a bounded loop: ``--clients`` threads each post batches of ``--batch``
statements until ``--statements`` have been sent. Every statement is about a
Trellis item, so each becomes evidence and updates mastery (the full path).

Usage:
    .venv/bin/python bench/xapi_ingest.py [--db trellis_xapi_bench]
        [--statements 20000] [--batch 50] [--clients 4] [--port 8765]
Prints lines, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv" / "bin"


def setup_database(url: str, learners: int) -> dict:
    """Fresh schema and the bench's school; returns what the client needs."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trellis.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from trellis.curriculum.models import Competency, Framework, Item
    from trellis.curriculum.models import item as kinds
    from trellis.interop.xapi.activities import item_activity_id
    from trellis.interop.xapi.credentials import credential_issue
    from trellis.people import roles
    from trellis.people.models import Enrollment, Membership, School, SchoolClass, Term, User

    school = School.objects.create(name="Bench school", code=f"bench-{uuid.uuid4().hex[:6]}")
    term = Term.objects.create(
        school=school, name="T", starts_on="2026-01-01", ends_on="2026-12-31"
    )
    klass = SchoolClass.objects.create(
        school=school, term=term, name="Bench class", subject="Maths", grade_band="6"
    )
    users = User.objects.bulk_create(
        [User(username=f"{school.code}-l{n}", password="!") for n in range(learners)]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, school=school, role=roles.LEARNER) for u in users]
    )
    Enrollment.objects.bulk_create([Enrollment(school_class=klass, learner=u) for u in users])
    framework = Framework.objects.create(school=school, title="Bench")
    items = []
    for n in range(10):
        c = Competency.objects.create(framework=framework, code=f"B.{n}", statement=f"Skill {n}")
        item = Item.objects.create(
            school=school, kind=kinds.NUMERIC, prompt="2+2", numeric_answer=4
        )
        item.competencies.add(c)
        items.append(item_activity_id(item.pk))
    credential, secret = credential_issue(school=school, name="bench")
    return {
        "auth": "Basic " + base64.b64encode(f"{credential.key}:{secret}".encode()).decode(),
        "usernames": [u.username for u in users],
        "activities": items,
    }


def make_batch(ctx: dict, size: int, seed: int) -> list[dict]:
    out = []
    for k in range(size):
        n = seed * size + k
        out.append(
            {
                "id": str(uuid.uuid4()),
                "actor": {
                    "account": {
                        "homePage": "https://tool.example",
                        "name": ctx["usernames"][n % len(ctx["usernames"])],
                    }
                },
                "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                "object": {"id": ctx["activities"][(n // 7) % len(ctx["activities"])]},
                "result": {"response": "4" if n % 3 else "5", "duration": "PT30S"},
            }
        )
    return out


def post(url: str, ctx: dict, body: list[dict]) -> int:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("X-Experience-API-Version", "1.0.3")
    request.add_header("Authorization", ctx["auth"])
    with urllib.request.urlopen(request, timeout=120) as answer:
        return answer.status


def wait_for(port: int, proc: subprocess.Popen) -> None:
    for _ in range(100):
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited early")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/xapi/statements", timeout=1)
        except urllib.error.HTTPError:
            return  # it answers (400: no version header)
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="trellis_xapi_bench")
    parser.add_argument("--host", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--statements", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    for sql in (f"DROP DATABASE IF EXISTS {args.db}", f"CREATE DATABASE {args.db}"):
        subprocess.run(
            ["psql", f"{args.host}/postgres", "-q", "-c", sql], check=True, capture_output=True
        )
    url = f"{args.host}/{args.db}"
    ctx = setup_database(url, args.learners)
    print(f"database {args.db} ready: {args.learners} learners, 10 items")
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "0", "DATABASE_CONN_MAX_AGE": "60"}
    proc = subprocess.Popen(
        [str(VENV / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{args.port}", "trellis.wsgi"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(args.port, proc)
        endpoint = f"http://127.0.0.1:{args.port}/xapi/statements"
        batches = args.statements // args.batch
        bodies = [make_batch(ctx, args.batch, s) for s in range(batches)]
        post(endpoint, ctx, make_batch(ctx, 5, batches + 1))  # warm both code paths
        errors: list[str] = []
        lock = threading.Lock()
        queue = list(range(batches))

        def client() -> None:
            while True:
                with lock:
                    if not queue:
                        return
                    n = queue.pop()
                try:
                    post(endpoint, ctx, bodies[n])
                except Exception as error:  # noqa: BLE001 (counted, reported)
                    errors.append(str(error))

        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - start
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    sent = batches * args.batch
    rate = sent / seconds
    print(f"{sent} statements in {seconds:.2f} s: {rate:.0f} statements/s ({len(errors)} errors)")
    print(
        json.dumps(
            {
                "bench": "xapi_ingest",
                "statements": sent,
                "batch": args.batch,
                "clients": args.clients,
                "workers": 2,
                "seconds": round(seconds, 3),
                "statements_per_s": round(rate, 1),
                "errors": len(errors),
                "target_per_s": 500,
            }
        )
    )
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
