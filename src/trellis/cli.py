"""The ``trellis`` console script: Django's management commands, with
Trellis's settings chosen by default."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trellis.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["trellis", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
