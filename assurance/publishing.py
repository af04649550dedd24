"""Publishing a period's dashboard: the cover report, checks, the frozen snapshot, corrections,
withdrawals, and the paper."""

import datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BooleanField, Case, Max, Model, Q, Value, When
from django.utils import timezone

from assurance.dashboard import acronyms_used, compared_items, run_checks, take_snapshot, what_changed
from assurance.models import (
    CoverReport,
    Organisation,
    Paper,
    Publication,
    PublishedRecord,
    ReportingPeriod,
    Visibility,
    VisibilityModel,
    Withdrawal,
)
from assurance.scope import Scope
from assurance.security import log_publication
from assurance.writes import record_create

DEFAULT_REPORT = {
    "purpose": (
        "To provide members of the panel with the governance dashboard for the quarter: how the "
        "Commissioner holds the Chief Constable to account and how governance works."
    ),
    "recommendation": "Members of the panel are invited to note this report.",
}
# What a new quarter's cover report does not take from the previous one: they are the new paper's own.
NOT_CARRIED_FORWARD = {"meeting_date", "agenda_item", "key_points"}


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
    """The newest version of the latest quarter published before this one, without its
    snapshot (read if asked for): what is compared with it is its `items`."""
    return (
        Publication.objects.filter(organisation=organisation, period__quarter__isnull=False)
        .filter(
            Q(period__start_year__lt=period.start_year)
            | Q(period__start_year=period.start_year, period__quarter__lt=period.quarter)
        )
        .order_by("-period__start_year", "-period__quarter", "-version")
        .select_related("organisation", "period")
        .defer("snapshot")
        .first()
    )


def report_fields(report: dict) -> dict:
    """A frozen report (CoverReport.frozen) as the model's fields, to start a new draft from."""
    fields = {
        name: report.get(name, "")
        for name in ("title", "meeting_name", "report_of", "purpose", "background", "recommendation")
        if report.get(name)
    }
    implications = {item["heading"]: item["text"] for item in report.get("implications", [])}
    for name, heading in CoverReport.IMPLICATIONS:
        if heading in implications:
            fields[name] = implications[heading]
    contact = report.get("contact", {})
    fields.update(
        contact_name=contact.get("name", ""),
        contact_role=contact.get("role", ""),
        contact_email=contact.get("email", ""),
        background_papers="\n".join(report.get("background_papers", [])),
    )
    return fields


def cover_report_draft(*, organisation: Organisation, period: ReportingPeriod) -> tuple[CoverReport, str]:
    """The quarter's cover report: the saved draft if there is one, else an unsaved one started
    from the report of the latest publication (this quarter's, or the quarter before's), with
    the reason its history will give."""
    existing = CoverReport.objects.filter(organisation=organisation, period=period).first()
    if existing is not None:
        return existing, ""
    source = latest_publication(organisation, period) or latest_before(organisation, period)
    fields = dict(DEFAULT_REPORT)
    if organisation.area_name:
        fields["meeting_name"] = f"{organisation.area_name} Police and Crime Panel"
    reason = "Started with the standard wording"
    if source is not None:
        from assurance.paper import frozen_report

        fields |= report_fields(frozen_report(source, Paper.objects.filter(publication=source).first()))
        reason = f"Started from the report of {source}"
    for name in NOT_CARRIED_FORWARD:
        fields.pop(name, None)
    return CoverReport(organisation=organisation, period=period, **fields), reason


@transaction.atomic
def cover_report_start(*, organisation: Organisation, period: ReportingPeriod, by) -> CoverReport:
    """The quarter's saved cover report, saving the started draft if there is none yet."""
    report, reason = cover_report_draft(organisation=organisation, period=period)
    if report.pk is None:
        record_create(instance=report, by=by, reason=reason)
    return report


def status_date(
    period: ReportingPeriod, published: datetime.date, meeting: datetime.date | None
) -> datetime.date:
    """The day a paper gives statuses at: the quarter's end, or the day it is published if that
    is earlier, and never after the meeting it goes to."""
    return min(period.end_date, published, meeting or published)


def frozen_snapshot(scope: Scope, report: CoverReport) -> dict:
    """What a publication freezes: every area's data (without restricted records unless the
    scope asks), the cover report, the status date its statuses are given at, and the
    office's acronyms its text uses."""
    snapshot = take_snapshot(scope)
    snapshot["report"] = report.frozen()
    snapshot["as_at"] = scope.status_date.isoformat()
    snapshot["acronyms"] = acronyms_used(scope.organisation, snapshot)
    return snapshot


@transaction.atomic
def publication_publish(
    *,
    organisation: Organisation,
    period: ReportingPeriod,
    by,
    correction_note: str = "",
    warnings_acknowledged: bool = False,
    published_at: datetime.datetime | None = None,
) -> Publication:
    """Freeze the period's dashboard and its cover report as they stand now, without any
    restricted record.

    The checks run again here, inside the transaction, so what was reviewed cannot have
    gained an error meanwhile. The paper is made after the commit by a background task.
    `published_at` is for loading past publications (the demo); it is now otherwise.
    """
    if organisation.kind != Organisation.Kind.OPCC or period.quarter is None:
        raise PublishingBlocked(["A dashboard is published for an OPCC's quarter"])
    # One publisher at a time per organisation: the version number and the comparison baseline
    # are read and written under this lock (a row lock on PostgreSQL; SQLite locks on BEGIN).
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    report = cover_report_start(organisation=organisation, period=period, by=by)
    try:
        report.full_clean()
    except ValidationError as invalid:
        raise PublishingBlocked([f"The cover report: {m}" for m in invalid.messages]) from None
    published_at = published_at or timezone.now()
    as_at = status_date(period, timezone.localdate(published_at), report.meeting_date)
    scope = Scope(organisation=organisation, period=period, include_restricted=False, as_at=as_at)
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

    snapshot = frozen_snapshot(scope, report)
    earlier = (
        previous_versions.order_by("-version").first() if version > 1 else latest_before(organisation, period)
    )
    snapshot["compared_with"] = str(earlier) if earlier else None
    publication = Publication.objects.create(
        organisation=organisation,
        period=period,
        version=version,
        published_by=by,
        published_at=published_at,
        title=report.title,
        correction_note=correction_note.strip(),
        snapshot=snapshot,
        changes=what_changed(earlier.items if earlier else None, snapshot),
        items=compared_items(snapshot),
    )
    PublishedRecord.objects.bulk_create(
        PublishedRecord(publication=publication, record=record)
        for record in sorted({r for area in snapshot["areas"] for r in area["data"].get("records", [])})
    )
    Paper.objects.create(publication=publication)
    transaction.on_commit(lambda: enqueue_paper(publication.pk))
    transaction.on_commit(lambda: log_publication(publication, by=by))
    return publication


def would_be_publication(*, organisation: Organisation, period: ReportingPeriod, by) -> Publication:
    """The publication that publishing now would make, unsaved: what a preview shows."""
    report, _ = cover_report_draft(organisation=organisation, period=period)
    published_at = timezone.now()
    as_at = status_date(period, timezone.localdate(published_at), report.meeting_date)
    snapshot = frozen_snapshot(Scope(organisation, period, include_restricted=False, as_at=as_at), report)
    previous = latest_publication(organisation, period)
    earlier = previous or latest_before(organisation, period)
    snapshot["compared_with"] = str(earlier) if earlier else None
    return Publication(
        organisation=organisation,
        period=period,
        version=(previous.version + 1) if previous else 1,
        published_by=by,
        published_at=published_at,
        title=report.title,
        snapshot=snapshot,
        changes=what_changed(earlier.items if earlier else None, snapshot),
        items=compared_items(snapshot),
    )


@transaction.atomic
def publication_withdraw(*, publication: Publication, by, reason: str) -> Withdrawal:
    """Take a published version down for the panel and the public; staff keep it for the audit."""
    if not reason.strip():
        raise PublishingBlocked(["Say why the version is withdrawn: readers are told"])
    Publication.objects.select_for_update().filter(pk=publication.pk).first()
    if Withdrawal.objects.filter(publication=publication).exists():
        raise PublishingBlocked([f"{publication} has already been withdrawn"])
    withdrawal = Withdrawal(
        publication=publication, withdrawn_by=by, withdrawn_at=timezone.now(), reason=reason.strip()
    )
    record_create(instance=withdrawal, by=by, reason=reason.strip())
    transaction.on_commit(lambda: log_publication(publication, by=by, action="withdrawn"))
    return withdrawal


def publications_holding(record_ref: str):
    """The versions, not withdrawn, whose content holds the record."""
    return Publication.objects.filter(records__record=record_ref, withdrawal__isnull=True).select_related(
        "organisation", "period"
    )


def gone_since_published(publication: Publication, *, with_records: bool = True) -> list[dict]:
    """Records a publication holds that have since been restricted or deleted.

    Two queries whatever the number of kinds of record: the publication's records, then one
    UNION of every kind's records still there with their visibility. `with_records` also reads
    each restricted record itself (one query per kind with one), for pages that name them."""
    by_model: dict[type[Model], list[int]] = {}
    for ref in publication.records.order_by("record").values_list("record", flat=True):
        label, _, key = ref.partition(":")
        if not key.isdigit():
            continue
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        by_model.setdefault(model, []).append(int(key))
    if not by_model:
        return []
    models = list(by_model)
    present = [
        model._default_manager.filter(pk__in=ids)
        .order_by()
        .annotate(
            gone_kind=Value(index),
            gone_restricted=Value(False)
            if not issubclass(model, VisibilityModel)
            else Case(
                When(visibility=Visibility.RESTRICTED, then=True), default=False, output_field=BooleanField()
            ),
        )
        .values_list("gone_kind", "pk", "gone_restricted")
        for index, (model, ids) in enumerate(by_model.items())
    ]
    found_rows = (present[0].union(*present[1:], all=True) if len(present) > 1 else present[0]).order_by()
    restricted: dict[type[Model], list[int]] = {}
    still_there: set[tuple[type[Model], int]] = set()
    for index, pk, is_restricted in found_rows:
        model = models[index]
        still_there.add((model, pk))
        if is_restricted:
            restricted.setdefault(model, []).append(pk)
    records = (
        {
            (model, pk): record
            for model, pks in restricted.items()
            for pk, record in model._default_manager.in_bulk(pks).items()
        }
        if with_records
        else {}
    )
    found: list[dict] = []
    for model, ids in by_model.items():
        what = model._meta.verbose_name
        restricted_ids = set(restricted.get(model, []))
        for pk in ids:
            if (model, pk) not in still_there:
                found.append({"record": None, "what": what, "ref": pk, "change": "deleted"})
            elif pk in restricted_ids:
                found.append(
                    {"record": records.get((model, pk)), "what": what, "ref": pk, "change": "restricted"}
                )
    return found


def enqueue_paper(publication_id: int) -> None:
    from assurance.tasks import make_paper

    make_paper.enqueue(publication_id)
