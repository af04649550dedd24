"""External scrutiny tracked to closure: reports from HMICFRS (the richest source), internal
and external audit, IOPC learning and coroners' prevention of future deaths reports; the PEEL
grades HMICFRS gives; the force's HMICFRS monitoring phase; and each recommendation, area for
improvement or cause of concern, with its target date, the revisions of that date and why,
dated updates with evidence, and the evidence on which it was closed.

HMICFRS reports need the PCC's response under section 55 of the Police Act 1996 within 56
days of publication: its due date is derived, and a response still missing after it is
flagged everywhere until it is recorded or the delay explained.
"""

import datetime

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from assurance.models import (
    AuditedModel,
    AuditedQuerySet,
    Organisation,
    RagRatedModel,
    VisibilityModel,
    VisibilityQuerySet,
    financial_year_of,
    quarter_of,
)

# Section 55 of the Police Act 1996: the PCC responds to an HMICFRS report within 56 days.
RESPONSE_DAYS = 56
# HMICFRS moved PEEL to a five-point scale (adding 'adequate') with the 2021/22 assessments.
ADEQUATE_FROM_YEAR = 2021


class Source(models.TextChoices):
    HMICFRS = "hmicfrs", "HMICFRS"
    INTERNAL_AUDIT = "internal_audit", "Internal audit"
    EXTERNAL_AUDIT = "external_audit", "External audit"
    IOPC = "iopc", "IOPC learning"
    CORONER = "coroner", "Coroner's prevention of future deaths report"
    OTHER = "other", "Other"


class InspectionType(models.TextChoices):
    PEEL = "peel", "PEEL"
    THEMATIC = "thematic", "Thematic"
    JOINT = "joint", "Joint inspection"
    CRIME_DATA = "crime_data", "Crime data integrity"
    CUSTODY = "custody", "Custody"
    REINSPECTION = "reinspection", "Re-inspection"
    OTHER = "other", "Other"


class Concerns(models.TextChoices):
    FORCE = "force", "This force"
    OPCC = "opcc", "This OPCC"
    NATIONAL = "national", "All forces nationally"
    OTHER = "other", "Other bodies"


class ResponseState(models.TextChoices):
    NOT_REQUIRED = "not_required", "No statutory response"
    NOT_YET_DUE = "not_yet_due", "Response due"
    MADE = "made", "Response made"
    MADE_LATE = "made_late", "Response made late"
    LATE = "late", "Response late"
    LATE_EXPLAINED = "late_explained", "Response late, delay explained"


def response_state(
    *,
    required: bool,
    due: datetime.date,
    made_on: datetime.date | None,
    explained: bool,
    day: datetime.date,
) -> str:
    """Where the PCC's response stands on a day: shared by the pages and the snapshot."""
    if not required:
        return ResponseState.NOT_REQUIRED
    if made_on is not None and made_on <= day:
        return ResponseState.MADE_LATE if made_on > due else ResponseState.MADE
    if day <= due:
        return ResponseState.NOT_YET_DUE
    return ResponseState.LATE_EXPLAINED if explained else ResponseState.LATE


class ReportQuerySet(AuditedQuerySet["Report"]):
    def of(self, organisation):
        return self.filter(organisation=organisation)

    def responses_outstanding(self, day: datetime.date):
        """Reports needing a statutory response not yet recorded by the day."""
        return self.filter(response_required=True).filter(
            Q(response_on__isnull=True) | Q(response_on__gt=day)
        )

    def responses_due_by(self, day: datetime.date):
        """Reports whose statutory response is due by the day with none recorded."""
        return self.filter(
            response_required=True,
            response_on__isnull=True,
            published_on__lte=day - datetime.timedelta(days=RESPONSE_DAYS),
        )


class Report(AuditedModel):
    """One report of external scrutiny, as tracked by an office (OPCC)."""

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("organisation",)

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="inspection_reports",
        help_text="The office tracking the report and its recommendations.",
    )
    source = models.CharField(max_length=20, choices=Source, default=Source.HMICFRS)
    inspection_type = models.CharField(
        "HMICFRS inspection type",
        max_length=20,
        choices=InspectionType,
        blank=True,
        help_text="For HMICFRS reports only.",
    )
    title = models.CharField(max_length=300)
    published_on = models.DateField("Date published")
    link = models.URLField("Link to the report", blank=True, max_length=500)
    concerns = models.CharField(
        "Whom it concerns",
        max_length=10,
        choices=Concerns,
        default=Concerns.FORCE,
    )
    concerns_other = models.CharField(
        "Other bodies concerned",
        max_length=200,
        blank=True,
        help_text="When it concerns other bodies, which: e.g. 'Home Office'.",
    )
    response_required = models.BooleanField(
        "Needs the PCC's statutory response",
        default=True,
        help_text="HMICFRS reports need the PCC's response within 56 days (Police Act 1996, section 55).",
    )
    response_on = models.DateField("Date of the PCC's response", null=True, blank=True)
    response_link = models.URLField("Link to the PCC's response", blank=True, max_length=500)
    response_public = models.BooleanField(
        "Response published",
        default=False,
        help_text="Only published responses appear on the public page of reports.",
    )
    late_explanation = models.TextField(
        "Why the response is late",
        blank=True,
        max_length=2000,
        help_text="Needed when the response is not made within 56 days.",
    )

    objects = ReportQuerySet.as_manager()

    class Meta(AuditedModel.Meta):
        ordering = ["organisation", "-published_on", "title"]
        verbose_name = "inspection report"
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=Source.values), name="inspections_report_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(inspection_type="")
                | Q(source="hmicfrs", inspection_type__in=InspectionType.values),
                name="inspections_report_type_for_hmicfrs",
            ),
            models.CheckConstraint(
                condition=Q(concerns__in=Concerns.values), name="inspections_report_concerns_valid"
            ),
            models.CheckConstraint(
                condition=Q(response_on__isnull=True) | Q(response_on__gte=models.F("published_on")),
                name="inspections_report_response_after_publication",
            ),
        ]
        indexes = [
            # The tracker, report list and public page: an office's reports, newest first.
            models.Index(fields=["organisation", "-published_on"], name="inspections_report_org_pub"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("inspections:report_detail", args=[self.pk])

    @property
    def response_due(self) -> datetime.date:
        return self.published_on + datetime.timedelta(days=RESPONSE_DAYS)

    def response_state_on(self, day: datetime.date) -> str:
        return response_state(
            required=self.response_required,
            due=self.response_due,
            made_on=self.response_on,
            explained=bool(self.late_explanation.strip()),
            day=day,
        )

    @property
    def response_state(self) -> str:
        return self.response_state_on(timezone.localdate())

    @property
    def response_state_label(self) -> str:
        return ResponseState(self.response_state).label

    @property
    def response_flagged(self) -> bool:
        return self.response_state in (
            ResponseState.LATE,
            ResponseState.LATE_EXPLAINED,
            ResponseState.MADE_LATE,
        )


class Grade(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    ADEQUATE = "adequate", "Adequate"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


# Best first, for the chart of grades over time.
GRADE_SCORE = {
    Grade.OUTSTANDING: 5,
    Grade.GOOD: 4,
    Grade.ADEQUATE: 3,
    Grade.REQUIRES_IMPROVEMENT: 2,
    Grade.INADEQUATE: 1,
}


def grades_of_year(year: int) -> list[str]:
    """The PEEL scale of a year: 'adequate' only from 2021."""
    return [g for g in Grade.values if g != Grade.ADEQUATE or year >= ADEQUATE_FROM_YEAR]


class PeelGrade(AuditedModel):
    """A PEEL grade a report gives one area: an older pillar (effectiveness, efficiency,
    legitimacy, leadership) or one of the current PEEL questions."""

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("report__organisation",)

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="grades")
    area = models.CharField(
        "Area or question", max_length=200, help_text="E.g. 'Effectiveness' or 'Investigating crime'."
    )
    grade = models.CharField(max_length=25, choices=Grade)
    summary = models.TextField(blank=True, max_length=3000)

    class Meta(AuditedModel.Meta):
        ordering = ["report", "area"]
        verbose_name = "PEEL grade"
        constraints = [
            models.UniqueConstraint(
                Lower("area"),
                "report",
                name="inspections_peelgrade_unique_area",
                violation_error_message="This report already grades this area.",
            ),
            models.CheckConstraint(
                condition=Q(grade__in=Grade.values), name="inspections_peelgrade_grade_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.get_grade_display()}"

    def get_absolute_url(self) -> str:
        return f"{self.report.get_absolute_url()}#grade-{self.pk}"

    @property
    def score(self) -> int:
        return GRADE_SCORE[Grade(self.grade)]


class MonitoringPhase(AuditedModel):
    """The force's place in HMICFRS monitoring: scan (routine) or engage (enhanced)."""

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("organisation",)

    class Phase(models.TextChoices):
        SCAN = "scan", "Scan"
        ENGAGE = "engage", "Engage"

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="monitoring_phases",
        help_text="The office recording the force's phase.",
    )
    phase = models.CharField(max_length=10, choices=Phase)
    started_on = models.DateField("From")
    ended_on = models.DateField("Until", null=True, blank=True, help_text="Empty while it lasts.")
    notes = models.TextField(blank=True, max_length=2000)

    class Meta(AuditedModel.Meta):
        ordering = ["organisation", "-started_on"]
        verbose_name = "HMICFRS monitoring phase"
        constraints = [
            models.CheckConstraint(
                condition=Q(phase__in=["scan", "engage"]), name="inspections_monitoringphase_phase_valid"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="inspections_monitoringphase_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_phase_display()} from {self.started_on:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:grades") + "?" + urlencode({"organisation": self.organisation.slug})


class Kind(models.TextChoices):
    RECOMMENDATION = "recommendation", "Recommendation"
    AFI = "afi", "Area for improvement"
    CAUSE_OF_CONCERN = "cause_of_concern", "Cause of concern"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    AWAITING_CLOSURE = "awaiting_closure", "Awaiting closure"
    CLOSED = "closed", "Closed"
    SUPERSEDED = "superseded", "Superseded"


OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS, Status.AWAITING_CLOSURE)


def quarter_label(day: datetime.date) -> str:
    """The financial quarter of a target date: '2016/17 Q3'."""
    year = financial_year_of(day)
    return f"{year}/{(year + 1) % 100:02d} Q{quarter_of(day)}"


class RecommendationQuerySet(VisibilityQuerySet["Recommendation"]):
    def of(self, organisation):
        return self.filter(report__organisation=organisation)

    def still_open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: datetime.date):
        return self.still_open().filter(target_date__lt=today)

    def in_tracker_order(self):
        return self.order_by("-report__published_on", "report__title", Length("ref"), "ref")


class Recommendation(RagRatedModel, VisibilityModel, AuditedModel):
    """A recommendation, area for improvement or cause of concern, tracked to closure."""

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("report__organisation",)
    Kind = Kind
    Status = Status

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="recommendations")
    ref = models.CharField(max_length=20, help_text="As the report numbers it: R1, AFI 3, or 2.4.")
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.RECOMMENDATION)
    text = models.TextField(max_length=5000, help_text="As the report words it.")
    addressed_to = models.CharField(
        max_length=200, blank=True, help_text="Whom the report addresses, e.g. 'Chief Constable'."
    )
    owner_role = models.CharField(
        "Owner", max_length=200, help_text="A role, e.g. 'Head of Crime (force)' or 'Chief Executive (OPCC)'."
    )
    original_target_date = models.DateField(help_text="The close date first agreed.")
    target_date = models.DateField(
        "Target date",
        editable=False,
        help_text="The current target close date: the original one, or its latest revision.",
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.OPEN)
    closing_evidence = models.TextField(
        blank=True, max_length=5000, help_text="What shows the recommendation is met: needed to close it."
    )
    closure_agreed_by = models.CharField(
        "Closure agreed by", max_length=200, blank=True, help_text="A role or a board."
    )
    closed_on = models.DateField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        Report,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="superseding",
        help_text="The later report whose recommendation replaces this one.",
    )
    commitments = models.ManyToManyField(
        "delivery_plans.Commitment",
        blank=True,
        related_name="inspection_recommendations",
        verbose_name="delivery plan commitments",
    )
    risks = models.ManyToManyField(
        "risks.Risk", blank=True, related_name="inspection_recommendations", verbose_name="risks"
    )

    objects = RecommendationQuerySet.as_manager()

    class Meta(RagRatedModel.Meta, VisibilityModel.Meta, AuditedModel.Meta):
        # Shorter refs first, so R10 follows R9.
        ordering = ["report", Length("ref"), "ref"]
        constraints = [
            *RagRatedModel.Meta.constraints,
            *VisibilityModel.Meta.constraints,
            models.UniqueConstraint(
                Lower("ref"),
                "report",
                name="inspections_recommendation_unique_ref_ci",
                violation_error_message="This report already has an item with this ref.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="inspections_recommendation_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="inspections_recommendation_status_valid"
            ),
            # Closing needs the evidence and who agreed it; an item not closed has no close date.
            models.CheckConstraint(
                condition=(
                    Q(status="closed")
                    & Q(closed_on__isnull=False)
                    & ~Q(closing_evidence="")
                    & ~Q(closure_agreed_by="")
                )
                | (~Q(status="closed") & Q(closed_on__isnull=True)),
                name="inspections_recommendation_closed_with_evidence",
            ),
        ]
        indexes = [
            # Overdue filters and checks, the closedown timeline and the monthly review:
            # items still open by target date.
            models.Index(fields=["status", "target_date"], name="inspections_rec_status_target"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.text[:80]}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def overdue_on(self, day: datetime.date) -> bool:
        return self.is_open and self.target_date < day

    @property
    def is_overdue(self) -> bool:
        return self.overdue_on(timezone.localdate())

    @property
    def target_quarter(self) -> str:
        return quarter_label(self.target_date)

    @property
    def slipped(self) -> bool:
        return self.target_date != self.original_target_date

    def frozen_fields(self) -> dict[str, str]:
        if self.pk is not None and self.revisions.exists():
            return {
                "original_target_date": "The target date has been revised: the original is kept as agreed."
            }
        return {}


class TargetDateRevision(AuditedModel):
    """A move of a recommendation's target close date, with the reason: the slips the
    closedown timeline shows."""

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("recommendation__report__organisation",)

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="revisions")
    previous_date = models.DateField(editable=False)
    new_date = models.DateField("New target date")
    reason = models.TextField(max_length=2000, help_text="Why the date moved.")
    dated = models.DateField("Date agreed")
    agreed_by = models.CharField(max_length=200, help_text="A role or a board, e.g. 'Joint Audit Committee'.")

    class Meta(AuditedModel.Meta):
        ordering = ["recommendation", "dated", "pk"]
        verbose_name = "target date revision"
        constraints = [
            models.CheckConstraint(
                condition=~Q(new_date=models.F("previous_date")),
                name="inspections_targetdaterevision_date_moves",
            ),
        ]
        indexes = [
            # The timeline and the snapshot: a recommendation's revisions in order.
            models.Index(fields=["recommendation", "dated"], name="inspections_rev_rec_dated"),
        ]

    def __str__(self) -> str:
        return f"Target moved from {self.previous_date:%-d %B %Y} to {self.new_date:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return f"{self.recommendation.get_absolute_url()}#revision-{self.pk}"


class RecommendationUpdate(AuditedModel):
    """A dated note of progress, with its evidence."""

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("recommendation__report__organisation",)

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="updates")
    dated = models.DateField("Date of the update")
    text = models.TextField("Update", max_length=5000)
    evidence = models.TextField(blank=True, max_length=3000, help_text="What shows the progress.")
    evidence_links = models.TextField(
        blank=True, max_length=3000, help_text="Links to the evidence, one a line."
    )

    class Meta(AuditedModel.Meta):
        ordering = ["recommendation", "dated", "pk"]
        verbose_name = "recommendation update"
        indexes = [
            # Each item's latest update (as at a day): the tracker, checks and the appendix.
            models.Index(fields=["recommendation", "-dated"], name="inspections_upd_rec_dated"),
        ]

    def __str__(self) -> str:
        return f"Update of {self.dated:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return f"{self.recommendation.get_absolute_url()}#update-{self.pk}"

    @property
    def links(self) -> list[str]:
        return [line.strip() for line in self.evidence_links.splitlines() if line.strip()]
