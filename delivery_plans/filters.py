"""Filters of the commitment list."""

import django_filters
from django.db.models import Q

from assurance.filters import FilterSet, TextSearchFilter
from assurance.models import Organisation, Rag
from delivery_plans.models import Commitment, Objective, Plan


class CommitmentFilter(FilterSet):
    plan = django_filters.ModelChoiceFilter(queryset=Plan.objects.all(), empty_label="All plans")
    objective = django_filters.ModelChoiceFilter(
        queryset=Objective.objects.select_related("plan"), empty_label="All objectives"
    )
    kind = django_filters.ChoiceFilter(choices=Commitment.Kind.choices, empty_label="Both kinds")
    rag = django_filters.ChoiceFilter(
        label="Latest RAG", choices=Rag.choices, empty_label="Any rating", method="filter_rag"
    )
    area = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.all(), empty_label="All areas", method="filter_area"
    )
    oversight = django_filters.CharFilter(label="Oversight body", method="filter_oversight")
    q = TextSearchFilter(search_fields=["ref", "text", "supporting_activity", "oversight_mechanism"])

    class Meta:
        model = Commitment
        fields = ["plan", "objective", "kind", "rag", "area", "oversight", "q"]

    def filter_rag(self, queryset, name, value):
        # latest_rag is annotated by the list's queryset; no update at all counts as Not rated.
        if value == Rag.NOT_RATED:
            return queryset.filter(Q(latest_rag=value) | Q(latest_rag__isnull=True))
        return queryset.filter(latest_rag=value)

    def filter_area(self, queryset, name, value):
        # A commitment with no areas applies to every area of its plan.
        return queryset.filter(Q(areas=value) | Q(areas__isnull=True, plan__organisations=value)).distinct()

    def filter_oversight(self, queryset, name, value):
        return queryset.filter(
            Q(oversight_mechanism__icontains=value) | Q(schedule__body_name__icontains=value)
        ).distinct()
