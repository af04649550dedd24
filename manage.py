#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    if sys.version_info < (3, 12):  # noqa: UP036 - say so clearly on the system Python 3.11
        sys.exit(
            "Assurance needs Python 3.12 or newer (Django 6). Run `make run`, which makes a suitable .venv."
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assurance.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
