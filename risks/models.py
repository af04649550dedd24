"""Strategic risk registers: the PCC's (numbered 1..n) and the force's (lettered A..), each
risk scored likelihood × impact on the owning organisation's risk matrix, reviewed on a
cycle set by its rating, and linked to the delivery plan commitments it bears on.

A risk's RAG and named level are derived from its residual score through the matrix's score
bands, never typed; restricted risks are kept for OPCC staff and never published.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import Case, F, IntegerField, Q, When
from django.db.models.functions import Length, Lower
from django.urls import reverse
from django.utils.http import urlencode

from assurance.models import (
    AuditedModel,
    AuditedQuerySet,
    Direction,
    Organisation,
    Rag,
    VisibilityModel,
    VisibilityQuerySet,
)

# The largest matrix an office may choose: scores are checked against its own size.
LARGEST_MATRIX = 5
MATRIX_SIZES = [(5, "5 × 5"), (4, "4 × 4"), (3, "3 × 3")]
BAND_RAGS = [
    (Rag.GREEN.value, Rag.GREEN.label),
    (Rag.AMBER.value, Rag.AMBER.label),
    (Rag.RED.value, Rag.RED.label),
]


@dataclass(frozen=True)
class Band:
    """A score band as the rating reads it: from `lowest_score` up to the next band."""

    lowest_score: int
    name: str
    rag: str


# A 5 × 5 matrix with four named levels, as many OPCC risk strategies set out.
DEFAULT_BANDS = {
    5: [
        Band(1, "Low", Rag.GREEN),
        Band(5, "Medium", Rag.AMBER),
        Band(12, "High", Rag.RED),
        Band(20, "Very high", Rag.RED),
    ],
    4: [Band(1, "Low", Rag.GREEN), Band(4, "Medium", Rag.AMBER), Band(9, "High", Rag.RED)],
    3: [Band(1, "Low", Rag.GREEN), Band(3, "Medium", Rag.AMBER), Band(6, "High", Rag.RED)],
}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day where it is shorter (31 Jan + 1 → 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Rating:
    score: int
    rag: str
    level: str


def rate_with(bands: list[Band], likelihood: int, impact: int) -> Rating:
    """The rating of a score: the band with the highest lowest score not above it."""
    score = likelihood * impact
    band = next((b for b in sorted(bands, key=lambda b: -b.lowest_score) if b.lowest_score <= score), None)
    if band is None:
        return Rating(score, Rag.NOT_RATED, "")
    return Rating(score, band.rag, band.name)


def describe_bands(bands: list[Band]) -> str:
    """Bands as the history reads them: '1+ Low (Green); 5+ Medium (Amber)...'."""
    return "; ".join(f"{b.lowest_score}+ {b.name} ({Rag(b.rag).label})" for b in bands)


def unique_ignoring_case(field: str, within: str, *, name: str, message: str) -> models.UniqueConstraint:
    """Values differing only in capitals are one to a reader: 'Finance' and 'finance'."""
    return models.UniqueConstraint(Lower(field), within, name=name, violation_error_message=message)


class RiskMatrixQuerySet(AuditedQuerySet):
    def of(self, organisation: Organisation) -> "RiskMatrix":
        """The organisation's matrix with its bands (two queries); the default 5 × 5 matrix,
        unsaved, until an administrator sets one."""
        matrix = self.filter(organisation=organisation).prefetch_related("bands").first()
        return matrix if matrix is not None else RiskMatrix(organisation=organisation)

    def of_many(self, organisations) -> dict[int, "RiskMatrix"]:
        """The matrices of several organisations by organisation id (two queries)."""
        found = {
            m.organisation_id: m
            for m in self.filter(organisation__in=organisations).prefetch_related("bands")
        }
        return {o.pk: found.get(o.pk) or RiskMatrix(organisation=o) for o in organisations}


class RiskMatrix(AuditedModel):
    """How an organisation scores risks: the matrix size, the score bands that give each
    score its RAG and named level, and how often a risk of each rating is reviewed."""

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("organisation",)

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="risk_matrix")
    size = models.PositiveSmallIntegerField(
        "Matrix size",
        choices=MATRIX_SIZES,
        default=5,
        help_text="Likelihood and impact are each scored from 1 to this number.",
    )
    red_review_months = models.PositiveSmallIntegerField(
        "Review a Red risk every", default=1, help_text="Months between reviews of a Red risk."
    )
    amber_review_months = models.PositiveSmallIntegerField(
        "Review an Amber risk every", default=3, help_text="Months between reviews of an Amber risk."
    )
    green_review_months = models.PositiveSmallIntegerField(
        "Review a Green risk every", default=6, help_text="Months between reviews of a Green risk."
    )

    objects = RiskMatrixQuerySet.as_manager()

    class Meta(AuditedModel.Meta):
        ordering = ["organisation__name"]
        verbose_name = "risk matrix"
        verbose_name_plural = "risk matrices"
        constraints = [
            models.CheckConstraint(condition=Q(size__in=[3, 4, 5]), name="risks_riskmatrix_size_valid"),
            models.CheckConstraint(
                condition=Q(red_review_months__gte=1, red_review_months__lte=24)
                & Q(amber_review_months__gte=1, amber_review_months__lte=24)
                & Q(green_review_months__gte=1, green_review_months__lte=24),
                name="risks_riskmatrix_review_months_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Risk matrix of {self.organisation.short_name}"

    def get_absolute_url(self) -> str:
        return reverse("risks:matrix") + "?" + urlencode({"organisation": self.organisation.slug})

    @property
    def max_score(self) -> int:
        return self.size * self.size

    @property
    def band_list(self) -> list[Band]:
        """The bands lowest first: the saved ones, or the default of the matrix's size."""
        if self.pk is None:
            return DEFAULT_BANDS[self.size]
        return [
            Band(b.lowest_score, b.name, b.rag)
            for b in sorted(self.bands.all(), key=lambda b: b.lowest_score)
        ]

    def rate(self, likelihood: int, impact: int) -> Rating:
        return rate_with(self.band_list, likelihood, impact)

    def review_months(self, rag: str) -> int:
        return {
            Rag.RED: self.red_review_months,
            Rag.AMBER: self.amber_review_months,
        }.get(rag, self.green_review_months)

    def next_review(self, rag: str, after: datetime.date) -> datetime.date:
        """The review date the rating proposes: Red monthly, Amber quarterly, Green six-monthly
        by default."""
        return add_months(after, self.review_months(rag))

    def describe_bands(self) -> str:
        return describe_bands(self.band_list)


class ScoreBand(AuditedModel):
    """Scores from `lowest_score` up to the next band's have this band's RAG and name."""

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("matrix__organisation",)

    matrix = models.ForeignKey(RiskMatrix, on_delete=models.CASCADE, related_name="bands")
    lowest_score = models.PositiveSmallIntegerField(help_text="The lowest score of the band.")
    name = models.CharField(max_length=40, help_text="The level's name, e.g. 'Low', 'Medium', 'High'.")
    rag = models.CharField("RAG rating", max_length=10, choices=BAND_RAGS)

    class Meta(AuditedModel.Meta):
        ordering = ["matrix", "lowest_score"]
        verbose_name = "score band"
        constraints = [
            models.UniqueConstraint(
                fields=["matrix", "lowest_score"],
                name="risks_scoreband_unique_lowest",
                violation_error_message="Two bands cannot start at the same score.",
            ),
            models.CheckConstraint(
                condition=Q(lowest_score__gte=1, lowest_score__lte=LARGEST_MATRIX * LARGEST_MATRIX),
                name="risks_scoreband_lowest_range",
            ),
            models.CheckConstraint(
                condition=Q(rag__in=["green", "amber", "red"]), name="risks_scoreband_rag_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (from {self.lowest_score})"

    def get_absolute_url(self) -> str:
        return self.matrix.get_absolute_url()


class RiskCategory(AuditedModel):
    """An office's own grouping of its risks (finance, partnerships, people...)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="risk_categories")
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta(AuditedModel.Meta):
        ordering = ["organisation", "order", "name"]
        verbose_name = "risk category"
        verbose_name_plural = "risk categories"
        constraints = [
            unique_ignoring_case(
                "name",
                "organisation",
                name="risks_riskcategory_unique_name_ci",
                message="This organisation already has a category with this name.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:risks_riskcategory_change", args=[self.pk])


class RiskRegisterQuerySet(AuditedQuerySet):
    def for_organisation(self, organisation):
        """The registers an organisation keeps, and the joint registers it shares."""
        shared = RiskRegister.organisations.through.objects.filter(organisation=organisation).values(
            "riskregister_id"
        )
        return self.filter(Q(owner=organisation) | Q(pk__in=shared))


class RiskRegister(AuditedModel):
    """A register of strategic risks: the PCC's own, or the force's as the OPCC monitors it.
    A joint register is shared by allied organisations, as plans are."""

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("owner", "organisations")

    name = models.CharField(max_length=200)
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="owned_risk_registers",
        help_text="The organisation that keeps the register: its risk matrix scores the risks.",
    )
    organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="risk_registers",
        verbose_name="shared with",
        help_text="Allied organisations that share this register.",
    )
    description = models.TextField(blank=True, max_length=2000)
    order = models.PositiveSmallIntegerField(default=0, help_text="Position among the owner's registers.")

    objects = RiskRegisterQuerySet.as_manager()

    class Meta(AuditedModel.Meta):
        ordering = ["owner", "order", "name"]
        verbose_name = "risk register"
        constraints = [
            unique_ignoring_case(
                "name",
                "owner",
                name="risks_riskregister_unique_name_ci",
                message="This organisation already has a register with this name.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("risks:list") + "?" + urlencode({"organisation": self.owner.slug, "register": self.pk})


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    TOLERATED = "tolerated", "Tolerated"
    CLOSED = "closed", "Closed"


def score_range(*names: str) -> Q:
    condition = Q()
    for name in names:
        condition &= Q(**{f"{name}__gte": 1, f"{name}__lte": LARGEST_MATRIX})
    return condition


class RiskQuerySet(VisibilityQuerySet):
    def current(self):
        """Open and tolerated risks: those still managed."""
        return self.exclude(status=RiskStatus.CLOSED)

    def by_residual_score(self):
        """Highest residual score first, computed in the database so pages sort before they slice."""
        closed_last = Case(When(status=RiskStatus.CLOSED, then=1), default=0, output_field=IntegerField())
        return self.annotate(residual_product=F("residual_likelihood") * F("residual_impact")).order_by(
            closed_last, "-residual_product", "register__name", Length("ref"), "ref"
        )

    def review_overdue(self, today: datetime.date):
        return self.current().filter(next_review_due__lt=today)

    def in_register_order(self):
        return self.order_by(
            "register__owner__name", "register__order", "register__name", Length("ref"), "ref"
        )


class Risk(VisibilityModel, AuditedModel):
    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("register__owner", "register__organisations")
    Status = RiskStatus

    register = models.ForeignKey(RiskRegister, on_delete=models.PROTECT, related_name="risks")
    ref = models.CharField(max_length=20, help_text="As the register numbers it: 1, A or SR04.")
    title = models.CharField(
        max_length=300, help_text="The risk as the register words it: 'The risk that...'."
    )
    description = models.TextField(blank=True, max_length=5000)
    cause = models.TextField(blank=True, max_length=3000)
    consequence = models.TextField(blank=True, max_length=3000)
    owner_role = models.CharField(
        "Owner", max_length=200, blank=True, help_text="A role, e.g. 'Chief Finance Officer'."
    )
    category = models.ForeignKey(
        RiskCategory, on_delete=models.SET_NULL, null=True, blank=True, related_name="risks"
    )
    raised_on = models.DateField("Date raised", help_text="When the risk was entered on the register.")
    inherent_likelihood = models.PositiveSmallIntegerField(help_text="Before controls.")
    inherent_impact = models.PositiveSmallIntegerField(help_text="Before controls.")
    residual_likelihood = models.PositiveSmallIntegerField(help_text="With the controls in place.")
    residual_impact = models.PositiveSmallIntegerField(help_text="With the controls in place.")
    target_score = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The residual score the further actions aim for."
    )
    target_date = models.DateField(
        null=True, blank=True, help_text="When the target score should be reached."
    )
    status = models.CharField(max_length=10, choices=RiskStatus, default=RiskStatus.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    closing_note = models.TextField(blank=True, max_length=3000, help_text="Why the risk was closed.")
    rag = models.CharField(
        "RAG rating",
        max_length=10,
        choices=Rag,
        default=Rag.NOT_RATED,
        editable=False,
        help_text="Derived from the residual score through the risk matrix.",
    )
    level = models.CharField("Rating", max_length=40, blank=True, editable=False)
    next_review_due = models.DateField(null=True, blank=True, editable=False)
    commitments = models.ManyToManyField(
        "delivery_plans.Commitment",
        blank=True,
        related_name="risks",
        verbose_name="delivery plan commitments",
        help_text="The commitments this risk bears on.",
    )
    bodies = models.ManyToManyField(
        "meetings.OversightBody",
        blank=True,
        related_name="risks",
        verbose_name="oversight bodies",
        help_text="The boards through which the risk is overseen.",
    )

    objects = RiskQuerySet.as_manager()

    class Meta(VisibilityModel.Meta, AuditedModel.Meta):
        # Shorter refs first, so 10 follows 9 and A to H keep their order.
        ordering = ["register", Length("ref"), "ref"]
        constraints = [
            *VisibilityModel.Meta.constraints,
            unique_ignoring_case(
                "ref",
                "register",
                name="risks_risk_unique_ref_ci",
                message="This register already has a risk with this ref.",
            ),
            models.CheckConstraint(
                condition=score_range(
                    "inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact"
                ),
                name="risks_risk_scores_range",
            ),
            models.CheckConstraint(
                condition=Q(target_score__isnull=True)
                | Q(target_score__gte=1, target_score__lte=LARGEST_MATRIX * LARGEST_MATRIX),
                name="risks_risk_target_range",
            ),
            models.CheckConstraint(condition=Q(status__in=RiskStatus.values), name="risks_risk_status_valid"),
            models.CheckConstraint(condition=Q(rag__in=Rag.values), name="risks_risk_rag_valid"),
            # A closed risk says when and why; an open one has not been closed.
            models.CheckConstraint(
                condition=(Q(status="closed") & Q(closed_on__isnull=False) & ~Q(closing_note=""))
                | (~Q(status="closed") & Q(closed_on__isnull=True)),
                name="risks_risk_closed_with_date_and_note",
            ),
        ]
        indexes = [
            # The overdue filter and check: current risks whose next review has passed.
            models.Index(fields=["status", "next_review_due"], name="risks_risk_status_review"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("risks:detail", args=[self.pk])

    @property
    def residual_score(self) -> int:
        return self.residual_likelihood * self.residual_impact

    @property
    def inherent_score(self) -> int:
        return self.inherent_likelihood * self.inherent_impact

    @property
    def is_current(self) -> bool:
        return self.status != RiskStatus.CLOSED

    def review_overdue_on(self, day: datetime.date) -> bool:
        return self.is_current and self.next_review_due is not None and self.next_review_due < day

    @property
    def review_overdue(self) -> bool:
        return self.review_overdue_on(datetime.date.today())

    def apply_rating(self, matrix: RiskMatrix) -> Rating:
        """Set the RAG and level its residual score gives on the matrix."""
        rating = matrix.rate(self.residual_likelihood, self.residual_impact)
        self.rag, self.level = rating.rag, rating.level
        return rating


class RiskAction(AuditedModel):
    """A control in place (or being put in place) or a further action to reduce the risk."""

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("risk__register__owner", "risk__register__organisations")

    class Kind(models.TextChoices):
        CONTROL = "control", "Control"
        ACTION = "action", "Further action"

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.CONTROL)
    description = models.TextField(max_length=2000)
    owner_role = models.CharField("Owner", max_length=200, help_text="A role, e.g. 'Head of Commissioning'.")
    due_date = models.DateField(help_text="When the control should be in place, or the action done.")
    done_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the control was in place or the action completed; empty while it is still to do.",
    )

    class Meta(AuditedModel.Meta):
        ordering = ["risk", "kind", "due_date", "pk"]
        verbose_name = "control or action"
        verbose_name_plural = "controls and actions"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["control", "action"]), name="risks_riskaction_kind_valid"
            )
        ]

    def __str__(self) -> str:
        text = " ".join(self.description.split())
        return text if len(text) <= 80 else text[:77] + "…"

    def get_absolute_url(self) -> str:
        return f"{self.risk.get_absolute_url()}#action-{self.pk}"

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return not self.is_done and self.due_date < (today or datetime.date.today())


class RiskReview(AuditedModel):
    """A dated review of a risk: its residual scores then, and what the reviewer found.

    The RAG comes from the scores and the Direction of Travel from the review before it;
    recording a review moves the risk to its scores and next review date."""

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("risk__register__owner", "risk__register__organisations")

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    date = models.DateField()
    reviewer = models.CharField(
        "Reviewed by", max_length=200, help_text="A role or a board, e.g. 'Joint Audit Committee'."
    )
    likelihood = models.PositiveSmallIntegerField("Residual likelihood")
    impact = models.PositiveSmallIntegerField("Residual impact")
    rag = models.CharField("RAG rating", max_length=10, choices=Rag, default=Rag.NOT_RATED, editable=False)
    level = models.CharField("Rating", max_length=40, blank=True, editable=False)
    direction = models.CharField(
        "Direction of travel", max_length=12, choices=Direction, default=Direction.NEW, editable=False
    )
    commentary = models.TextField(max_length=5000)
    next_review_date = models.DateField(
        help_text="Proposed from the rating; change it if the board has set another."
    )

    class Meta(AuditedModel.Meta):
        ordering = ["risk", "date", "pk"]
        verbose_name = "risk review"
        constraints = [
            models.UniqueConstraint(
                fields=["risk", "date"],
                name="risks_riskreview_unique_date",
                violation_error_message="This risk already has a review on this date.",
            ),
            models.CheckConstraint(
                condition=score_range("likelihood", "impact"), name="risks_riskreview_scores_range"
            ),
            models.CheckConstraint(condition=Q(rag__in=Rag.values), name="risks_riskreview_rag_valid"),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="risks_riskreview_direction_valid"
            ),
            models.CheckConstraint(
                condition=Q(next_review_date__gt=F("date")), name="risks_riskreview_next_after_date"
            ),
        ]
        indexes = [
            # A risk's latest review (as at a day): the page, the list and the snapshot.
            models.Index(fields=["risk", "-date"], name="risks_review_risk_date"),
        ]

    def __str__(self) -> str:
        return f"Review of {self.risk.ref} on {self.date:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return f"{reverse('risks:detail', args=[self.risk_id])}#review-{self.pk}"

    @property
    def score(self) -> int:
        return self.likelihood * self.impact
