"""The base of every list's filters: GOV.UK form markup and a words-in-text search."""

import django_filters
from django.db.models import Q

from assurance import forms


class FilterSet(django_filters.FilterSet):
    """A list's filters. On a page scoped to an organisation (and period), `scope` is its
    ScopeChoice: `limit_to_scope` narrows the choices to what is in scope, never every office's."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, scope=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.scope = scope
        if scope is not None:
            self.limit_to_scope(scope)

    def limit_to_scope(self, scope) -> None:
        """Narrow the filters' choices to the page's organisation and period."""

    def adjust_form(self, form) -> None:
        """Change the filter form once it is made (labels of choices...)."""

    @property
    def form(self):
        form = super().form
        if not getattr(self, "_form_adjusted", False):
            self._form_adjusted = True
            self.adjust_form(form)
        return form

    def get_form_class(self):
        # Always the project's form base, even when an area's FilterSet declares its own Meta.
        fields = {name: filter_.field for name, filter_ in self.filters.items()}
        return type(f"{type(self).__name__}Form", (forms.Form,), fields)


class TextSearchFilter(django_filters.CharFilter):
    """Matches every word, each in any of the given fields: 'victim hate' finds both words."""

    def __init__(self, *args, search_fields: list[str], **kwargs):
        kwargs.setdefault("label", "Words")
        super().__init__(*args, **kwargs)
        self.search_fields = search_fields

    def filter(self, qs, value):
        for word in (value or "").split()[:10]:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": word})
            qs = qs.filter(condition)
        return qs
