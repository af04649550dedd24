"""The yearly governance assessment against a framework of principles.

A framework (CIPFA/SOLACE "Delivering Good Governance", 2016, or any later edition) is data,
loaded from a file in principles/frameworks/. Each OPCC assesses every sub-principle once a
financial year: the evidence of how the requirements are met, a Direction of Travel and a RAG.
"""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse

from assurance.models import (
    AuditedModel,
    Direction,
    RagQuerySet,
    RagRatedModel,
    VisibilityModel,
    VisibilityQuerySet,
)


class Framework(AuditedModel):
    slug = models.SlugField(
        max_length=80, unique=True, help_text="Identifies the framework file, e.g. 'cipfa-solace-2016'."
    )
    name = models.CharField(max_length=200)
    edition = models.CharField(max_length=40, help_text="The edition or year of the framework, e.g. '2016'.")
    source = models.CharField(
        max_length=200, blank=True, help_text="Who publishes the framework, e.g. 'CIPFA/SOLACE'."
    )

    class Meta:
        ordering = ["name", "edition"]

    def __str__(self) -> str:
        return f"{self.name} ({self.edition})"

    def get_absolute_url(self) -> str:
        return reverse("principles:framework", args=[self.slug])


class Principle(AuditedModel):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="principles")
    letter = models.CharField(max_length=3, help_text="The principle's letter in the framework, e.g. 'A'.")
    title = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework_id", "order", "letter"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "letter"],
                name="principles_principle_unique_letter",
                violation_error_message="This framework already has a principle with this letter.",
            ),
        ]

    def __str__(self) -> str:
        return f"Principle {self.letter}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("principles:principle", args=[self.pk])


class SubPrinciple(AuditedModel):
    principle = models.ForeignKey(Principle, on_delete=models.CASCADE, related_name="sub_principles")
    number = models.PositiveSmallIntegerField(help_text="Position within the principle: 2 for A.2.")
    title = models.CharField(max_length=300)
    expected_behaviours = models.JSONField(
        default=list, blank=True, help_text="The expected behaviours and outcomes, as a list of sentences."
    )

    class Meta:
        # Principles are created in framework order, so their ids keep it without a join.
        ordering = ["principle_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["principle", "number"],
                name="principles_subprinciple_unique_number",
                violation_error_message="This principle already has a sub-principle with this number.",
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="principles_subprinciple_number_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def ref(self) -> str:
        return f"{self.principle.letter}.{self.number}"

    def get_absolute_url(self) -> str:
        return f"{self.principle.get_absolute_url()}#sub-{self.ref}"


class AssessmentQuerySet(RagQuerySet):
    def for_year(self, *, owner, year):
        return self.filter(owner=owner, year=year)

    def with_framework(self):
        return self.select_related("sub_principle__principle__framework", "year", "owner")


class Assessment(AuditedModel, RagRatedModel):
    """One OPCC's assessment of one sub-principle for one financial year."""

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("owner",)

    owner = models.ForeignKey(
        "assurance.Organisation", on_delete=models.CASCADE, related_name="principle_assessments"
    )
    sub_principle = models.ForeignKey(SubPrinciple, on_delete=models.PROTECT, related_name="assessments")
    year = models.ForeignKey(
        "assurance.ReportingPeriod",
        on_delete=models.PROTECT,
        related_name="principle_assessments",
        limit_choices_to={"quarter__isnull": True},
        help_text="The financial year assessed (a whole year, not a quarter).",
    )
    direction = models.CharField(
        "Direction of Travel",
        max_length=12,
        choices=Direction,
        default=Direction.NEW,
        help_text="Against the previous year's rating. Worked out from it unless overridden with a reason.",
    )
    direction_override_reason = models.TextField(
        "Reason for overriding the Direction of Travel",
        blank=True,
        max_length=1000,
        help_text="Empty when the direction is worked out from the previous year's rating.",
    )

    objects = AssessmentQuerySet.as_manager()

    class Meta(RagRatedModel.Meta):
        # Principle by principle, as in the governance dashboard.
        ordering = [
            "year__start_year",
            "sub_principle__principle__order",
            "sub_principle__principle__letter",
            "sub_principle__number",
        ]
        constraints = [
            *RagRatedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["owner", "sub_principle", "year"],
                name="principles_assessment_one_per_year",
                violation_error_message="This organisation has already assessed this sub-principle for "
                "this year: edit that assessment instead.",
            ),
            models.CheckConstraint(
                condition=models.Q(direction__in=Direction.values),
                name="principles_assessment_direction_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sub_principle.ref} {self.sub_principle.title} – {self.year.year_label}"

    def get_absolute_url(self) -> str:
        return reverse("principles:detail", args=[self.pk])

    @property
    def direction_overridden(self) -> bool:
        return bool(self.direction_override_reason.strip())

    def clean(self):
        super().clean()
        if self.year_id and self.year.quarter is not None:
            raise ValidationError({"year": "Choose a whole financial year, not a quarter."})

    def previous(self) -> "Assessment | None":
        return (
            Assessment.objects.filter(
                owner_id=self.owner_id,
                sub_principle_id=self.sub_principle_id,
                year__start_year=self.year.start_year - 1,
                year__quarter__isnull=True,
            )
            .only("rag")
            .first()
        )

    def derived_direction(self) -> Direction:
        """The direction implied by last year's rating of the same sub-principle."""
        previous = self.previous()
        return Direction.between(previous.rag if previous else None, self.rag)


validate_web_link = URLValidator(
    schemes=["http", "https"], message="Enter a web address starting with http:// or https://"
)


class EvidenceItemQuerySet(VisibilityQuerySet):
    pass


class EvidenceItem(AuditedModel, VisibilityModel):
    """One piece of evidence of how the requirements are met: a policy, a board, a report."""

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("assessment__owner",)

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    text = models.TextField(max_length=1000)
    link = models.URLField(
        max_length=500,
        blank=True,
        validators=[validate_web_link],
        help_text="A web address (http or https) where the evidence can be read.",
    )
    owner = models.CharField(
        max_length=120,
        blank=True,
        help_text="The role that holds this evidence, e.g. 'Chief Finance Officer'.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in the list; lowest first.")

    objects = EvidenceItemQuerySet.as_manager()

    class Meta(VisibilityModel.Meta):
        verbose_name = "evidence item"
        ordering = ["assessment_id", "order", "pk"]
        constraints = [
            *VisibilityModel.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(link="")
                | models.Q(link__startswith="http://")
                | models.Q(link__startswith="https://"),
                name="principles_evidenceitem_link_is_web",
            ),
        ]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else f"{self.text[:77]}…"

    def get_absolute_url(self) -> str:
        return f"{reverse('principles:detail', args=[self.assessment_id])}#evidence-{self.pk}"
