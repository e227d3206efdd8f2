"""xAPI ingest throughput: statements a second through ``/xapi/statements``
on PostgreSQL with two gunicorn workers (target: at least 500/s).

Creates (or recreates) a bench database, migrates it, makes a school with a
class of learners, items on a few competencies and one credential per
client (each client is a tool of its own), starts gunicorn with two worker
processes on 127.0.0.1 (persistent database connections,
``DATABASE_CONN_MAX_AGE``), then measures two ways of sending:

- **lists**: ``--clients`` tools at once, each posting lists of ``--batch``
  statements until ``--statements`` have been sent;
- **single**: ``--clients`` tools at once, each posting one statement per
  request (``--single-statements`` in all), as tools that send each event
  as it happens do.

Each client keeps its HTTP connection open between requests (as an xAPI
client library does). Every statement is about a Trellis item, so each
becomes evidence and updates mastery (the full path). A request that does
not answer 200 counts as an error.

Usage:
    .venv/bin/python bench/xapi_ingest.py [--db trellis_xapi_bench] [--port 8765]
        [--mode both|lists|single] [--statements 20000] [--batch 50]
        [--single-statements 5000] [--clients 8]
        [--worker-class gthread|sync] [--threads 4]
Prints lines, then one JSON object as the last line. The database named by
``--db`` is dropped and created again.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv" / "bin"
TARGET_PER_S = 500
WORKERS = 2


def setup_database(url: str, learners: int, tools: int) -> dict:
    """Fresh schema and the bench's school; returns what the clients need."""
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
    auths = []
    for n in range(tools):
        credential, secret = credential_issue(school=school, name=f"bench tool {n}")
        token = base64.b64encode(f"{credential.key}:{secret}".encode()).decode()
        auths.append(f"Basic {token}")
    return {"auths": auths, "usernames": [u.username for u in users], "activities": items}


def statement(ctx: dict, n: int) -> dict:
    return {
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
        "timestamp": "2026-03-02T10:00:00Z",
    }


class Tool:
    """One client: an open connection and its own credential."""

    def __init__(self, port: int, auth: str):
        self.port = port
        self.headers = {
            "Content-Type": "application/json",
            "X-Experience-API-Version": "1.0.3",
            "Authorization": auth,
        }
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def post(self, body: bytes) -> int:
        for attempt in (1, 2):
            try:
                self.connection.request("POST", "/xapi/statements", body, self.headers)
                answer = self.connection.getresponse()
                answer.read()
                if answer.getheader("Connection", "").lower() == "close":
                    self.connection.close()
                return answer.status
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed a kept-alive connection; open a new one.
                self.connection.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def run(port: int, ctx: dict, bodies: list[bytes], clients: int) -> dict:
    """Post every body from ``clients`` tools at once; seconds, errors and
    request latencies."""
    errors: list[str] = []
    latencies: list[float] = []
    lock = threading.Lock()
    queue = list(range(len(bodies)))

    def client(auth: str) -> None:
        tool = Tool(port, auth)
        mine = []
        while True:
            with lock:
                if not queue:
                    break
                n = queue.pop()
            start = time.perf_counter()
            try:
                status = tool.post(bodies[n])
                if status != 200:
                    errors.append(f"HTTP {status}")
            except Exception as error:  # noqa: BLE001 (counted, reported)
                errors.append(str(error))
            mine.append(time.perf_counter() - start)
        tool.connection.close()
        with lock:
            latencies.extend(mine)

    threads = [
        threading.Thread(target=client, args=(ctx["auths"][n % len(ctx["auths"])],))
        for n in range(clients)
    ]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    latencies.sort()
    return {
        "seconds": seconds,
        "errors": errors,
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
    }


def wait_for(port: int, proc: subprocess.Popen) -> None:
    for _ in range(150):
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited early: " + proc.stderr.read().decode()[-2000:])
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/xapi/statements", timeout=1)
        except urllib.error.HTTPError:
            return  # it answers (400: no version header)
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _processes(master: int, database: str) -> dict[str, list[int]]:
    """The gunicorn workers, and the PostgreSQL backends serving them."""
    workers = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                workers.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        )
        backends = [pid for (pid,) in cursor.fetchall()]
    return {"server": workers, "database": backends}


def measure(name: str, args, ctx: dict, count: int, size: int, master: int) -> dict:
    batches = count // size
    offset = {"lists": 0, "single": 10_000_000}[name]
    bodies = [
        json.dumps(
            [statement(ctx, offset + b * size + k) for k in range(size)]
            if size > 1
            else statement(ctx, offset + b)
        ).encode()
        for b in range(batches)
    ]
    processes = _processes(master, args.db)
    before = {k: sum(_cpu_seconds(p) for p in pids) for k, pids in processes.items()}
    result = run(args.port, ctx, bodies, args.clients)
    after = {k: sum(_cpu_seconds(p) for p in pids) for k, pids in processes.items()}
    sent = batches * size
    rate = sent / result["seconds"]
    cpu_ms = {k: 1000 * (after[k] - before[k]) / sent for k in processes}
    print(
        f"{name}: {sent} statements in {batches} requests of {size}, {args.clients} clients: "
        f"{result['seconds']:.2f} s, {rate:.0f} statements/s, {batches / result['seconds']:.0f} "
        f"requests/s, latency p50 {result['p50_ms']:.1f} ms p95 {result['p95_ms']:.1f} ms "
        f"({len(result['errors'])} errors{': ' + result['errors'][0] if result['errors'] else ''})"
    )
    print(
        f"{name}: CPU per statement: gunicorn {cpu_ms['server']:.2f} ms, "
        f"PostgreSQL {cpu_ms['database']:.2f} ms; load average {os.getloadavg()[0]:.1f}"
    )
    return {
        "cpu_ms_per_statement": {k: round(v, 3) for k, v in cpu_ms.items()},
        "load_average": round(os.getloadavg()[0], 1),
        "statements": sent,
        "batch": size,
        "requests": batches,
        "seconds": round(result["seconds"], 3),
        "statements_per_s": round(rate, 1),
        "p50_ms": round(result["p50_ms"], 1),
        "p95_ms": round(result["p95_ms"], 1),
        "errors": len(result["errors"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="trellis_xapi_bench")
    parser.add_argument("--host", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--mode", choices=["both", "lists", "single"], default="both")
    parser.add_argument("--statements", type=int, default=20000, help="in lists mode")
    parser.add_argument("--batch", type=int, default=50, help="statements per list")
    parser.add_argument("--single-statements", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--worker-class", choices=["gthread", "sync"], default="gthread")
    parser.add_argument("--threads", type=int, default=4, help="per worker (gthread)")
    args = parser.parse_args()
    for sql in (f"DROP DATABASE IF EXISTS {args.db}", f"CREATE DATABASE {args.db}"):
        subprocess.run(
            ["psql", f"{args.host}/postgres", "-q", "-c", sql], check=True, capture_output=True
        )
    url = f"{args.host}/{args.db}"
    ctx = setup_database(url, args.learners, args.clients)
    print(f"database {args.db} ready: {args.learners} learners, 10 items, {args.clients} tools")
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "0", "DATABASE_CONN_MAX_AGE": "600"}
    command = [str(VENV / "gunicorn"), "-w", str(WORKERS), "-b", f"127.0.0.1:{args.port}"]
    if args.worker_class == "gthread":
        command += ["-k", "gthread", "--threads", str(args.threads), "--keep-alive", "30"]
    proc = subprocess.Popen(
        [*command, "trellis.wsgi"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    report = {
        "bench": "xapi_ingest",
        "database": "postgresql",
        "workers": WORKERS,
        "worker_class": args.worker_class,
        "threads": args.threads if args.worker_class == "gthread" else 1,
        "clients": args.clients,
        "target_per_s": TARGET_PER_S,
    }
    try:
        wait_for(args.port, proc)
        # warm every worker and thread: each opens its database connection
        warm = [json.dumps([statement(ctx, 99_000_000 + n)]).encode() for n in range(40)]
        run(args.port, ctx, warm, args.clients)
        if args.mode in ("both", "lists"):
            report["lists"] = measure("lists", args, ctx, args.statements, args.batch, proc.pid)
        if args.mode in ("both", "single"):
            report["single"] = measure("single", args, ctx, args.single_statements, 1, proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    print(json.dumps(report))
    failed = any(report[m]["errors"] for m in ("lists", "single") if m in report)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
