"""Shared fixtures: two whole schools, API clients, and the skips for
PostgreSQL, Redis, real data and the browser."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.world import SchoolWorld, build_school

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = (REPO_ROOT / ".." / "shared" / "data").resolve()


@pytest.fixture
def world(db) -> SchoolWorld:
    return build_school("s1_")


@pytest.fixture
def other_world(db) -> SchoolWorld:
    return build_school("s2_")


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data not found at {SHARED_DATA} (see ../shared/data/README.md)")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def _empty_cache():
    """Test databases reuse ids; nothing cached in one test (the latest
    model's id, a credential) may leak into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a page requested in Spanish
    leaves Spanish active in the thread (Django's locale middleware never
    switches back), which would otherwise carry into the next test."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2's deliberate slowness is for attackers, not for test suites."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _is_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


#: The Redis the redis-marked tests use (its db index is theirs alone).
REDIS_TEST_URL = os.environ.get("TRELLIS_TEST_REDIS_URL", "redis://127.0.0.1:6379/8")


def _redis_reachable() -> bool:
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2).ping()
    except (redis.RedisError, OSError):
        return False
    return True


def _skip_without_redis(items) -> None:
    wanted = [item for item in items if "redis" in item.keywords]
    if not wanted or _redis_reachable():
        return
    if os.environ.get("TRELLIS_REQUIRE_REDIS") == "1":
        raise pytest.UsageError(
            f"TRELLIS_REQUIRE_REDIS=1 but Redis is unreachable at {REDIS_TEST_URL}"
        )
    skip = pytest.mark.skip(
        reason=f"needs Redis at {REDIS_TEST_URL} (set TRELLIS_TEST_REDIS_URL; .ci/run requires it)"
    )
    for item in wanted:
        item.add_marker(skip)


def pytest_collection_modifyitems(config, items):
    _skip_without_redis(items)
    if os.environ.get("TRELLIS_REQUIRE_POSTGRES") == "1" and not _is_postgres():
        raise pytest.UsageError("TRELLIS_REQUIRE_POSTGRES=1 but DATABASE_URL is not PostgreSQL")
    if not _is_postgres():
        skip = pytest.mark.skip(
            reason="needs PostgreSQL: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/test (as .ci/run does)"
        )
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


#: Files of one long test each (the accessibility sweep, minutes apiece).
LONG_FILES = "tests/e2e/test_every_page_a11y_"


def pytest_xdist_make_scheduler(config, log):
    """Under ``--dist loadfile`` the long files start first, one per worker.
    xdist hands out files with the most tests first, so the sweep's two
    one-test files would otherwise start last and be the run's tail."""
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class LongFilesFirst(LoadFileScheduling):
        def _assign_work_unit(self, node):
            for scope in [s for s in self.workqueue if s.startswith(LONG_FILES)]:
                self.workqueue.move_to_end(scope, last=False)
            super()._assign_work_unit(node)

    return LongFilesFirst(config, log)
