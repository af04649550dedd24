"""The URL x role table: what every URL of the product answers to each persona.

Each area lists its URLs in tests/<area>/access_cases.py as `CASES = {url_name: Case(...)}`;
test_access.py gathers them and fails when any named URL is missing from the table.
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

import tests
from assurance.permissions import Access


@dataclass(frozen=True)
class Case:
    access: Access
    # Builds the URL's kwargs from fresh objects (runs inside the test's database).
    kwargs: Callable[[], dict] = field(default=lambda: {})
    # POST-only views: allowed roles get 405 on GET; their POST is tested in the area's tests.
    post_only: bool = False
    # Status an allowed persona gets on GET, when not 200 (e.g. a download, 302 to a page).
    ok_status: int = 200
    # The URL names no office's record (reference data, a template file): staff of any office
    # reach it. Otherwise staff of another office are answered 404, as for a missing record.
    shared: bool = False


ALLOWED = {
    Access.ANYONE: {"anonymous", "outsider", "panel", "editor", "publisher", "administrator"},
    Access.PUBLISHED: {"anonymous", "outsider", "panel", "editor", "publisher", "administrator"},
    Access.SIGNED_IN: {"outsider", "panel", "editor", "publisher", "administrator"},
    Access.EDIT: {"editor", "publisher", "administrator"},
    Access.PUBLISH: {"publisher", "administrator"},
    Access.ADMIN: {"administrator"},
}


def all_cases() -> dict[str, Case]:
    cases: dict[str, Case] = {}
    for module in pkgutil.walk_packages(tests.__path__, "tests."):
        if module.name.endswith(".access_cases"):
            cases.update(importlib.import_module(module.name).CASES)
    return cases
