"""Filters for the glossary of bodies and the action tracker."""

import datetime

import django_filters

from assurance.filters import FilterSet, TextSearchFilter
from delivery_plans.models import Objective
from meetings.models import Action, Frequency, OversightBody

YES_NO = [("yes", "Yes"), ("no", "No")]


class OversightBodyFilter(FilterSet):
    words = TextSearchFilter(search_fields=["name", "purpose"])
    objective = django_filters.ModelChoiceFilter(
        queryset=Objective.objects.select_related("plan"), label="Plan objective", empty_label="Any"
    )
    cross_cutting = django_filters.BooleanFilter(
        field_name="objective", lookup_expr="isnull", label="Cross-cutting only"
    )
    frequency = django_filters.ChoiceFilter(choices=Frequency.choices, empty_label="Any")
    held_in_public = django_filters.ChoiceFilter(
        choices=YES_NO, label="Held in public", empty_label="Either", method="filter_yes_no"
    )

    class Meta:
        model = OversightBody
        fields = ["words", "objective", "cross_cutting", "frequency", "held_in_public"]

    def filter_yes_no(self, queryset, name, value):
        return queryset.filter(**{name: value == "yes"}) if value else queryset


class ActionFilter(FilterSet):
    body = django_filters.ModelChoiceFilter(
        field_name="item__meeting__body",
        queryset=OversightBody.objects.all(),
        label="Body",
        empty_label="Any",
    )
    owner = django_filters.CharFilter(field_name="owner_role", lookup_expr="icontains", label="Owner")
    status = django_filters.ChoiceFilter(choices=Action.Status.choices, empty_label="Any")
    overdue = django_filters.ChoiceFilter(
        choices=[("yes", "Overdue only")], label="Overdue", empty_label="All", method="filter_overdue"
    )

    class Meta:
        model = Action
        fields = ["body", "owner", "status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(datetime.date.today()) if value == "yes" else queryset
