"""Filters for the glossary of bodies, the action tracker and the coverage list, offering what
is in scope."""

import datetime

import django_filters

from assurance.filters import FilterSet, TextSearchFilter
from delivery_plans.models import Commitment, Objective, Plan
from meetings.models import Action, Frequency, OversightBody
from meetings.selectors import COVERAGE

YES_NO = [("yes", "Yes"), ("no", "No")]


def _objectives_of(organisation):
    plans = Plan.objects.for_organisation(organisation).values("pk")
    return (
        Objective.objects.filter(plan__in=plans)
        .select_related("plan")
        .order_by("plan__title", "order", "sort_key")
    )


class OversightBodyFilter(FilterSet):
    words = TextSearchFilter(search_fields=["name", "purpose"])
    objective = django_filters.ModelChoiceFilter(
        queryset=Objective.objects.none(), label="Plan objective", empty_label="Any"
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

    def limit_to_scope(self, scope) -> None:
        if scope.organisation is not None:
            self.filters["objective"].queryset = _objectives_of(scope.organisation)

    def adjust_form(self, form) -> None:
        form.fields["objective"].label_from_instance = lambda o: f"{o.plan.title}: {o.heading}"

    def filter_yes_no(self, queryset, name, value):
        return queryset.filter(**{name: value == "yes"}) if value else queryset


class ActionFilter(FilterSet):
    STATUS_CHOICES = [
        ("open", "Open (not closed)"),
        (Action.Status.IN_PROGRESS, Action.Status.IN_PROGRESS.label),
        (Action.Status.CLOSED, Action.Status.CLOSED.label),
    ]

    # Choices of plain (id, name) values: the tracker reads no body records to offer them.
    body = django_filters.ChoiceFilter(
        field_name="item__meeting__body_id", choices=[], label="Body", empty_label="Any"
    )
    owner = django_filters.CharFilter(field_name="owner_role", lookup_expr="icontains", label="Owner")
    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES, empty_label="Any", method="filter_status")
    overdue = django_filters.ChoiceFilter(
        choices=[("yes", "Overdue only")], label="Overdue", empty_label="All", method="filter_overdue"
    )

    class Meta:
        model = Action
        fields = ["body", "owner", "status", "overdue"]

    def limit_to_scope(self, scope) -> None:
        if scope.organisation is not None:
            bodies = OversightBody.objects.for_organisation(scope.organisation).order_by("name", "pk")
            self.filters["body"].extra["choices"] = [
                (str(pk), name) for pk, name in bodies.values_list("pk", "name")
            ]

    def filter_status(self, queryset, name, value):
        # "Open" is every action still to do: open and in progress alike.
        return queryset.open() if value == "open" else queryset.filter(status=value)

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(datetime.date.today()) if value == "yes" else queryset


class CoverageFilter(FilterSet):
    """The full list of a quarter's coverage: by plan objective, and by what the summary counts."""

    objective = django_filters.ModelChoiceFilter(
        queryset=Objective.objects.none(), label="Plan objective", empty_label="Any"
    )
    coverage = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _) in COVERAGE.items()],
        label="Coverage",
        empty_label="Every commitment",
        method="filter_coverage",
    )
    # The commitments a body oversees, linked from the body's page. A commitment is linked to a
    # body at most once, so the join repeats no row.
    body = django_filters.ModelChoiceFilter(
        field_name="oversight_bodies",
        queryset=OversightBody.objects.none(),
        label="Overseen by",
        empty_label="Any body",
    )

    class Meta:
        model = Commitment
        fields = ["objective", "coverage", "body"]

    def limit_to_scope(self, scope) -> None:
        if scope.organisation is not None:
            bodies = OversightBody.objects.for_organisation(scope.organisation)
            self.filters["body"].queryset = bodies.order_by("name")
        if scope.organisation is not None and scope.period is not None:
            plans = Plan.objects.for_organisation(scope.organisation, year=scope.period.start_year)
            self.filters["objective"].queryset = (
                Objective.objects.filter(plan__in=plans.values("pk"))
                .select_related("plan")
                .order_by("-plan__start_year", "plan__title", "plan_id", "order", "sort_key", "pk")
            )

    def adjust_form(self, form) -> None:
        form.fields["objective"].label_from_instance = lambda o: f"{o.plan.title}: {o.label}"

    def filter_coverage(self, queryset, name, value):
        return queryset.filter(COVERAGE[value][1]) if value else queryset
