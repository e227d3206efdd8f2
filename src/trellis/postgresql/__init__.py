"""Django's PostgreSQL backend with one change: the health check of a kept
connection asks the socket, not the server (``base.DatabaseWrapper``)."""
