"""Benchmark: learners answering at once, end to end over HTTP, on PostgreSQL
with gunicorn and the production settings. Targets (issue #18): with 32
concurrent learners, ``POST /api/v1/responses`` p95 under 100 ms and at
least 300 answers a second on two gunicorn workers per core.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<an empty database> \\
        .venv/bin/python bench/answer_load.py --clients 32 --seconds 30

What it does, in order: migrates the database named by ``DATABASE_URL``
(which should be empty; a second run reuses it), loads the demo school,
issues a bearer token to each demo learner (as ``trellis create-api-token``
does), starts gunicorn on a free local port with
``trellis.settings_production`` and compose.yaml's environment (two
workers per core, persistent database connections; ``--redis-url`` or
``REDIS_URL`` for the shared cache, as production has it), measures ``GET /api/v1/me`` with
the same number of clients as the baseline, then lets each client answer
practice questions as its own learners (distinct learners per client, a new
idempotency key per answer, about 70% right) for ``--seconds``. Each client
is a closed loop: it sends its next answer when the previous one returns,
so latency and throughput are measured together. Everything it started is
stopped at the end. The last line is JSON with ``p50_ms``, ``p95_ms``,
``answers_per_s``, ``errors``, ``me_p95_ms`` and ``load_avg`` (the machine's
1/5/15-minute load average at the end: the figures depend on it), and
``cpu_ms_per_answer`` / ``cpu_ms_per_me``: the CPU time each side spent per
request (the gunicorn workers, the PostgreSQL processes serving this
database, and the client itself), read from /proc. Those hardly move with
the machine's load, so they say where an answer's cost is and what a
throughput target needs: on ``cores`` cores, N answers a second need the
three sides to add up to at most ``1000 * cores / N`` ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

TARGET_P95_MS = 100.0
TARGET_ANSWERS_PER_S = 300.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _trellis(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "-m", "trellis.cli", *args], check=True, env=env, cwd=ROOT)


def _prepare(env: dict) -> list[tuple[str, list[tuple[int, str]]]]:
    """Migrate, load the demo, and return (token, [(item id, answer)]) for
    each demo learner: the numeric and multiple-choice items of their school,
    each with the right answer (or, for a share, a wrong one at answer time)."""
    _trellis("migrate", "--noinput", "-v", "0", env=env)
    _trellis("load-demo", env=env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "trellis.settings"
    import django

    django.setup()
    from trellis.api.models import ApiToken
    from trellis.curriculum.models import Item
    from trellis.curriculum.models import item as kinds
    from trellis.people import roles
    from trellis.people.models import Membership

    answers_by_school: dict[int, list[tuple[int, str]]] = {}
    for item in Item.objects.filter(kind__in=[kinds.NUMERIC, kinds.CHOICE]).order_by("pk"):
        if item.kind == kinds.NUMERIC:
            right = f"{item.numeric_answer}"
        else:
            right = str(next(i for i, o in enumerate(item.options) if o.get("correct")))
        answers_by_school.setdefault(item.school_id, []).append((item.pk, right))
    learners = []
    for membership in (
        Membership.objects.filter(role=roles.LEARNER, active=True, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    ):
        items = answers_by_school.get(membership.school_id)
        if items:
            _, raw = ApiToken.issue(user=membership.user, name="bench answer_load")
            learners.append((raw, items))
    return learners


class Client(threading.Thread):
    """One closed-loop client: each request waits for the previous one."""

    def __init__(self, port: int, learners, until: float, answer: bool, seed: int):
        super().__init__(daemon=True)
        self.port, self.learners, self.until, self.answer = port, learners, until, answer
        self.rng = random.Random(seed)
        self.timings: list[float] = []
        self.errors = 0
        self.statuses: dict[int, int] = {}

    def run(self) -> None:
        k = 0
        while time.monotonic() < self.until:
            token, items = self.learners[k % len(self.learners)]
            k += 1
            if self.answer:
                item_id, right = self.rng.choice(items)
                answer = right if self.rng.random() < 0.7 else "0"
                body = json.dumps({"item_id": item_id, "answer": answer, "time_on_item_ms": 9000})
                request = _request(
                    "POST", "/api/v1/responses", token, body,
                    {"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex},
                )  # fmt: skip
            else:
                request = _request("GET", "/api/v1/me", token)
            started = time.perf_counter()
            status = _exchange(self.port, request)
            elapsed = (time.perf_counter() - started) * 1000
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status in (200, 201):
                self.timings.append(elapsed)
            else:
                self.errors += 1


def _request(method: str, path: str, token: str, body: str = "", headers=None) -> bytes:
    """One HTTP/1.1 request as bytes, asking the server to close the
    connection after answering (as gunicorn's sync workers do anyway)."""
    lines = [
        f"{method} {path} HTTP/1.1",
        "Host: localhost",
        f"Authorization: Bearer {token}",
        "Connection: close",
        *(f"{name}: {value}" for name, value in (headers or {}).items()),
    ]
    payload = body.encode()
    if method == "POST":
        lines.append(f"Content-Length: {len(payload)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


def _exchange(port: int, request: bytes) -> int:
    """Send the request on a new connection, read the whole response (until
    the server closes), and return its status code (0 if none came).

    A few lines over a socket rather than ``http.client``: the clients share
    the server's cores here (a learner's device does not), and
    ``http.client``'s header parsing cost 0.4 ms of those cores per request,
    a third of what the server spent on ``GET /api/v1/me``."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(request)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
    except OSError:
        return 0
    head = b"".join(chunks)[:16].split()
    return int(head[1]) if len(head) > 1 and head[0].startswith(b"HTTP/") else 0


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(share * len(ordered))) - 1)] if ordered else 0.0


def _load(port: int, learners, clients: int, seconds: float, answer: bool) -> dict:
    """Run ``clients`` closed-loop clients for ``seconds``; each client has
    its own learners (none shared between clients)."""
    shares = [learners[i::clients] or [learners[i % len(learners)]] for i in range(clients)]
    until = time.monotonic() + seconds
    threads = [
        Client(port, shares[i], until, answer, seed=i) for i in range(clients)
    ]  # fmt: skip
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    timings = [t for thread in threads for t in thread.timings]
    statuses: dict[int, int] = {}
    for thread in threads:
        for status, n in thread.statuses.items():
            statuses[status] = statuses.get(status, 0) + n
    return {
        "n": len(timings),
        "errors": sum(thread.errors for thread in threads),
        "statuses": statuses,
        "p50_ms": round(statistics.median(timings), 1) if timings else 0.0,
        "p95_ms": round(_percentile(timings, 0.95), 1),
        "per_s": round(len(timings) / wall, 1),
    }


TICK_MS = 1000.0 / os.sysconf("SC_CLK_TCK")


def _cpu_ms(pids: list[int]) -> float:
    """User plus system CPU time of these processes so far, in ms (a process
    that has gone counts nothing)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total * TICK_MS


def _web_pids(server: subprocess.Popen) -> list[int]:
    """gunicorn's master and workers (the session it was started in)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == server.pid:
                pids.append(int(entry.name))
    return pids


def _database_pids() -> list[int]:
    """The PostgreSQL server processes serving this benchmark's database (the
    web workers' persistent connections), so other databases' work on a
    shared server is not counted."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        )
        pids = [row[0] for row in cursor.fetchall()]
    connection.close()
    return pids


def _measured(port, learners, clients, seconds, answer, server) -> dict:
    """``_load`` with the CPU each side spent per request: the web workers,
    the database server processes of this database, and this client."""
    web, database = _web_pids(server), _database_pids()
    before = (_cpu_ms(web), _cpu_ms(database), time.process_time() * 1000)
    result = _load(port, learners, clients, seconds, answer)
    after = (_cpu_ms(web), _cpu_ms(database), time.process_time() * 1000)
    n = max(1, result["n"] + result["errors"])
    result["cpu_ms_per_request"] = {
        side: round((end - start) / n, 2)
        for side, start, end in zip(("web", "database", "client"), before, after, strict=True)
    }
    return result


def _wait_ready(port: int, server: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited before answering; see its output above")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz", headers={"Host": "localhost"})
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within three minutes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument(
        "--workers", type=int, default=0, help="gunicorn workers (default two per core)"
    )
    parser.add_argument("--baseline-seconds", type=float, default=10)
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL", ""),
        help="the cache production uses (default $REDIS_URL; none: per-process memory)",
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to an empty PostgreSQL database.")
    workers = args.workers or 2 * (os.cpu_count() or 1)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "trellis.settings",
    }
    learners = _prepare(env)
    if not learners:
        raise SystemExit("The demo has no learner with numeric or multiple-choice items.")
    from django.db import connections

    connections.close_all()
    port = _free_port()
    server_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "trellis.settings_production",
        "DJANGO_SECRET_KEY": "bench-" + uuid.uuid4().hex,
        "DJANGO_ALLOWED_HOSTS": "localhost",
        # Plain HTTP on the loopback: no TLS proxy in front here.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "TRELLIS_LOG_LEVEL": "WARNING",
        # As compose.yaml runs the web servers.
        "DATABASE_CONN_MAX_AGE": os.environ.get("DATABASE_CONN_MAX_AGE", "60"),
    }
    if args.redis_url:
        server_env["REDIS_URL"] = args.redis_url
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "trellis.wsgi", "--workers", str(workers),
            "--bind", f"127.0.0.1:{port}", "--timeout", "60", "--backlog", "2048",
        ],
        env=server_env, cwd=ROOT, start_new_session=True,
    )  # fmt: skip
    try:
        _wait_ready(port, server)
        # Warm every worker (imports, the school's model, connections).
        _load(port, learners, args.clients, 3, answer=True)
        me = _measured(port, learners, args.clients, args.baseline_seconds, False, server)
        answers = _measured(port, learners, args.clients, args.seconds, True, server)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    result = {
        "bench": "answer_load",
        "clients": args.clients,
        "seconds": args.seconds,
        "workers": workers,
        "learners": len(learners),
        "answers": answers["n"],
        "p50_ms": answers["p50_ms"],
        "p95_ms": answers["p95_ms"],
        "answers_per_s": answers["per_s"],
        "errors": answers["errors"],
        "statuses": answers["statuses"],
        "me_p50_ms": me["p50_ms"],
        "me_p95_ms": me["p95_ms"],
        "me_per_s": me["per_s"],
        "cpu_ms_per_answer": answers["cpu_ms_per_request"],
        "cpu_ms_per_me": me["cpu_ms_per_request"],
        "cores": os.cpu_count(),
        "ok": answers["p95_ms"] < TARGET_P95_MS
        and answers["per_s"] >= TARGET_ANSWERS_PER_S
        and not answers["errors"],
        "redis": bool(args.redis_url),
        "load_avg": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
