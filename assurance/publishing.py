"""Publishing a period's dashboard: checks, the frozen snapshot, corrections, the paper."""

import datetime

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from assurance.dashboard import run_checks, take_snapshot, what_changed
from assurance.models import Organisation, Paper, Publication, ReportingPeriod
from assurance.registry import Scope
from assurance.security import log_publication


class PublishingBlocked(Exception):
    """Publishing refused: checks found errors, or warnings were not acknowledged."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("; ".join(messages))


def latest_publication(
    organisation: Organisation, period: ReportingPeriod | None = None
) -> Publication | None:
    publications = Publication.objects.filter(organisation=organisation)
    if period is not None:
        publications = publications.filter(period=period)
    return publications.order_by("-published_at", "-version").first()


def latest_before(organisation: Organisation, period: ReportingPeriod) -> Publication | None:
    """The newest version of the latest quarter published before this one."""
    return (
        Publication.objects.filter(organisation=organisation, period__quarter__isnull=False)
        .filter(
            Q(period__start_year__lt=period.start_year)
            | Q(period__start_year=period.start_year, period__quarter__lt=period.quarter)
        )
        .order_by("-period__start_year", "-period__quarter", "-version")
        .first()
    )


@transaction.atomic
def publication_publish(
    *,
    organisation: Organisation,
    period: ReportingPeriod,
    by,
    title: str,
    purpose: str,
    recommendation: str,
    agenda_item: str = "",
    meeting_date: datetime.date | None = None,
    correction_note: str = "",
    warnings_acknowledged: bool = False,
) -> Publication:
    """Freeze the period's dashboard as it stands now, without any restricted record.

    The checks run again here, inside the transaction, so what was reviewed cannot have
    gained an error meanwhile. The paper is made after the commit by a background task.
    """
    if organisation.kind != Organisation.Kind.OPCC or period.quarter is None:
        raise PublishingBlocked(["A dashboard is published for an OPCC's quarter"])
    # One publisher at a time per organisation: the version number and the comparison baseline
    # are read and written under this lock (a row lock on PostgreSQL; SQLite locks on BEGIN).
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    scope = Scope(organisation=organisation, period=period, include_restricted=False)
    findings = run_checks(scope)
    errors = [f.message for f in findings if f.level == "error"]
    if errors:
        raise PublishingBlocked(errors)
    if any(f.level == "warning" for f in findings) and not warnings_acknowledged:
        raise PublishingBlocked(["Confirm that you have read the warnings"])

    # Lock the period's publications so two publishers cannot take the same version number.
    previous_versions = Publication.objects.select_for_update().filter(
        organisation=organisation, period=period
    )
    version = (previous_versions.aggregate(v=Max("version"))["v"] or 0) + 1
    if version > 1 and not correction_note.strip():
        raise PublishingBlocked(["Say what this correction changes: the period is already published"])

    snapshot = take_snapshot(scope)
    earlier = (
        previous_versions.order_by("-version").first() if version > 1 else latest_before(organisation, period)
    )
    baseline = earlier.snapshot if earlier else None
    snapshot["compared_with"] = str(earlier) if earlier else None
    publication = Publication.objects.create(
        organisation=organisation,
        period=period,
        version=version,
        published_by=by,
        published_at=timezone.now(),
        title=title,
        correction_note=correction_note.strip(),
        snapshot=snapshot,
        changes=what_changed(baseline, snapshot),
    )
    Paper.objects.create(
        publication=publication,
        agenda_item=agenda_item,
        meeting_date=meeting_date,
        purpose=purpose,
        recommendation=recommendation,
    )
    transaction.on_commit(lambda: enqueue_paper(publication.pk))
    transaction.on_commit(lambda: log_publication(publication, by=by))
    return publication


def enqueue_paper(publication_id: int) -> None:
    from assurance.tasks import make_paper

    make_paper.enqueue(publication_id)
