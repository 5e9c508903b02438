"""The `haven` console command: Django's management commands under Haven's name.

`haven migrate`, `haven demo`, `haven audit verify`, `haven ingest …` all go through
here so that operators never need to know about manage.py or settings modules.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    # After DJANGO_SETTINGS_MODULE is set: Django reads it on import.
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["haven", *argv])
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
