"""Publications made through the real publishing service (and so the real snapshot)."""

from django.test import TestCase

from assurance.permissions import Role
from assurance.publishing import publication_publish
from tests.factories import make_organisation, make_period, make_user


def make_publication(organisation=None, period=None, **fields):
    fields.setdefault("title", "Assurance and performance")
    fields.setdefault("purpose", "To update the panel.")
    fields.setdefault("recommendation", "To note the report.")
    fields.setdefault("warnings_acknowledged", True)
    # Tests run inside a transaction that never commits: run the on-commit paper task here.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return publication_publish(
            organisation=organisation or make_organisation(kind="opcc"),
            period=period or make_period(2016, 3),
            by=fields.pop("by", None) or make_user(Role.PUBLISHER),
            **fields,
        )
