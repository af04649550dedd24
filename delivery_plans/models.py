"""Police and Crime Plans: objectives, commitments, the quarterly progress on each, the
oversight schedule and the measures that show whether the plan is working."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from assurance.models import AuditedModel, AuditedQuerySet, RagQuerySet, RagRatedModel
from assurance.text import cut_at_word


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


class Objective(AuditedModel):
    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("plan__owner", "plan__organisations")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    number = models.PositiveSmallIntegerField(help_text="1 to n, as numbered in the plan.")
    title = models.CharField(max_length=300)
    short_name = models.CharField(
        max_length=40, blank=True, help_text="One word used in tables: Victims, Secure, Reform, Reassure."
    )
    outcomes = models.TextField(blank=True, help_text="The outcomes the objective aims for.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="delivery_plans_objective_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.short_name or self.title}"

    def get_absolute_url(self) -> str:
        return reverse("delivery_plans:plan", args=[self.plan_id]) + f"#objective-{self.number}"


# Newest plan first, then as the plan prints them: objectives in order, commitments in order.
COMMITMENT_ORDER = [
    "-plan__start_year",
    "plan__title",
    "objective__order",
    "objective__number",
    "order",
    "ref",
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
    ref = models.CharField(max_length=20, help_text="Unique in its plan, e.g. 1.1 or A.1.")
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
    order = models.PositiveIntegerField(default=0)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "objective__order", "objective__number", "order", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "ref"], name="delivery_plans_commitment_unique_ref"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["policing", "pcc"]), name="delivery_plans_commitment_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        # Short enough for lists, labels and history titles.
        return f"{self.ref} {cut_at_word(self.text, 80)}"

    @property
    def label(self) -> str:
        """The ref and the text cut at a word: how other areas name a commitment in choices."""
        return f"{self.ref} {cut_at_word(self.text, 90)}"

    def get_absolute_url(self) -> str:
        return reverse("delivery_plans:detail", args=[self.pk])


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


class Measure(AuditedModel):
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
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "objective__number", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="delivery_plans_measure_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("delivery_plans:measures", args=[self.plan_id]) + f"#measure-{self.pk}"

    @property
    def is_national(self) -> bool:
        return self.objective_id is None


class MeasureValue(AuditedModel):
    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("measure__plan__owner", "measure__plan__organisations")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values")
    period = models.ForeignKey("assurance.ReportingPeriod", on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    baseline = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["measure", "period__start_year", "period__quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period"], name="delivery_plans_measurevalue_unique_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.period}: {self.value}"

    def get_absolute_url(self) -> str:
        return self.measure.get_absolute_url()
