"""Publications made through the real publishing service (and so the real snapshot)."""

from django.test import TestCase

from assurance.models import CoverReport
from assurance.permissions import Role
from assurance.publishing import publication_publish
from tests.factories import make_organisation, make_period, make_user

REPORT_FIELDS = {f.name for f in CoverReport._meta.concrete_fields} - {
    "id",
    "organisation",
    "period",
    "version",
}


def make_cover_report(organisation, period, **fields) -> CoverReport:
    """The quarter's cover report, as an editor writes it before publishing."""
    fields.setdefault("purpose", "To update the panel.")
    fields.setdefault("recommendation", "To note the report.")
    report, _ = CoverReport.objects.update_or_create(
        organisation=organisation, period=period, defaults=fields
    )
    return report


def make_publication(organisation=None, period=None, **fields):
    organisation = organisation or make_organisation(kind="opcc")
    period = period or make_period(2016, 3)
    make_cover_report(organisation, period, **{k: fields.pop(k) for k in list(fields) if k in REPORT_FIELDS})
    fields.setdefault("warnings_acknowledged", True)
    # Tests run inside a transaction that never commits: run the on-commit paper task here.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return publication_publish(
            organisation=organisation,
            period=period,
            by=fields.pop("by", None) or make_user(Role.PUBLISHER),
            **fields,
        )
