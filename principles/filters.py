import django_filters

from assurance.filters import FilterSet
from assurance.models import Direction, Rag
from principles.models import Assessment, Principle


class AssessmentFilter(FilterSet):
    """Filters of a year's assessment; the organisation and year are the page's scope."""

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
        fields = ["principle", "rag", "direction"]
