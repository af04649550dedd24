import django_filters
from django import forms

from assurance.filters import FilterSet
from assurance.models import Direction, Organisation, Rag, ReportingPeriod
from principles.models import Assessment, Principle


class AssessmentFilter(FilterSet):
    owner = django_filters.ModelChoiceFilter(
        label="Organisation",
        queryset=Organisation.objects.filter(kind=Organisation.Kind.OPCC),
        empty_label=None,
    )
    year = django_filters.ModelChoiceFilter(
        label="Financial year", queryset=ReportingPeriod.objects.years(), empty_label=None
    )
    principle = django_filters.ModelChoiceFilter(
        label="Principle",
        field_name="sub_principle__principle",
        queryset=Principle.objects.all(),
        empty_label="All principles",
    )
    rag = django_filters.MultipleChoiceFilter(
        label="RAG rating", choices=Rag.choices, widget=forms.CheckboxSelectMultiple
    )
    direction = django_filters.MultipleChoiceFilter(
        label="Direction of Travel", choices=Direction.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Assessment
        fields = ["owner", "year", "principle", "rag", "direction"]
