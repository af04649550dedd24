"""Filters of the commitment list, offering only the plans and objectives in scope."""

import django_filters
from django.db.models import Q

from assurance.filters import FilterSet, TextSearchFilter
from assurance.models import Rag
from delivery_plans.models import Commitment, DeliveryStatus, Objective, OversightScheduleEntry, Plan


class CommitmentFilter(FilterSet):
    plan = django_filters.ModelChoiceFilter(queryset=Plan.objects.none(), empty_label="All plans")
    objective = django_filters.ModelChoiceFilter(
        queryset=Objective.objects.none(), empty_label="All objectives"
    )
    status = django_filters.ModelChoiceFilter(
        label="Delivery status", queryset=DeliveryStatus.objects.none(), empty_label="Any status"
    )
    kind = django_filters.ChoiceFilter(choices=Commitment.Kind.choices, empty_label="Both kinds")
    rag = django_filters.ChoiceFilter(
        label="Latest RAG", choices=Rag.choices, empty_label="Any rating", method="filter_rag"
    )
    oversight = django_filters.CharFilter(label="Oversight body", method="filter_oversight")
    q = TextSearchFilter(
        search_fields=["ref", "text", "supporting_activity", "oversight_mechanism", "lead_officer", "sponsor"]
    )

    class Meta:
        model = Commitment
        fields = ["plan", "objective", "status", "kind", "rag", "oversight", "q"]

    def limit_to_scope(self, scope) -> None:
        organisation = scope.organisation
        plans = Plan.objects.for_organisation(organisation) if organisation else Plan.objects.none()
        self.filters["plan"].queryset = plans
        objectives = Objective.objects.filter(plan__in=plans.values("pk")).select_related("plan")
        self.filters["objective"].queryset = objectives.order_by("plan__title", "order", "sort_key")
        statuses = DeliveryStatus.objects.filter(plan__in=plans.values("pk")).select_related("plan")
        self.filters["status"].queryset = statuses.order_by("plan__title", "order")

    def adjust_form(self, form) -> None:
        # Each objective and status says which plan it belongs to: a plan's "1." is not another's.
        form.fields["objective"].label_from_instance = lambda o: f"{o.plan.title}: {o.label}"
        form.fields["status"].label_from_instance = lambda s: f"{s.plan.title}: {s.name}"

    def filter_rag(self, queryset, name, value):
        # latest_rag is annotated by the list's queryset; no update at all counts as Not rated.
        if value == Rag.NOT_RATED:
            return queryset.filter(Q(latest_rag=value) | Q(latest_rag__isnull=True))
        return queryset.filter(latest_rag=value)

    def filter_oversight(self, queryset, name, value):
        # A subquery, not a join: a join would repeat each commitment once per scheduled quarter.
        scheduled = OversightScheduleEntry.objects.filter(body_name__icontains=value).values("commitment_id")
        return queryset.filter(Q(oversight_mechanism__icontains=value) | Q(pk__in=scheduled))
