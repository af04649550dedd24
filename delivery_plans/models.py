"""Police and Crime Plans: objectives, commitments, the quarterly progress on each, the
oversight schedule and the measures that show whether the plan is working."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from assurance.models import AuditedModel, AuditedQuerySet, RagQuerySet, RagRatedModel
from assurance.text import cut_at_word, sort_key


class PlanQuerySet(AuditedQuerySet):
    def for_organisation(self, organisation, *, year: int | None = None):
        """The plans an organisation keeps or shares (an alliance plan lists each area it
        covers), optionally only those in force in a financial year (by its start year)."""
        shared = Plan.organisations.through.objects.filter(organisation=organisation).values("plan_id")
        plans = self.filter(Q(owner=organisation) | Q(pk__in=shared))
        if year is not None:
            plans = plans.filter(start_year__lte=year, end_year__gte=year)
        return plans


class Plan(AuditedModel):
    """A Police and Crime Plan (or the delivery plan that carries it out) for its term."""

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("owner", "organisations")

    title = models.CharField(max_length=200)
    owner = models.ForeignKey(
        "assurance.Organisation",
        on_delete=models.PROTECT,
        related_name="owned_plans",
        help_text="The OPCC that maintains the plan.",
    )
    organisations = models.ManyToManyField(
        "assurance.Organisation",
        related_name="plans",
        blank=True,
        help_text="The areas the plan covers: an alliance plan covers two.",
    )
    start_year = models.PositiveSmallIntegerField(
        help_text="First financial year of the term, by its start year: 2016 for 2016/17."
    )
    end_year = models.PositiveSmallIntegerField(
        help_text="Last financial year of the term, by its start year: 2020 for 2020/21."
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-start_year", "title"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "title"], name="delivery_plans_plan_unique_title"),
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="delivery_plans_plan_term_order",
            ),
            models.CheckConstraint(
                condition=models.Q(start_year__gte=2000, end_year__lte=2100),
                name="delivery_plans_plan_term_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("delivery_plans:plan", args=[self.pk])

    @property
    def term_label(self) -> str:
        def fy(year: int) -> str:
            return f"{year}/{(year + 1) % 100:02d}"

        return f"{fy(self.start_year)} to {fy(self.end_year)}"

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))

    @property
    def start_date(self) -> datetime.date:
        return datetime.date(self.start_year, 4, 1)

    @property
    def end_date(self) -> datetime.date:
        return datetime.date(self.end_year + 1, 3, 31)

    @property
    def term_dates_label(self) -> str:
        return f"{self.start_date:%-d %B %Y} to {self.end_date:%-d %B %Y}"


class StatusTone(models.TextChoices):
    """How a delivery status's tag is coloured; the tag always carries the status's name."""

    NEUTRAL = "neutral", "Grey: not started, withdrawn or proposed"
    ACTIVE = "active", "Blue-green: under way"
    DONE = "done", "Green: done"
    WARNING = "warning", "Yellow: paused or at risk"
    PROBLEM = "problem", "Red: stopped or failing"


class DeliveryStatus(AuditedModel):
    """One step of a plan's own list of delivery statuses (not started, in progress,
    completed...; another office may use proposed, current, completed). Separate from the
    RAG rating: a commitment can be completed and rated Green, or in progress and Red."""

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("plan__owner", "plan__organisations")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="statuses")
    name = models.CharField(max_length=40, help_text="As the plan says it, e.g. 'In progress' or 'Current'.")
    order = models.PositiveSmallIntegerField(
        "Position", default=0, help_text="Statuses are listed by position."
    )
    is_completed = models.BooleanField(
        "Counts as completed",
        default=False,
        help_text="Commitments with this status are delivered: they may give the date completed.",
    )
    tone = models.CharField("Tag colour", max_length=10, choices=StatusTone, default=StatusTone.NEUTRAL)

    class Meta:
        ordering = ["plan", "order", "pk"]
        verbose_name_plural = "delivery statuses"
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "plan",
                name="delivery_plans_deliverystatus_unique_name",
                violation_error_message="The plan already has a status with this name.",
            ),
            models.CheckConstraint(
                condition=models.Q(tone__in=StatusTone.values),
                name="delivery_plans_deliverystatus_tone_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("delivery_plans:statuses", args=[self.plan_id])


class Objective(AuditedModel):
    """An objective, section or priority of a plan, with its ref as the plan writes it."""

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("plan__owner", "plan__organisations")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    ref = models.CharField(
        max_length=20, help_text="As the plan writes it, unique in the plan: 1, A or Section 2."
    )
    # The ref as the database sorts it (assurance.text.sort_key), kept by delivery_plans.services.
    sort_key = models.CharField(max_length=200, editable=False, default="")
    title = models.CharField(max_length=300)
    short_name = models.CharField(
        max_length=40, blank=True, help_text="One word used in tables: Victims, Secure, Reform, Reassure."
    )
    outcomes = models.TextField(blank=True, max_length=5000, help_text="The outcomes the objective aims for.")
    order = models.PositiveSmallIntegerField(
        "Position", default=0, help_text="Objectives are listed by position, then by ref."
    )

    class Meta:
        ordering = ["plan", "order", "sort_key", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("ref"),
                "plan",
                name="delivery_plans_objective_unique_ref",
                violation_error_message="The plan already has an objective with this ref.",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """How tables and choices name it: '1. Victims', 'Section 2: Safer roads'."""
        return self._with_ref(self.short_name or self.title)

    @property
    def heading_in_plan(self) -> str:
        """The heading with its plan, where objectives of several plans are listed together."""
        return f"{self.plan}: {self.heading}"

    @property
    def heading(self) -> str:
        """The ref and the full title: '1. Putting victims and survivors first'."""
        return self._with_ref(self.title)

    def _with_ref(self, name: str) -> str:
        # 'Section 2. Safer roads' reads oddly: a ref of words takes a colon.
        return f"{self.ref}: {name}" if " " in self.ref else f"{self.ref}. {name}"

    @property
    def anchor(self) -> str:
        return f"objective-{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("delivery_plans:plan", args=[self.plan_id]) + f"#{self.anchor}"

    def refresh_sort_key(self) -> None:
        self.sort_key = sort_key(self.ref)


# Newest plan first, then as the plan prints them: objectives by position and ref, then
# commitments by ref in natural order (1.2 before 1.10), each by its stored sort key.
COMMITMENT_ORDER = [
    "-plan__start_year",
    "plan__title",
    "plan_id",
    "objective__order",
    "objective__sort_key",
    "objective_id",
    "sort_key",
    "pk",
]


class CommitmentQuerySet(AuditedQuerySet):
    def for_organisation(self, organisation, *, year: int | None = None):
        """Commitments of the plans an organisation keeps or shares (see Plan.objects)."""
        return self.filter(plan__in=Plan.objects.for_organisation(organisation, year=year).values("pk"))

    def applying_to(self, organisation, *, year: int | None = None):
        """Those the organisation answers for: every commitment of a plan it keeps; of a plan
        it shares, those naming no area (every area) or naming it."""
        named = Commitment.areas.through.objects.filter(organisation=organisation).values("commitment_id")
        unnamed = Commitment.areas.through.objects.values("commitment_id")
        return self.for_organisation(organisation, year=year).filter(
            Q(plan__owner=organisation) | Q(pk__in=named) | ~Q(pk__in=unnamed)
        )

    def in_plan_order(self):
        return self.order_by(*COMMITMENT_ORDER)


class Commitment(AuditedModel):
    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("plan__owner", "plan__organisations")

    class Kind(models.TextChoices):
        POLICING = "policing", "Holding the Chief Constable to account for"
        PCC = "pcc", "The PCC will"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="commitments")
    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="commitments")
    ref = models.CharField(
        max_length=20, help_text="As the plan writes it, unique in the plan: 1.1, A.1, 2b."
    )
    # The ref as the database sorts and pages it (assurance.text.sort_key), kept by
    # delivery_plans.services on every write.
    sort_key = models.CharField(max_length=200, editable=False, default="")
    kind = models.CharField(
        max_length=10,
        choices=Kind,
        default=Kind.POLICING,
        help_text="Policing element (held to account) or the PCC's own commitment.",
    )
    # Limits well above the longest the plans hold, so a pasted document is refused, not kept.
    text = models.TextField("Commitment", max_length=3000)
    supporting_activity = models.TextField(blank=True, max_length=5000)
    areas = models.ManyToManyField(
        "assurance.Organisation",
        blank=True,
        related_name="plan_commitments",
        help_text="Leave empty when the commitment applies to every area of the plan.",
    )
    related = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="referenced_by",
        help_text="Commitments this one refers to ('see 2.1 above').",
    )
    oversight_mechanism = models.TextField(
        blank=True,
        max_length=1000,
        help_text="Where the commitment is overseen, e.g. 'Performance meeting; HMIC PEEL'.",
    )
    lead_officer = models.CharField(
        max_length=200, blank=True, help_text="A role title, not a name: 'Head of Commissioning'."
    )
    sponsor = models.CharField(
        max_length=200, blank=True, help_text="The senior sponsor's role title: 'Deputy Chief Constable'."
    )
    owner = models.CharField(
        max_length=200,
        blank=True,
        help_text="The team or organisation that owns delivery: 'OPCC Commissioning team', 'the force'.",
    )
    target_date = models.DateField(null=True, blank=True, help_text="Within the plan's term.")
    timescale = models.CharField(
        max_length=100,
        blank=True,
        help_text="When, in the plan's words, where there is no single date: 'March to May 2017', 'Ongoing'.",
    )
    status = models.ForeignKey(
        DeliveryStatus,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name="delivery status",
        help_text="From the plan's own list; separate from the quarter's RAG rating.",
    )
    completed_on = models.DateField(
        "Date completed", null=True, blank=True, help_text="For a status that counts as completed."
    )

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "objective__order", "objective__sort_key", "objective_id", "sort_key", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("ref"),
                "plan",
                name="delivery_plans_commitment_unique_ref",
                violation_error_message="The plan already has a commitment with this ref.",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["policing", "pcc"]), name="delivery_plans_commitment_kind_valid"
            ),
        ]
        indexes = [
            # An objective's commitments in natural ref order: the plan page and the paginated
            # commitment list sort by (objective, sort_key).
            models.Index(fields=["objective", "sort_key"], name="delivery_plans_commitment_sort"),
        ]

    def __str__(self) -> str:
        # Short enough for lists, labels and history titles.
        return f"{self.ref} {cut_at_word(self.text, 80)}"

    @property
    def label(self) -> str:
        """The ref and the text cut at a word: how other areas name a commitment in choices."""
        return self.label_of(self.ref, self.text)

    @staticmethod
    def label_of(ref: str, text: str) -> str:
        """A commitment's label from its values, for choices read without an instance."""
        return f"{ref} {cut_at_word(text, 90)}"

    def get_absolute_url(self) -> str:
        return reverse("delivery_plans:detail", args=[self.pk])

    def refresh_sort_key(self) -> None:
        self.sort_key = sort_key(self.ref)

    @property
    def when(self) -> str:
        """The target as the plan gives it: a date, a timescale, or both."""
        date = f"{self.target_date:%-d %B %Y}" if self.target_date else ""
        return " · ".join(part for part in (date, self.timescale) if part)


class OversightScheduleEntry(AuditedModel):
    """A quarter in which oversight of a commitment is planned (a tick in the frequency grid)."""

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("commitment__plan__owner", "commitment__plan__organisations")

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="schedule")
    period = models.ForeignKey(
        "assurance.ReportingPeriod", on_delete=models.PROTECT, related_name="+", help_text="A quarter."
    )
    body_name = models.CharField(
        max_length=200, blank=True, help_text="The body that oversees it that quarter, if known."
    )

    class Meta:
        ordering = ["commitment", "period__start_year", "period__quarter"]
        verbose_name_plural = "oversight schedule entries"
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "period"], name="delivery_plans_oversightscheduleentry_unique_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment.ref} in {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("delivery_plans:schedule", args=[self.commitment.plan_id])


class ProgressUpdate(AuditedModel, RagRatedModel):
    """The progress on one commitment in one quarter. Every quarter is kept."""

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("commitment__plan__owner", "commitment__plan__organisations")

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="updates")
    period = models.ForeignKey(
        "assurance.ReportingPeriod", on_delete=models.PROTECT, related_name="+", help_text="A quarter."
    )
    text = models.TextField("Progress update", max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    date = models.DateField(help_text="The date of the update.")

    objects = RagQuerySet.as_manager()

    class Meta(RagRatedModel.Meta):
        ordering = ["commitment", "-period__start_year", "-period__quarter"]
        constraints = [
            *RagRatedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["commitment", "period"], name="delivery_plans_progressupdate_unique_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment.ref} {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("delivery_plans:detail", args=[self.commitment_id]) + f"#update-{self.pk}"


WITHHELD_NEEDS_REASON = "Give the public reason for withholding it"


class WithheldModel(models.Model):
    """A figure that can be kept out of publication, saying why in public: the published page
    and the paper then say "Withheld" and the reason, and the figure never reaches a snapshot."""

    withheld = models.BooleanField(
        "Withhold from publication",
        default=False,
        help_text="Staff still see it; published dashboards and papers say ‘Withheld’ and the reason.",
    )
    withheld_reason = models.CharField(
        "Public reason for withholding",
        max_length=300,
        blank=True,
        help_text="Published in place of the figure, e.g. 'Numbers this small could identify victims'.",
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(withheld=False) | ~models.Q(withheld_reason=""),
                name="%(app_label)s_%(class)s_withheld_has_reason",
                violation_error_message=WITHHELD_NEEDS_REASON,
            )
        ]


class Measure(WithheldModel, AuditedModel):
    """A measure of an objective, or a national police and crime measure (no objective)."""

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("plan__owner", "plan__organisations")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures")
    objective = models.ForeignKey(
        Objective,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="measures",
        help_text="Empty for a national police and crime measure.",
    )
    name = models.CharField(max_length=300)
    unit = models.CharField(max_length=40, blank=True, help_text="e.g. '%', 'crimes', 'days'.")
    higher_is_better = models.BooleanField(default=True)
    baseline = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="The figure the plan starts from."
    )
    target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    source = models.CharField(
        max_length=300, blank=True, help_text="Where the figures come from: 'Force performance report'."
    )
    order = models.PositiveSmallIntegerField("Position", default=0)

    class Meta(WithheldModel.Meta):
        ordering = ["plan", "objective__order", "objective__sort_key", "order", "name"]
        constraints = [
            *WithheldModel.Meta.constraints,
            models.UniqueConstraint(
                Lower("name"),
                "plan",
                name="delivery_plans_measure_unique_name",
                violation_error_message="The plan already has a measure with this name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("delivery_plans:measures", args=[self.plan_id]) + f"#measure-{self.pk}"

    @property
    def is_national(self) -> bool:
        return self.objective_id is None


class MeasureValue(WithheldModel, AuditedModel):
    """A measure's figure for one period (a quarter or a financial year) of the plan's term."""

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("measure__plan__owner", "measure__plan__organisations")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values")
    period = models.ForeignKey("assurance.ReportingPeriod", on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="May be left empty only when withheld.",
    )
    note = models.CharField(
        max_length=500, blank=True, help_text="What readers should know about this figure; withheld with it."
    )

    class Meta(WithheldModel.Meta):
        ordering = ["measure", "period__start_year", models.F("period__quarter").asc(nulls_first=True)]
        constraints = [
            *WithheldModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["measure", "period"],
                name="delivery_plans_measurevalue_unique_period",
                violation_error_message="The measure already has a value for this period.",
            ),
            models.CheckConstraint(
                condition=models.Q(withheld=True) | models.Q(value__isnull=False),
                name="delivery_plans_measurevalue_value_or_withheld",
                violation_error_message="Give the value; only a withheld value may be left empty.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.period}"

    def get_absolute_url(self) -> str:
        return self.measure.get_absolute_url()
