"""Filters of the recommendation tracker and the list of reports."""

import django_filters
from django import forms
from django.db.models import F
from django.utils import timezone

from assurance.filters import FilterSet, TextSearchFilter
from assurance.models import Rag, ReportingPeriod
from inspections.forms import DATE_INPUT
from inspections.models import OPEN_STATUSES, Kind, Recommendation, Report, Source, Status

STILL_OPEN = "still_open"
STATUS_CHOICES = [(STILL_OPEN, "Open, in progress or awaiting closure"), *Status.choices]


class RecommendationFilter(FilterSet):
    source = django_filters.ChoiceFilter(
        field_name="report__source", choices=Source.choices, empty_label="Any source"
    )
    report = django_filters.ModelChoiceFilter(queryset=Report.objects.none(), empty_label="All reports")
    kind = django_filters.ChoiceFilter(choices=Kind.choices, empty_label="Any kind")
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, empty_label="Any status", method="filter_status"
    )
    owner = django_filters.CharFilter(field_name="owner_role", lookup_expr="icontains", label="Owner")
    rag = django_filters.ChoiceFilter(label="Assurance rating", choices=Rag.choices, empty_label="Any rating")
    overdue = django_filters.ChoiceFilter(
        label="Target date",
        choices=[("yes", "Overdue")],
        empty_label="Any",
        method="filter_overdue",
    )
    revised = django_filters.ChoiceFilter(
        label="Target revisions",
        choices=[("yes", "Target revised")],
        empty_label="Any",
        method="filter_revised",
    )
    target_from = django_filters.DateFilter(
        field_name="target_date", lookup_expr="gte", label="Target date on or after", widget=DATE_INPUT
    )
    target_to = django_filters.DateFilter(
        field_name="target_date", lookup_expr="lte", label="Target date on or before", widget=DATE_INPUT
    )
    target_quarter = django_filters.ChoiceFilter(
        label="Target quarter", choices=[], empty_label="Any quarter", method="filter_target_quarter"
    )
    q = TextSearchFilter(search_fields=["ref", "text", "addressed_to", "owner_role"])

    class Meta:
        model = Recommendation
        fields = [
            "source",
            "report",
            "kind",
            "status",
            "owner",
            "rag",
            "overdue",
            "revised",
            "target_from",
            "target_to",
            "target_quarter",
            "q",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The quarters on offer are the reporting periods the service keeps (one query).
        self.quarters = {
            p.slug: p for p in ReportingPeriod.objects.quarters().order_by("-start_year", "-quarter")
        }
        self.filters["target_quarter"].extra["choices"] = [
            (slug, p.label) for slug, p in self.quarters.items()
        ]

    def limit_to_scope(self, scope) -> None:
        organisation = scope.organisation
        reports = Report.objects.of(organisation) if organisation else Report.objects.none()
        # What the choices show of each report, and no other office's.
        self.filters["report"].queryset = reports.only("pk", "title", "published_on").order_by(
            "-published_on", "title"
        )

    def adjust_form(self, form: forms.Form) -> None:
        form.fields["report"].label_from_instance = lambda r: f"{r.title} ({r.published_on:%b %Y})"

    def filter_status(self, queryset, name, value):
        return (
            queryset.filter(status__in=OPEN_STATUSES)
            if value == STILL_OPEN
            else queryset.filter(status=value)
        )

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(timezone.localdate()) if value == "yes" else queryset

    def filter_revised(self, queryset, name, value):
        return queryset.exclude(target_date=F("original_target_date")) if value == "yes" else queryset

    def filter_target_quarter(self, queryset, name, value):
        period = self.quarters.get(value)
        if period is None:
            return queryset
        return queryset.filter(target_date__gte=period.start_date, target_date__lte=period.end_date)


class ReportFilter(FilterSet):
    source = django_filters.ChoiceFilter(choices=Source.choices, empty_label="Any source")
    response_due_by = django_filters.DateFilter(
        label="PCC's response not recorded, due on or before",
        widget=DATE_INPUT,
        method="filter_response_due_by",
    )
    q = TextSearchFilter(search_fields=["title"])

    class Meta:
        model = Report
        fields = ["source", "response_due_by", "q"]

    def filter_response_due_by(self, queryset, name, value):
        return queryset.responses_due_by(value)
