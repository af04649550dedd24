"""Oversight bodies, their meetings, what was scrutinised at each, and the actions agreed.

Closed-session business never leaves the OPCC: an agenda item in the closed part of a
meeting is restricted, and so is every action raised at it.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from assurance.models import (
    AuditedModel,
    AuditedQuerySet,
    Organisation,
    Visibility,
    VisibilityModel,
    VisibilityQuerySet,
)


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    BI_MONTHLY = "bi_monthly", "Bi-monthly"
    QUARTERLY = "quarterly", "Quarterly"
    BI_ANNUAL = "bi_annual", "Bi-annual"
    THREE_PER_ANNUM = "three_per_annum", "3 per annum"
    AD_HOC = "ad_hoc", "Ad hoc"
    UNDER_REVIEW = "under_review", "Under review"


class OversightBodyQuerySet(AuditedQuerySet):
    def for_organisation(self, organisation):
        """Bodies an OPCC runs, or takes part in with its allies."""
        shared = OversightBody.objects.filter(organisations=organisation).values("pk")
        return self.filter(Q(owner=organisation) | Q(pk__in=shared))


class OversightBody(AuditedModel):
    """A board or meeting through which the PCC gets assurance (the glossary of mechanisms)."""

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("owner", "organisations")

    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="oversight_bodies",
        help_text="The OPCC that records this body's meetings.",
    )
    organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="shared_oversight_bodies",
        help_text="Other organisations taking part, e.g. the allied force and OPCC.",
    )
    name = models.CharField(max_length=200)
    purpose = models.TextField(blank=True, max_length=4000)
    objective = models.ForeignKey(
        "delivery_plans.Objective",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="oversight_bodies",
        help_text="The plan objective this body serves; leave empty for a cross-cutting body.",
    )
    commitments = models.ManyToManyField(
        "delivery_plans.Commitment",
        blank=True,
        related_name="oversight_bodies",
        verbose_name="commitments overseen",
        help_text="The delivery plan commitments this body oversees.",
    )
    frequency = models.CharField(max_length=20, choices=Frequency, default=Frequency.MONTHLY)
    chair = models.CharField(
        max_length=200, blank=True, help_text="A role, e.g. 'Police and Crime Commissioner'."
    )
    held_in_public = models.BooleanField("Held in public", default=False)
    notes_published = models.BooleanField("Notes published", default=False)
    holds_to_account = models.BooleanField(
        "Holding-to-account meeting",
        default=False,
        help_text="Meetings of the PCC and Chief Constable summarised for the panel (Appendix B).",
    )

    objects = OversightBodyQuerySet.as_manager()

    class Meta(AuditedModel.Meta):
        ordering = ["name"]
        verbose_name = "oversight body"
        verbose_name_plural = "oversight bodies"
        constraints = [
            # Names differing only in capitals are one body to a reader.
            models.UniqueConstraint(
                Lower("name"),
                "owner",
                name="meetings_oversightbody_unique_name_ci",
                violation_error_message="This organisation already has a body with this name "
                "(names are compared ignoring capitals): give another name, or edit that body.",
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values), name="meetings_oversightbody_frequency_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"
    NO_MEETING = "no_meeting", "No meeting that month"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    CLOSED = "closed", "Closed"


class Meeting(AuditedModel):
    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("body__owner", "body__organisations")
    Status = MeetingStatus

    body = models.ForeignKey(OversightBody, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField(help_text="For a month with no meeting, any day of that month.")
    status = models.CharField(max_length=20, choices=Status, default=Status.HELD)
    ad_hoc = models.BooleanField(
        "Ad hoc meeting", default=False, help_text="An extra meeting called outside the regular cycle."
    )
    summary = models.TextField(
        "Published summary",
        blank=True,
        max_length=10000,
        help_text="A summary of the open part only; it is published. Never describe closed business here.",
    )

    class Meta(AuditedModel.Meta):
        # The body page and the carried-forward log read a body's meetings in date order.
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["body", "date"], name="meetings_meeting_body_date")]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "date"],
                name="meetings_meeting_unique_date",
                violation_error_message="This body already has a meeting on this date: "
                "edit that meeting, or give another date.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=MeetingStatus.values), name="meetings_meeting_status_valid"
            ),
        ]

    def __str__(self) -> str:
        kind = " (ad hoc)" if self.ad_hoc else ""
        return f"{self.body.name}, {self.date:%-d %B %Y}{kind}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting_detail", args=[self.pk])

    @property
    def took_place(self) -> bool:
        return self.status == self.Status.HELD


class AgendaItemQuerySet(VisibilityQuerySet):
    def covering(self):
        """Items that count as scrutiny: discussed at a meeting that took place."""
        return self.filter(meeting__status=MeetingStatus.HELD, deferred=False)


class AgendaItem(VisibilityModel, AuditedModel):
    """One item scrutinised at a meeting. `visibility` restricted means the closed part."""

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("meeting__body__owner", "meeting__body__organisations")

    class Kind(models.TextChoices):
        PERFORMANCE = "P", "Performance (P)"
        STRATEGIC = "SI", "Strategic initiative (SI)"
        OTHER = "other", "Other"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField(default=1, help_text="Its place on the agenda.")
    title = models.CharField(max_length=300)
    kind = models.CharField("Type", max_length=10, choices=Kind, default=Kind.PERFORMANCE)
    objectives = models.ManyToManyField(
        "delivery_plans.Objective", blank=True, related_name="agenda_items", verbose_name="plan objectives"
    )
    commitments = models.ManyToManyField(
        "delivery_plans.Commitment",
        blank=True,
        related_name="agenda_items",
        verbose_name="delivery plan commitments",
        help_text="The commitments this item scrutinised: they count as covered in the meeting's quarter.",
    )
    outcome = models.TextField(blank=True, max_length=10000)
    deferred = models.BooleanField(
        default=False, help_text="Not taken at this meeting; it is offered for the body's next meeting."
    )
    deferred_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="taken_up_as",
        help_text="The deferred item this one takes up.",
    )

    objects = AgendaItemQuerySet.as_manager()

    class Meta(VisibilityModel.Meta, AuditedModel.Meta):
        ordering = ["meeting__date", "visibility", "number", "pk"]
        verbose_name = "agenda item"
        constraints = [
            *VisibilityModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(kind__in=["P", "SI", "other"]), name="meetings_agendaitem_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#item-{self.pk}"

    @property
    def part_label(self) -> str:
        return "Closed part" if self.is_restricted else "Open part"

    @property
    def kind_code(self) -> str:
        return "" if self.kind == self.Kind.OTHER else self.kind


class ActionQuerySet(VisibilityQuerySet):
    def public(self):
        # Belt and braces: an action is public only if it and the item it was raised at are.
        return self.filter(visibility=Visibility.PUBLIC, item__visibility=Visibility.PUBLIC)

    def open(self):
        return self.exclude(status=ActionStatus.CLOSED)

    def overdue(self, today: datetime.date | None = None):
        return self.open().filter(due_date__lt=today or datetime.date.today())

    def open_at(self, day: datetime.date):
        """Raised on or before `day` and not closed before it: what a meeting that day reviews."""
        return self.filter(item__meeting__date__lte=day).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gte=day)
        )


class Action(VisibilityModel, AuditedModel):
    """Agreed at an agenda item, chased at every later meeting of the body until closed."""

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("item__meeting__body__owner", "item__meeting__body__organisations")

    Status = ActionStatus

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(max_length=4000)
    owner_role = models.CharField("Owner", max_length=200, help_text="A role, e.g. 'Deputy Chief Constable'.")
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status, default=Status.OPEN)
    closed_on = models.DateField(null=True, blank=True, help_text="The day the action was closed.")
    closing_note = models.TextField(blank=True, max_length=4000, help_text="How the action was completed.")

    objects = ActionQuerySet.as_manager()

    class Meta(VisibilityModel.Meta, AuditedModel.Meta):
        ordering = ["due_date", "pk"]
        constraints = [
            *VisibilityModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="meetings_action_status_valid"
            ),
            # A closed action says when and how; an open one has not been closed yet.
            models.CheckConstraint(
                condition=(Q(status="closed") & Q(closed_on__isnull=False) & ~Q(closing_note=""))
                | (~Q(status="closed") & Q(closed_on__isnull=True)),
                name="meetings_action_closed_with_date_and_note",
            ),
        ]

    def __str__(self) -> str:
        text = self.description if len(self.description) <= 80 else self.description[:77] + "…"
        return text

    def get_absolute_url(self) -> str:
        return reverse("meetings:action_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def latest_update(self) -> "ActionUpdate | None":
        # From the prefetched updates, so a list of actions costs no extra query each.
        updates = list(self.updates.all())
        return updates[-1] if updates else None

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.is_open and self.due_date < (today or datetime.date.today())

    def clean(self):
        super().clean()
        item = self.item if self.item_id else None
        if item is not None and item.is_restricted and not self.is_restricted:
            raise ValidationError(
                {"visibility": "An action raised in the closed part of a meeting is restricted."}
            )
        if item is not None and self.due_date and self.due_date < item.meeting.date:
            raise ValidationError(
                {"due_date": f"The due date must be on or after the meeting ({item.meeting.date:%-d %B %Y})."}
            )


class ActionUpdate(AuditedModel):
    """A dated note of progress on an action, usually given at a later meeting."""

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = (
        "action__item__meeting__body__owner",
        "action__item__meeting__body__organisations",
    )

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField()
    text = models.TextField("Update", max_length=4000)

    class Meta(AuditedModel.Meta):
        ordering = ["date", "pk"]
        verbose_name = "action update"

    def __str__(self) -> str:
        return f"Update of {self.date:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return self.action.get_absolute_url()
