"""Marks for the browser tests.

Pages register Trellis's service worker, which fetches the offline pack in
the background. A fetch still in flight when a test ends reaches the live
server after the test's database was torn down, and leaves the shared
in-memory SQLite database locked for the tests after it. So the browser
blocks service workers (``browser_context_args`` in conftest.py), except in
the tests of offline use, which carry ``SERVICE_WORKERS``
(pytest-playwright's ``browser_context_args`` mark)."""

from __future__ import annotations

import pytest

SERVICE_WORKERS = pytest.mark.browser_context_args(service_workers="allow")
