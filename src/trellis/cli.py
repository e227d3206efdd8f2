"""The ``trellis`` console script: Django's management commands, with
Trellis's settings chosen by default. Command names may be written with
hyphens (``trellis load-demo``) or underscores (``trellis load_demo``)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trellis.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args and not args[0].startswith("-"):
        # `trellis load-demo` runs the management command `load_demo`.
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["trellis", *args])


if __name__ == "__main__":
    main()
