"""Django's PostgreSQL backend, with a health check that costs no round trip.

Production keeps each worker's connection between requests and checks it at
the start of each request (``CONN_HEALTH_CHECKS``), so that a connection the
server has closed (a restart, a failover, an idle timeout) is replaced
instead of failing the request. Django checks by sending ``SELECT 1`` and
waiting for the answer: one more round trip on every request, the cheapest
API call included, and under load each round trip is two more process
switches (issue #18, decision 0020).

A server that closes a connection says so on the socket: it sends its
reason (an error message) and then end-of-file, both of which make an idle
socket readable. Nothing else arrives unasked on an idle connection here
(Trellis does not LISTEN). So a kept connection whose socket has nothing to
read is as usable as ``SELECT 1`` would find it, and one whose socket does
is checked the old way. A connection that vanished without a word (the
server's machine lost, a cable cut) fools both checks alike: ``SELECT 1``
would wait for the network's time-out as the request's own first statement
does."""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        raw = self.connection
        if raw is None or raw.closed or raw.broken:
            return False
        if raw.info.transaction_status != pq.TransactionStatus.IDLE:
            # Not between requests (inside a transaction, or after an
            # error): the server's answer decides.
            return super().is_usable()
        poller = select.poll()
        poller.register(raw.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
        if poller.poll(0):
            # The server said something nobody asked for: most likely that
            # it is closing the connection. Ask it.
            return super().is_usable()
        return True
