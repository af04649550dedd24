"""Filters of the risk register and the heat map: the same filters, so a heat map cell and
the list it links to count the same risks."""

import datetime

import django_filters

from assurance.filters import FilterSet, TextSearchFilter
from assurance.models import Rag, Visibility
from risks.models import Risk, RiskCategory, RiskRegister, RiskStatus

CURRENT = "current"
STATUS_CHOICES = [(CURRENT, "Open or tolerated"), *RiskStatus.choices]


class RiskFilter(FilterSet):
    register = django_filters.ModelChoiceFilter(
        queryset=RiskRegister.objects.none(), empty_label="All registers"
    )
    rag = django_filters.ChoiceFilter(label="RAG rating", choices=Rag.choices, empty_label="Any rating")
    owner = django_filters.CharFilter(field_name="owner_role", lookup_expr="icontains", label="Owner")
    category = django_filters.ModelChoiceFilter(
        queryset=RiskCategory.objects.none(), empty_label="Any category"
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, empty_label="Any status", method="filter_status"
    )
    overdue = django_filters.ChoiceFilter(
        label="Review", choices=[("yes", "Review overdue")], empty_label="Any", method="filter_overdue"
    )
    restricted = django_filters.ChoiceFilter(
        label="Visibility",
        choices=[("yes", "Restricted only"), ("no", "Public only")],
        empty_label="Public and restricted",
        method="filter_restricted",
    )
    residual_likelihood = django_filters.NumberFilter(label="Residual likelihood")
    residual_impact = django_filters.NumberFilter(label="Residual impact")
    inherent_likelihood = django_filters.NumberFilter(label="Inherent likelihood")
    inherent_impact = django_filters.NumberFilter(label="Inherent impact")
    q = TextSearchFilter(search_fields=["ref", "title", "description", "cause", "consequence"])

    class Meta:
        model = Risk
        fields = [
            "register",
            "rag",
            "owner",
            "category",
            "status",
            "overdue",
            "restricted",
            "residual_likelihood",
            "residual_impact",
            "inherent_likelihood",
            "inherent_impact",
            "q",
        ]

    def limit_to_scope(self, scope) -> None:
        organisation = scope.organisation
        registers = (
            RiskRegister.objects.for_organisation(organisation)
            if organisation
            else RiskRegister.objects.none()
        )
        self.filters["register"].queryset = registers.select_related("owner")
        owners = registers.values("owner_id")
        self.filters["category"].queryset = RiskCategory.objects.filter(organisation__in=owners)

    def filter_status(self, queryset, name, value):
        return queryset.current() if value == CURRENT else queryset.filter(status=value)

    def filter_overdue(self, queryset, name, value):
        return queryset.review_overdue(datetime.date.today()) if value == "yes" else queryset

    def filter_restricted(self, queryset, name, value):
        wanted = Visibility.RESTRICTED if value == "yes" else Visibility.PUBLIC
        return queryset.filter(visibility=wanted)
