"""The core every area shares: organisations, reporting periods, the rating vocabularies,
visibility, and the abstract bases that give every content model its audit history and
its version for stale-edit protection."""

import datetime
from collections.abc import Iterable
from typing import TypeVar

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    NOT_RATED = "not_rated", "Not rated"

    @classmethod
    def needs_reason(cls, value: str) -> bool:
        return value in {cls.RED, cls.AMBER}


# Worst first: used to order lists so that what needs attention comes first.
RAG_SEVERITY = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2, Rag.NOT_RATED: 3}


class Direction(models.TextChoices):
    IMPROVING = "improving", "Improving"
    MAINTAINING = "maintaining", "Maintaining"
    DECLINING = "declining", "Declining"
    NEW = "new", "New"

    @classmethod
    def between(cls, previous: str | None, current: str) -> "Direction":
        """The direction implied by moving from one RAG to another."""
        if previous is None or previous == Rag.NOT_RATED or current == Rag.NOT_RATED:
            return cls.NEW
        delta = RAG_SEVERITY[Rag(current)] - RAG_SEVERITY[Rag(previous)]
        if delta > 0:
            return cls.IMPROVING
        if delta < 0:
            return cls.DECLINING
        return cls.MAINTAINING


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    RESTRICTED = "restricted", "Restricted"


class UnauditedWrite(Exception):
    """A write to audited records that would skip the version check and the history."""


_M = TypeVar("_M", bound=models.Model)


class AuditedQuerySet(models.QuerySet[_M]):
    """Audited records are written one way only, through assurance.writes: a bulk update,
    insert or delete from anywhere else would skip the version check and the history."""

    def _refuse_outside_write_path(self, what: str) -> None:
        from assurance.writes import bulk_writes_allowed

        if not bulk_writes_allowed():
            raise UnauditedWrite(
                f"{self.model.__name__}: {what}() would skip the version check and the history; "
                "write through assurance.writes instead"
            )

    def update(self, **kwargs):
        self._refuse_outside_write_path("update")
        return super().update(**kwargs)

    def delete(self):
        self._refuse_outside_write_path("delete")
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        self._refuse_outside_write_path("bulk_create")
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        self._refuse_outside_write_path("bulk_update")
        return super().bulk_update(objs, fields, *args, **kwargs)


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditedModel(TimeStampedModel):
    """A content model: every change is kept in its history, with who made it.

    `version` counts saves, so an edit form can tell that the record changed after it was
    loaded (see assurance.writes).
    """

    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(inherit=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Bookkeeping, like auto_now: every save is a new version, whoever makes it.
        if self.pk is not None and not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)

    def get_history_url(self) -> str:
        return reverse("history", args=[self._meta.label_lower, self.pk])

    @property
    def record_ref(self) -> str:
        """How a publication names the record: 'meetings.action:12'."""
        return self.record_refs_of([self.pk])[0]

    @classmethod
    def record_refs_of(cls, pks: Iterable[int | None]) -> list[str]:
        """The record_ref of each record with these ids (None, for no record, is left out),
        for a read of plain values: the model's label is made once for them all."""
        label = cls._meta.label_lower
        return [f"{label}:{pk}" for pk in pks if pk is not None]

    def frozen_fields(self) -> dict[str, str]:
        """Fields that may no longer change, each with the reason (said on the form)."""
        return {}


class VisibilityQuerySet(AuditedQuerySet[_M]):
    def public(self):
        return self.filter(visibility=Visibility.PUBLIC)

    def visible_to(self, user):
        from assurance.permissions import can_see_restricted

        return self if can_see_restricted(user) else self.public()


class VisibilityModel(models.Model):
    """A record that can be confidential. Restricted records never leave the OPCC."""

    visibility = models.CharField(
        max_length=10,
        choices=Visibility,
        default=Visibility.PUBLIC,
        help_text="Restricted records are seen only by OPCC staff and are never published.",
    )

    objects = VisibilityQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(visibility__in=Visibility.values),
                name="%(app_label)s_%(class)s_visibility_valid",
            )
        ]

    @property
    def is_restricted(self) -> bool:
        return self.visibility == Visibility.RESTRICTED


class RagQuerySet(AuditedQuerySet[_M]):
    def red(self):
        return self.filter(rag=Rag.RED)

    def needing_attention(self):
        return self.filter(rag__in=[Rag.RED, Rag.AMBER])


class RagRatedModel(models.Model):
    """A record rated Red/Amber/Green; Amber and Red carry a short reason."""

    rag = models.CharField("RAG rating", max_length=10, choices=Rag, default=Rag.NOT_RATED)
    rag_reason = models.TextField(
        "Reason for rating",
        blank=True,
        max_length=2000,
        help_text="Required for Amber and Red, e.g. 'Medium term financial plan being updated in June'.",
    )

    objects = RagQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rag__in=Rag.values), name="%(app_label)s_%(class)s_rag_valid"
            )
        ]


class OrganisationQuerySet(AuditedQuerySet["Organisation"]):
    def home(self) -> "Organisation | None":
        """The OPCC this instance reports for by default."""
        return self.filter(is_home=True).first() or self.filter(kind="opcc").order_by("pk").first()


class Organisation(AuditedModel):
    # Staff of an office reach its own record (its history, say): see assurance.permissions.
    organisation_lookups = ("id",)

    class Kind(models.TextChoices):
        OPCC = "opcc", "Office of the Police and Crime Commissioner"
        FORCE = "force", "Police force"
        OTHER = "other", "Other body"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=60, help_text="Used in tables, e.g. 'Warwickshire'.")
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.OPCC)
    area_name = models.CharField(
        max_length=100, blank=True, help_text="The police force area, e.g. 'West Mercia'."
    )
    allies = models.ManyToManyField(
        "self",
        blank=True,
        verbose_name="allied organisations",
        help_text="Organisations that share plans and boards with this one.",
    )
    is_home = models.BooleanField(
        "Home organisation",
        default=False,
        help_text="The OPCC whose dashboard this instance publishes by default.",
    )

    objects = OrganisationQuerySet.as_manager()  # type: ignore[misc]  # narrows AuditedModel's

    class Meta:
        ordering = ["-is_home", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_home"], condition=models.Q(is_home=True), name="assurance_organisation_one_home"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["opcc", "force", "other"]),
                name="assurance_organisation_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisation_update", args=[self.pk])

    def frozen_fields(self) -> dict[str, str]:
        # Published addresses carry the slug; agenda packs print them, so they must keep working.
        if self.pk is not None and self.publications.exists():
            return {"slug": "It is in the addresses of published dashboards, so it cannot change."}
        return {}


def financial_year_of(day: datetime.date) -> int:
    """The start year of the financial year (1 April to 31 March) a day falls in: 2017 for
    any day from 1 April 2017 to 31 March 2018."""
    return day.year if day.month >= 4 else day.year - 1


def status_on(
    day: datetime.date, *, status: str, closed_on: datetime.date | None, closed: str, until_closed: str
) -> str:
    """A tracked record's status on an earlier `day`, from its status now and the day it was
    closed: `closed` if it was closed by then; `until_closed` (what it was while being worked
    on) if it was closed only later; else its status now. A dashboard of a past quarter shows
    its risks, actions and recommendations as they stood at the quarter's end."""
    if closed_on is not None and closed_on <= day:
        return closed
    return until_closed if status == closed else status


def quarter_of(day: datetime.date) -> int:
    """The financial-year quarter a day falls in: 1 for April to June ... 4 for January to March."""
    return ((day.month - 4) % 12) // 3 + 1


class Membership(AuditedModel):
    """A role a person holds in one organisation: what they may read and change there."""

    class Role(models.TextChoices):
        PANEL = "Panel member", "Panel member"
        EDITOR = "Editor", "Editor"
        PUBLISHER = "Publisher", "Publisher"
        ADMINISTRATOR = "Administrator", "Administrator"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role)

    class Meta(AuditedModel.Meta):
        ordering = ["organisation", "role", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                name="assurance_membership_unique",
                violation_error_message="This person already holds this role in this organisation.",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["Panel member", "Editor", "Publisher", "Administrator"]),
                name="assurance_membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{user_display(self.user)}: {self.role}, {self.organisation.short_name}"

    def get_absolute_url(self) -> str:
        return reverse("admin:assurance_membership_change", args=[self.pk])


class ReportingPeriodQuerySet(AuditedQuerySet["ReportingPeriod"]):
    def years(self):
        return self.filter(quarter__isnull=True)

    def quarters(self):
        return self.filter(quarter__isnull=False)

    def containing(self, day: datetime.date):
        """The financial year and the quarter a day falls in (those that exist)."""
        return self.filter(start_year=financial_year_of(day)).filter(
            models.Q(quarter__isnull=True) | models.Q(quarter=quarter_of(day))
        )

    def quarter_containing(self, day: datetime.date) -> "ReportingPeriod | None":
        return self.filter(start_year=financial_year_of(day), quarter=quarter_of(day)).first()

    def year_of(self, period_or_day: "ReportingPeriod | datetime.date") -> "ReportingPeriod | None":
        """The financial year of a quarter (or of a day), if that year is recorded."""
        if isinstance(period_or_day, datetime.date):
            start_year = financial_year_of(period_or_day)
        else:
            start_year = period_or_day.start_year
        return self.filter(start_year=start_year, quarter__isnull=True).first()

    def from_slug(self, slug: str) -> "ReportingPeriod | None":
        """The period a URL names ('2016-17-q3' or '2016-17'), or None if there is no such period."""
        try:
            start_year, quarter = ReportingPeriod.parse(slug)
        except ValueError:
            return None
        return self.filter(start_year=start_year, quarter=quarter).first()

    def latest_by(self, day: datetime.date, *, quarter: bool = True) -> "ReportingPeriod | None":
        """The existing period containing a day, else the latest before it, else the earliest.

        Reads only: pages that choose a default period must not create periods as a side effect.
        """
        year = financial_year_of(day)
        periods = self.quarters() if quarter else self.years()
        q = quarter_of(day) if quarter else 0
        before = periods.filter(
            models.Q(start_year__lt=year) | models.Q(start_year=year, quarter__lte=q)
            if quarter
            else models.Q(start_year__lte=year)
        )
        return (
            before.order_by("-start_year", "-quarter").first()
            or periods.order_by("start_year", "quarter").first()
        )


class ReportingPeriod(AuditedModel):
    """A financial year (1 April to 31 March, written 2017/18) or one of its quarters.

    Q1 is April to June, Q4 January to March. Reference data, audited like content: published
    dashboards are addressed and labelled by their period.
    """

    start_year = models.PositiveSmallIntegerField(
        help_text="The calendar year in which the financial year starts: 2017 for 2017/18."
    )
    quarter = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1 to 4, or empty for the whole financial year."
    )

    objects = ReportingPeriodQuerySet.as_manager()  # type: ignore[misc]  # narrows AuditedModel's

    class Meta(AuditedModel.Meta):
        ordering = ["start_year", models.F("quarter").asc(nulls_first=True)]
        constraints = [
            models.UniqueConstraint(fields=["start_year", "quarter"], name="assurance_period_unique_quarter"),
            models.UniqueConstraint(
                fields=["start_year"],
                condition=models.Q(quarter__isnull=True),
                name="assurance_period_unique_year",
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__isnull=True) | models.Q(quarter__gte=1, quarter__lte=4),
                name="assurance_period_quarter_range",
            ),
            models.CheckConstraint(
                condition=models.Q(start_year__gte=2000, start_year__lte=2100),
                name="assurance_period_year_range",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("admin:assurance_reportingperiod_change", args=[self.pk])

    @property
    def year_label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def label(self) -> str:
        return self.year_label if self.quarter is None else f"{self.year_label} Q{self.quarter}"

    @property
    def slug(self) -> str:
        return self.label.replace("/", "-").replace(" ", "-").lower()

    @property
    def year_slug(self) -> str:
        """The slug of this period's financial year: '2016-17' for 2016/17 Q3."""
        return self.year_label.replace("/", "-")

    @property
    def is_year(self) -> bool:
        return self.quarter is None

    @property
    def start_date(self) -> datetime.date:
        if self.quarter is None:
            return datetime.date(self.start_year, 4, 1)
        month = 4 + 3 * (self.quarter - 1)
        return datetime.date(self.start_year + (month - 1) // 12, (month - 1) % 12 + 1, 1)

    @property
    def end_date(self) -> datetime.date:
        if self.quarter is None or self.quarter == 4:
            return datetime.date(self.start_year + 1, 3, 31)
        nxt = ReportingPeriod(start_year=self.start_year, quarter=self.quarter + 1).start_date
        return nxt - datetime.timedelta(days=1)

    def contains(self, day: datetime.date) -> bool:
        return self.start_date <= day <= self.end_date

    def frozen_fields(self) -> dict[str, str]:
        if self.pk is not None and self.publications.exists():
            reason = "A published dashboard is labelled and addressed by this period, so it cannot change."
            return {"start_year": reason, "quarter": reason}
        return {}

    @classmethod
    def parse(cls, label: str) -> tuple[int, int | None]:
        """'2017/18' -> (2017, None); '2017/18 Q2' or '2017-18-q2' -> (2017, 2)."""
        text = label.strip().upper().replace("-", " ").replace("/", " ")
        parts = text.split()
        if not parts or not parts[0].isdigit() or len(parts[0]) != 4:
            raise ValueError(f"{label!r} is not a period such as 2017/18 or 2017/18 Q2")
        year = int(parts[0])
        rest = [p for p in parts[1:] if not (p.isdigit() and len(p) == 2)]
        if len(parts) > 1 and parts[1].isdigit() and len(parts[1]) == 2:
            if int(parts[1]) != (year + 1) % 100:
                raise ValueError(f"{label!r}: a financial year runs over two consecutive years")
        if not rest:
            return year, None
        if len(rest) == 1 and rest[0] in {"Q1", "Q2", "Q3", "Q4"}:
            return year, int(rest[0][1])
        raise ValueError(f"{label!r} is not a period such as 2017/18 or 2017/18 Q2")

    @classmethod
    def for_date(cls, day: datetime.date, *, quarter: bool = True) -> "ReportingPeriod":
        """The period containing a day, created if it does not exist yet."""
        period, _ = cls.objects.get_or_create(
            start_year=financial_year_of(day), quarter=quarter_of(day) if quarter else None
        )
        return period


def user_display(user) -> str:
    """How a person is named on screen: their full name if set, else their username."""
    if user is None:
        return "the system"
    return user.get_full_name() or user.get_username()


class PublicationQuerySet(models.QuerySet["Publication"]):
    def latest_per_period(self):
        return self.order_by("organisation", "period", "-version")

    def for_scope(self, organisation, period):
        return self.filter(organisation=organisation, period=period)


class Publication(models.Model):
    """A period's governance dashboard as it stood when published: frozen data, never changed.

    A correction is a new row with the next version of the same period; earlier versions stay
    readable. The snapshot holds no restricted record: they are left out when it is taken.
    """

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("organisation",)

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="publications")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="publications")
    version = models.PositiveIntegerField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="publications"
    )
    published_at = models.DateTimeField()
    title = models.CharField(max_length=200, help_text="The paper's title, e.g. 'Assurance and performance'.")
    correction_note = models.TextField(
        blank=True, max_length=2000, help_text="For a correction: what was wrong and what changed."
    )
    snapshot = models.JSONField(help_text="The dashboard and every area's appendix as published.")
    changes = models.JSONField(
        default=list, blank=True, help_text="What changed since the previous publication (for readers)."
    )
    # Kept apart from the snapshot, frozen with it: the next publication and the live dashboard
    # compare with these alone, without reading the whole snapshot.
    items = models.JSONField(
        default=dict,
        editable=False,
        help_text="The snapshot's items by key, as the next publication is compared with them.",
    )

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period", "version"], name="assurance_publication_unique_version"
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="assurance_publication_version_min"
            ),
            models.CheckConstraint(
                condition=models.Q(version=1) | ~models.Q(correction_note=""),
                name="assurance_publication_correction_has_note",
            ),
        ]
        indexes = [
            # The public list and "latest publication of a period": newest first per organisation.
            models.Index(fields=["organisation", "-published_at"], name="assurance_pub_org_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.period.label} governance dashboard, version {self.version}"

    def save(self, *args, **kwargs):
        # What the panel saw must stay exactly what it saw: a publication is written once.
        if self.pk is not None and not self._state.adding:
            raise ValueError("A publication never changes; publish a correction instead.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(
            "publication_detail",
            kwargs={
                "organisation": self.organisation.slug,
                "period": self.period.slug,
                "version": self.version,
            },
        )

    def get_pdf_url(self) -> str:
        return reverse(
            "publication_pdf",
            kwargs={
                "organisation": self.organisation.slug,
                "period": self.period.slug,
                "version": self.version,
            },
        )

    @property
    def is_correction(self) -> bool:
        return self.version > 1

    @property
    def compared_with(self) -> str:
        """The publication whose items "what changed" was measured against, if any."""
        return self.snapshot.get("compared_with") or ""

    @property
    def is_first(self) -> bool:
        return not self.compared_with

    @property
    def withdrawn(self) -> "Withdrawal | None":
        try:
            return self.withdrawal
        except Withdrawal.DoesNotExist:
            return None


class Withdrawal(AuditedModel):
    """A published version taken down: no longer served to the panel or the public, and kept
    (with this record of who withdrew it, when and why) for the audit."""

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("publication__organisation",)

    publication = models.OneToOneField(Publication, on_delete=models.PROTECT, related_name="withdrawal")
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField()
    reason = models.TextField(
        max_length=2000, help_text="Shown to readers in place of the withdrawn version, e.g. what was wrong."
    )

    class Meta(AuditedModel.Meta):
        ordering = ["-withdrawn_at"]

    def __str__(self) -> str:
        return f"Withdrawal of {self.publication}"

    def get_absolute_url(self) -> str:
        return self.publication.get_absolute_url()


class PublishedRecord(models.Model):
    """A record whose content a publication holds, so that restricting or deleting it later
    can be flagged: the publication keeps what it published, and a publisher decides."""

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="records")
    record = models.CharField(max_length=120, help_text="As 'meetings.action:12'.")

    class Meta:
        ordering = ["publication", "record"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "record"], name="assurance_publishedrecord_unique")
        ]
        indexes = [
            # "Is this record in a publication?", asked when a record is restricted or deleted.
            models.Index(fields=["record"], name="assurance_pubrecord_record"),
        ]

    def __str__(self) -> str:
        return f"{self.record} in {self.publication}"


AGENDA_ITEM = RegexValidator(r"^[0-9]{1,3}[a-z]?$", "Enter an agenda item number, such as 8 or 8a")


class CoverReport(AuditedModel):
    """The report that covers a quarter's dashboard in the panel's agenda pack, as the office
    writes it: drafted and edited (with history) before publishing, started from the report of
    the previous publication. Publishing freezes a copy of it into the publication."""

    # Which organisations the record belongs to (assurance.permissions.in_scope_for).
    organisation_lookups = ("organisation",)

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cover_reports")
    period = models.ForeignKey(
        "ReportingPeriod", on_delete=models.PROTECT, related_name="cover_reports", help_text="A quarter."
    )
    title = models.CharField(max_length=200, default="Assurance and performance")
    meeting_name = models.CharField(
        "Meeting",
        max_length=200,
        default="Police and Crime Panel",
        help_text="The meeting the paper goes to, e.g. 'West Mercia Police and Crime Panel'.",
    )
    meeting_date = models.DateField("Date of the meeting", null=True, blank=True)
    agenda_item = models.CharField(
        "Agenda item number", max_length=4, blank=True, validators=[AGENDA_ITEM], help_text="For example, 8"
    )
    report_of = models.CharField(
        "Report of", max_length=200, default="Chief Executive", help_text="The role presenting the report."
    )
    purpose = models.TextField(max_length=3000)
    background = models.TextField(blank=True, max_length=8000)
    key_points = models.TextField(
        "Key points and exceptions",
        blank=True,
        max_length=8000,
        help_text="What the panel should know: the Red ratings, what slipped, what changed.",
    )
    financial_implications = models.TextField(blank=True, max_length=3000)
    legal_implications = models.TextField(blank=True, max_length=3000)
    risk_implications = models.TextField(blank=True, max_length=3000)
    equality_implications = models.TextField(blank=True, max_length=3000)
    recommendation = models.TextField(max_length=3000)
    contact_name = models.CharField(
        "Contact officer",
        max_length=200,
        blank=True,
        help_text="A name or a role, e.g. 'Head of Performance'.",
    )
    contact_role = models.CharField(
        max_length=200, blank=True, help_text="For example, 'Head of Performance'."
    )
    contact_email = models.EmailField(blank=True)
    background_papers = models.TextField(
        blank=True, max_length=3000, help_text="One paper a line, with a link where it is published."
    )

    IMPLICATIONS = [
        ("financial_implications", "Financial"),
        ("legal_implications", "Legal"),
        ("risk_implications", "Risk"),
        ("equality_implications", "Equality"),
    ]

    class Meta(AuditedModel.Meta):
        ordering = ["organisation", "-period__start_year", "-period__quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period"],
                name="assurance_coverreport_one_per_quarter",
                violation_error_message="This quarter already has a cover report: edit that one.",
            )
        ]

    def __str__(self) -> str:
        return f"Cover report: {self.title}, {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("cover_report", args=[self.organisation.slug, self.period.slug])

    def frozen(self) -> dict:
        """The report as a publication keeps it (JSON-safe)."""
        return {
            "title": self.title,
            "meeting_name": self.meeting_name,
            "meeting_date": self.meeting_date.isoformat() if self.meeting_date else "",
            "agenda_item": self.agenda_item,
            "report_of": self.report_of,
            "purpose": self.purpose,
            "background": self.background,
            "key_points": self.key_points,
            "implications": [
                {"heading": heading, "text": getattr(self, name)}
                for name, heading in self.IMPLICATIONS
                if getattr(self, name).strip()
            ],
            "recommendation": self.recommendation,
            "contact": {"name": self.contact_name, "role": self.contact_role, "email": self.contact_email},
            "background_papers": [
                line.strip() for line in self.background_papers.splitlines() if line.strip()
            ],
        }


class Acronym(AuditedModel):
    """A short form an office uses in its papers, with what it stands for. The panel paper's
    glossary lists those its text uses."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="acronyms")
    term = models.CharField(
        max_length=20,
        validators=[RegexValidator(r"^\S+$", "Enter the short form without spaces, such as PCC")],
        help_text="As the papers write it, e.g. PCC or MoJ.",
    )
    meaning = models.CharField(max_length=300, help_text="e.g. Police and Crime Commissioner.")

    class Meta(AuditedModel.Meta):
        ordering = ["organisation", "term"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "term"],
                name="assurance_acronym_unique_term",
                violation_error_message="This office already explains this short form: edit that one.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.term}: {self.meaning}"

    def get_absolute_url(self) -> str:
        return reverse("admin:assurance_acronym_change", args=[self.pk])


class Paper(models.Model):
    """The panel paper PDF of a publication, made once by a background task and stored."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being made"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    publication = models.OneToOneField(Publication, on_delete=models.PROTECT, related_name="paper")
    agenda_item = models.CharField(max_length=20, blank=True, help_text="Agenda item number, e.g. 8.")
    meeting_date = models.DateField(null=True, blank=True, help_text="Date of the panel meeting.")
    # The cover of papers published before cover reports were written in the service; a paper
    # now takes its cover from the publication's frozen report.
    purpose = models.TextField(max_length=3000, blank=True)
    recommendation = models.TextField(max_length=3000, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    file = models.FileField(upload_to="papers/", blank=True)
    error = models.TextField(blank=True)
    made_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True, help_text="How long the PDF took to make.")

    class Meta:
        ordering = ["-publication__published_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "ready", "failed"]),
                name="assurance_paper_status_valid",
            )
        ]

    def __str__(self) -> str:
        return f"Panel paper: {self.publication}"

    def get_absolute_url(self) -> str:
        return self.publication.get_pdf_url()
