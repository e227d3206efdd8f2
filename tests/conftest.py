"""Shared fixtures: two whole schools, API clients, and the skips for
PostgreSQL, real data and the browser."""

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
def _fast_password_hashing(settings):
    """PBKDF2's deliberate slowness is for attackers, not for test suites."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _is_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config, items):
    if os.environ.get("TRELLIS_REQUIRE_POSTGRES") == "1" and not _is_postgres():
        raise pytest.UsageError("TRELLIS_REQUIRE_POSTGRES=1 but DATABASE_URL is not PostgreSQL")
    if not _is_postgres():
        skip = pytest.mark.skip(
            reason="needs PostgreSQL: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/test (as .ci/run does)"
        )
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)
