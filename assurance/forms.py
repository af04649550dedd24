"""Form rendering and behaviour shared by every form: GOV.UK Frontend markup from one field
template, an error summary in field order, and the version that protects against stale edits."""

import copy
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Count, Q
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import TemplatesSetting
from django.forms.utils import ErrorDict

from assurance.models import Rag


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"


WIDGET_CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.SelectMultiple: "govuk-select",
    # CheckboxSelectMultiple subclasses RadioSelect, so it must be matched first.
    forms.CheckboxSelectMultiple: "govuk-checkboxes__input",
    forms.RadioSelect: "govuk-radios__input",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
    forms.widgets.Input: "govuk-input",
}
ERROR_CLASSES = {
    "govuk-input": "govuk-input--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-select": "govuk-select--error",
    "govuk-file-upload": "govuk-file-upload--error",
}


def widget_class(widget) -> str:
    for widget_type, css in WIDGET_CLASSES.items():
        if isinstance(widget, widget_type):
            return css
    return ""


class GovukBoundField(forms.BoundField):
    """Adds the GOV.UK classes, the error state and aria-describedby to every widget."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        css = widget_class(widget)
        classes = [attrs.get("class", ""), css]
        if self.errors and css in ERROR_CLASSES:
            classes.append(ERROR_CLASSES[css])
        attrs["class"] = " ".join(c for c in classes if c)
        described = []
        if self.help_text:
            described.append(f"{self.auto_id}-hint")
        if self.errors:
            described.append(f"{self.auto_id}-error")
        if described and not isinstance(widget, forms.RadioSelect):
            attrs["aria-describedby"] = " ".join(described)
        return attrs

    @property
    def is_choice_list(self) -> bool:
        return isinstance(self.field.widget, forms.RadioSelect)  # checkbox lists included

    @property
    def is_checkbox(self) -> bool:
        return isinstance(self.field.widget, forms.CheckboxInput)

    @property
    def narrowing(self) -> "Narrowing | None":
        """How a long list of choices is narrowed (narrow_long_choices), or None."""
        return getattr(self.field, "narrowing", None)

    @property
    def first_input_id(self) -> str:
        """Where an error summary link lands: the first radio or checkbox of a list."""
        return f"{self.auto_id}_0" if self.is_choice_list else self.auto_id


if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


# A record's id as a form may send it: digits, within the database's 64-bit integers.
ROW_ID = re.compile(r"\s*\d{1,18}\s*")


def _refusing_impossible_ids(field: forms.ModelChoiceField) -> None:
    """Make a choice of records refuse, as not on offer, a value that cannot be a row's id (a
    number past the database's integers would otherwise fail in the database, not the form)."""
    if getattr(field, "ids_checked", False) or field.to_field_name is not None or field.queryset is None:
        return
    if not isinstance(field.queryset.model._meta.pk, models.AutoField | models.BigAutoField):
        return
    field.ids_checked = True  # type: ignore[attr-defined]

    def impossible(value) -> bool:
        return value not in field.empty_values and not ROW_ID.fullmatch(str(value))

    if isinstance(field, forms.ModelMultipleChoiceField):
        check = field._check_values  # type: ignore[attr-defined]

        def check_values(values):
            for value in values:
                if impossible(value):
                    raise ValidationError(
                        field.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": value},
                    )
            return check(values)

        field._check_values = check_values  # type: ignore[attr-defined]
    else:
        to_python = field.to_python

        def checked_to_python(value):
            if impossible(value):
                raise ValidationError(field.error_messages["invalid_choice"], code="invalid_choice")
            return to_python(value)

        field.to_python = checked_to_python  # type: ignore[method-assign]


class GovukFormMixin(_FormBase):
    bound_field_class: type[forms.BoundField] | None = GovukBoundField

    def full_clean(self):
        # Here, not in __init__: a form may set or replace a field after it is made.
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                _refusing_impossible_ids(field)
        super().full_clean()

    def as_entered(self) -> None:
        """Show the form again with what was entered, unchecked and so without errors: for a
        button that changes what the form offers (NARROW_BUTTON), not a save."""
        self._errors = ErrorDict()
        self.cleaned_data = {}

    def errors_in_order(self) -> list[tuple[str, str]]:
        """(anchor id, message) for the error summary, in the order the fields appear."""
        items = [("", str(e)) for e in self.non_field_errors()]
        for bound in self:
            anchor = bound.first_input_id if isinstance(bound, GovukBoundField) else bound.auto_id
            for error in bound.errors:
                items.append((anchor, str(error)))
        for name, errors in self.errors.items():
            if name not in self.fields and name != NON_FIELD_ERRORS:
                items.extend(("", str(e)) for e in errors)
        return items


class Form(GovukFormMixin, forms.Form):
    pass


class VersionedFormMixin(_FormBase):
    """Remembers which version of the record the form was loaded at, to refuse a stale save."""

    instance: Any

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Added here rather than declared, so that any form class (the service's, the admin's) can mix it in.
        self.fields["loaded_version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        if self.instance.pk is not None:
            # Also when bound: has_changed() then tells an unchanged form from a stale one.
            self.initial["loaded_version"] = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None:
            for name, reason in self.instance.frozen_fields().items():
                if name in self.changed_data:
                    self.add_error(name, reason)
        return cleaned

    def clean_loaded_version(self):
        value = self.cleaned_data.get("loaded_version")
        if self.instance.pk is not None and value is None:
            raise forms.ValidationError("This form is out of date: reload the page and try again.")
        return value


class VersionedModelForm(VersionedFormMixin, GovukFormMixin, forms.ModelForm):
    """A model form in the service's markup that remembers the version it was loaded at."""


class RagFormMixin(_FormBase):
    """Amber and Red need a reason; every rating form names its fields `rag` and `rag_reason`."""

    def clean(self):
        cleaned = super().clean() or {}
        rag = cleaned.get("rag")
        reason_already_wrong = "rag_reason" in self.errors
        if (
            rag
            and Rag.needs_reason(rag)
            and not reason_already_wrong
            and not (cleaned.get("rag_reason") or "").strip()
        ):
            self.add_error("rag_reason", f"Give a reason for the {Rag(rag).label} rating")
        return cleaned


# Above this many records on offer, a list of choices (a plan's commitments) shows the records
# chosen and those of one group (an objective) at a time, chosen without JavaScript.
NARROW_ABOVE = 100
# The submit button that shows another group's choices: the form is shown again, not saved.
NARROW_BUTTON = "show_choices"


def _groups_of(model: type[models.Model]) -> models.QuerySet:
    """The records that group choices (an objective), each read with what its label may name
    (the objective's plan)."""
    return model._default_manager.select_related(
        *(f.name for f in model._meta.concrete_fields if f.is_relation)
    )


def choices_from_values(
    field: forms.ModelChoiceField,
    columns: Sequence[str],
    label: Callable[..., str],
    *,
    group_by: str | None = None,
    group_label: Callable[[Any], str] = str,
) -> None:
    """Let a field's records be offered from plain values: `label(*values of columns)` names
    one. A long list then costs no model instance (nor related rows) per choice; what is sent
    is still checked against the field's queryset. With `group_by` (a relation, such as
    "objective"), the choices come in groups of consecutive records, each named by
    `group_label(group)`, the groups read in one query."""

    class FromValues(ModelChoiceIterator):
        def __iter__(self):
            if self.field.empty_label is not None:
                yield ("", self.field.empty_label)
            rows = self.queryset.select_related(None).values_list(
                "pk", *columns, *([f"{group_by}_id"] if group_by else [])
            )
            if group_by is None:
                for pk, *values in rows:
                    yield pk, label(*values)
                return
            listed = list(rows)
            group_model = self.queryset.model._meta.get_field(group_by).related_model
            groups = _groups_of(group_model).in_bulk({row[-1] for row in listed})
            for group_id, members in groupby(listed, key=itemgetter(-1)):
                yield group_label(groups[group_id]), [(pk, label(*values)) for pk, *values, _ in members]

    field.iterator = FromValues
    field.queryset = field.queryset  # the widget's choices are made when the queryset is set


@dataclass(frozen=True)
class Narrowing:
    """What a narrowed list of choices shows, for its field's template."""

    groups: list[tuple[str, str]]
    chosen_group: str
    total: int
    group_noun: str

    def field_name(self, name: str) -> str:
        return f"{name}_from"


def narrow_long_choices(
    form: forms.BaseForm, name: str, *, group_by: str, group_label: Callable[[Any], str], group_noun: str
) -> None:
    """Show only the chosen records of a long choice list and those of one group.

    `group_by` is the lookup of each record's group (such as "objective"), `group_label` names
    a group. The field still accepts any record on offer, so choosing from one group keeps the
    choices made in others; the form's own page offers the groups, and a submit button
    (NARROW_BUTTON) shows the form again with the entered values and another group's records.
    One query besides the list's own, whether or not it is narrowed, and a page the size of one
    group, however many records are on offer.
    """
    field = form.fields[name]
    if not isinstance(field, forms.ModelMultipleChoiceField) or field.queryset is None:
        raise TypeError(f"{name} is not a choice of records")
    offered = field.queryset
    group_field = offered.model._meta.get_field(group_by)
    group_model = group_field.related_model
    # The groups of the records on offer, each with how many: one query whether or not the
    # list is long enough to narrow, so the form's queries are the same either way.
    records = group_field.related_query_name()
    counted = list(
        _groups_of(group_model)
        .filter(**{f"{records}__in": offered.values("pk")})
        .annotate(on_offer=Count(records))
        .order_by(*group_model._meta.ordering or ["pk"])
    )
    total = sum(group.on_offer for group in counted)
    if total <= NARROW_ABOVE:
        return
    groups = [(str(group.pk), group_label(group)) for group in counted]
    key = f"{name}_from"
    if form.is_bound:
        data: Any = form.data
        sent = data.getlist(form.add_prefix(name)) if hasattr(data, "getlist") else data.get(name) or []
        chosen = [str(v) for v in sent if ROW_ID.fullmatch(str(v))]
        wanted = str(form.data.get(form.add_prefix(key), ""))
    else:
        initial = form.initial.get(name) or []
        chosen = [str(getattr(v, "pk", v)) for v in initial]
        wanted = str(form.initial.get(key, ""))
    first_group = groups[0][0] if groups else ""
    chosen_group = wanted if any(pk == wanted for pk, _ in groups) else first_group
    shown = copy.copy(field)
    shown.queryset = offered.filter(
        Q(pk__in=[int(pk) for pk in chosen]) | Q(**{group_by: chosen_group or None})
    )
    # The widget offers the shown records; the field, which checks what is sent, all of them.
    field.widget.choices = field.iterator(shown)
    field.narrowing = Narrowing(  # type: ignore[attr-defined]
        groups=groups, chosen_group=chosen_group, total=total, group_noun=group_noun
    )
