"""Filters of the recommendation tracker and the list of reports."""

import django_filters
from django import forms
from django.utils import timezone

from assurance.filters import FilterSet, TextSearchFilter
from assurance.models import Rag, ReportingPeriod
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
    target_quarter = django_filters.ChoiceFilter(
        label="Target quarter", choices=[], empty_label="Any quarter", method="filter_target_quarter"
    )
    q = TextSearchFilter(search_fields=["ref", "text", "addressed_to", "owner_role"])

    class Meta:
        model = Recommendation
        fields = ["source", "report", "kind", "status", "owner", "rag", "overdue", "target_quarter", "q"]

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
        self.filters["report"].queryset = reports.order_by("-published_on", "title")

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

    def filter_target_quarter(self, queryset, name, value):
        period = self.quarters.get(value)
        if period is None:
            return queryset
        return queryset.filter(target_date__gte=period.start_date, target_date__lte=period.end_date)


class ReportFilter(FilterSet):
    source = django_filters.ChoiceFilter(choices=Source.choices, empty_label="Any source")
    q = TextSearchFilter(search_fields=["title"])

    class Meta:
        model = Report
        fields = ["source", "q"]
