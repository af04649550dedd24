import django_filters

from assurance.filters import FilterSet
from assurance.models import Direction, Organisation, Rag, ReportingPeriod
from principles.forms import ScopeForm
from principles.models import Assessment, Principle


class AssessmentFilter(FilterSet):
    owner = django_filters.ModelChoiceFilter(
        label="Organisation",
        queryset=Organisation.objects.filter(kind=Organisation.Kind.OPCC),
        empty_label=None,
        error_messages={"invalid_choice": ScopeForm.base_fields["owner"].error_messages["invalid_choice"]},
    )
    year = django_filters.ModelChoiceFilter(
        label="Financial year",
        queryset=ReportingPeriod.objects.years(),
        empty_label=None,
        error_messages={"invalid_choice": ScopeForm.base_fields["year"].error_messages["invalid_choice"]},
    )
    principle = django_filters.ModelChoiceFilter(
        label="Principle",
        field_name="sub_principle__principle",
        queryset=Principle.objects.all(),
        empty_label="All principles",
    )
    # Single choices: the shared checkbox list template does not yet render GOV.UK checkboxes.
    rag = django_filters.ChoiceFilter(label="RAG rating", choices=Rag.choices, empty_label="Any rating")
    direction = django_filters.ChoiceFilter(
        label="Direction of Travel", choices=Direction.choices, empty_label="Any direction"
    )

    class Meta:
        model = Assessment
        fields = ["owner", "year", "principle", "rag", "direction"]
