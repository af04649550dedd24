"""Forms of the delivery plan: plans, their objectives and delivery statuses, commitments, a
quarter's progress, measures and their values, and the oversight schedule grid."""

from django import forms
from django.db.models import Q
from django.utils import timezone

from assurance.forms import Form, RagFormMixin, VersionedModelForm, choices_from_values, narrow_long_choices
from assurance.models import Organisation, ReportingPeriod
from assurance.tables import LIMITS, TableUploadForm
from delivery_plans.models import (
    WITHHELD_NEEDS_REASON,
    Commitment,
    DeliveryStatus,
    Measure,
    MeasureValue,
    Objective,
    Plan,
    ProgressUpdate,
)
from delivery_plans.services import DEFAULT_STATUSES, MAX_STATUSES

# A browser's date picker reads and sends only ISO dates (2017-04-13), whatever the language of
# the page: the British 13/04/2017 would show as an empty field.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def offer_commitments(
    form: forms.BaseForm, name: str, commitments, *, within_plan: bool = False, grouped: bool = False
) -> None:
    """A form's choice among `commitments` (any area's form that links records to them): read
    as plain values, in plan order, and narrowed to one objective at a time when the list is
    long; `grouped` offers them under their objectives (for grouped checkboxes). Objectives are
    named with their plan unless the choice is `within_plan`."""
    field = form.fields[name]
    field.queryset = commitments.in_plan_order()
    objective_label = (lambda o: o.heading) if within_plan else (lambda o: o.heading_in_plan)
    grouping = {"group_by": "objective", "group_label": objective_label} if grouped else {}
    choices_from_values(field, ["ref", "text"], Commitment.label_of, **grouping)
    narrow_long_choices(form, name, group_by="objective", group_label=objective_label, group_noun="objective")


def plan_quarters(plan):
    """The quarters of a plan's term, oldest first."""
    return ReportingPeriod.objects.quarters().filter(
        start_year__gte=plan.start_year, start_year__lte=plan.end_year
    )


def plan_periods(plan):
    """The financial years and quarters of a plan's term, oldest first (each year before its quarters)."""
    return ReportingPeriod.objects.filter(start_year__gte=plan.start_year, start_year__lte=plan.end_year)


def financial_year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def _long_date(day) -> str:
    return f"{day:%-d %B %Y}"


def unique_in_plan(form: forms.ModelForm, name: str, message: str) -> str:
    """A field's value, refused when another record of the plan has it already, ignoring
    capitals. The plan is not a field of these forms, so Django would not check the (plan,
    value) constraint, and the database would refuse the save."""
    value = form.cleaned_data[name].strip()
    others = form._meta.model._default_manager.filter(plan=form.instance.plan).exclude(pk=form.instance.pk)
    if others.filter(**{f"{name}__iexact": value}).exists():
        raise forms.ValidationError(message.format(value))
    return value


class FinancialYearField(forms.Field):
    """A financial year as people write it (2016/17, 2016-17, or its first year, 2016), kept as
    its start year."""

    widget = forms.TextInput(attrs={"class": "govuk-input--width-5", "maxlength": "9"})

    def prepare_value(self, value):
        return financial_year_label(value) if isinstance(value, int) else value

    def to_python(self, value):
        text = str(value if value is not None else "").strip()
        if not text:
            return None
        try:
            year, quarter = ReportingPeriod.parse(text)
        except ValueError:
            raise forms.ValidationError(
                f"Write a financial year such as 2016/17, not ‘{text[:20]}’"
            ) from None
        if quarter is not None:
            raise forms.ValidationError("Give a financial year, such as 2016/17, not a quarter")
        if not 2000 <= year <= 2099:
            raise forms.ValidationError("Give a financial year from 2000/01 to 2099/00")
        return year


class PlanForm(VersionedModelForm):
    start_year = FinancialYearField(label="First year of the plan", help_text="For example, 2016/17")
    end_year = FinancialYearField(label="Last year of the plan", help_text="For example, 2020/21")

    class Meta:
        model = Plan
        fields = ["title", "owner", "organisations", "start_year", "end_year"]
        labels = {"owner": "Kept by", "organisations": "Areas it covers"}
        help_texts = {
            "owner": "The OPCC that keeps the plan.",
            "organisations": (
                "An alliance plan covers more than one area; the office that keeps it is always covered."
            ),
        }
        widgets = {"organisations": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        opccs = Organisation.objects.filter(kind=Organisation.Kind.OPCC)
        self.fields["owner"].queryset = opccs
        self.fields["organisations"].queryset = opccs
        self.fields["organisations"].required = False

    def clean(self):
        cleaned = super().clean()
        owner, title = cleaned.get("owner"), cleaned.get("title")
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if owner and title:
            same = Plan.objects.filter(owner=owner, title__iexact=title).exclude(pk=self.instance.pk)
            if same.exists():
                self.add_error("title", f"{owner.short_name} already keeps a plan called ‘{title}’")
        if start is not None and end is not None:
            if end < start:
                self.add_error("end_year", "The last year cannot be before the first year")
            elif self.instance.pk is not None:
                self._check_term_holds_the_plan(start, end)
        if owner is not None and "organisations" in cleaned:
            cleaned["organisations"] = list({o.pk: o for o in [owner, *cleaned["organisations"]]}.values())
        return cleaned

    def _check_term_holds_the_plan(self, start: int, end: int) -> None:
        """A shorter term must still hold what the plan already records."""
        plan = self.instance
        outside = Q(period__start_year__lt=start) | Q(period__start_year__gt=end)
        term = Plan(start_year=start, end_year=end)
        first, last = term.start_date, term.end_date
        problems = [
            (ProgressUpdate.objects.filter(commitment__plan=plan).filter(outside).count(), "progress update"),
            (MeasureValue.objects.filter(measure__plan=plan).filter(outside).count(), "measure value"),
            (
                plan.commitments.filter(Q(target_date__lt=first) | Q(target_date__gt=last)).count(),
                "commitment target date",
            ),
        ]
        for count, what in problems:
            if count:
                self.add_error(
                    "start_year" if start > plan.start_year else "end_year",
                    f"{count} {what}{'s' if count > 1 else ''} of this plan would fall outside "
                    f"{financial_year_label(start)} to {financial_year_label(end)}: change them first",
                )


class PlanCreateForm(PlanForm):
    statuses = forms.CharField(
        label="Delivery statuses",
        widget=forms.Textarea(attrs={"rows": 5}),
        initial="\n".join(name for name, *_ in DEFAULT_STATUSES),
        error_messages={"required": "Give at least one delivery status"},
        help_text=(
            "One a line, in order, as the plan names them (for example Proposed, Current, Completed). "
            "A status called Completed, Complete, Delivered or Achieved counts as completed. "
            "They can be changed later on the plan's statuses page."
        ),
    )

    def clean_statuses(self):
        names = [line.strip() for line in self.cleaned_data["statuses"].splitlines() if line.strip()]
        if not names:
            raise forms.ValidationError("Give at least one delivery status")
        if len(names) > MAX_STATUSES:
            raise forms.ValidationError(f"A plan may have at most {MAX_STATUSES} delivery statuses")
        long = [n for n in names if len(n) > DeliveryStatus._meta.get_field("name").max_length]
        if long:
            raise forms.ValidationError(f"‘{long[0][:50]}…’ is too long for a status: at most 40 characters")
        lowered = [n.lower() for n in names]
        twice = sorted({n for n in names if lowered.count(n.lower()) > 1})
        if twice:
            raise forms.ValidationError(f"{', '.join(twice)} is listed more than once")
        return names


class PlanFromFileForm(PlanCreateForm):
    """A new plan, with its objectives and commitments read from one file."""

    file = forms.FileField(label="File of the plan's commitments")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limits = LIMITS
        self.fields["file"].help_text = (
            f"A CSV or Excel (.xlsx) file of at most {LIMITS.size_label}: a row a commitment, "
            "naming its objective or section."
        )

    clean_file = TableUploadForm.clean_file


class ObjectiveForm(VersionedModelForm):
    class Meta:
        model = Objective
        fields = ["ref", "title", "short_name", "outcomes", "order"]
        labels = {"ref": "Ref"}
        widgets = {"title": forms.Textarea(attrs={"rows": 2}), "outcomes": forms.Textarea(attrs={"rows": 3})}

    def clean_ref(self):
        return unique_in_plan(self, "ref", "{} is already an objective of this plan: choose another ref")


class DeliveryStatusForm(VersionedModelForm):
    class Meta:
        model = DeliveryStatus
        fields = ["name", "order", "is_completed", "tone"]
        widgets = {"tone": forms.RadioSelect}

    def clean_name(self):
        name = unique_in_plan(self, "name", "This plan already has a status called ‘{}’")
        if self.instance.pk is None and self.instance.plan.statuses.count() >= MAX_STATUSES:
            raise forms.ValidationError(f"A plan may have at most {MAX_STATUSES} delivery statuses")
        return name

    def clean_is_completed(self):
        completed = self.cleaned_data["is_completed"]
        if self.instance.pk is not None and not completed:
            dated = self.instance.commitments.filter(completed_on__isnull=False)
            if dated.exists():
                refs = ", ".join(dated.order_by("sort_key").values_list("ref", flat=True)[:5])
                raise forms.ValidationError(
                    f"Commitments with this status give a date completed ({refs}): "
                    "clear their dates, or keep this status counting as completed"
                )
        return completed


class CommitmentForm(VersionedModelForm):
    class Meta:
        model = Commitment
        fields = [
            "objective",
            "ref",
            "kind",
            "text",
            "supporting_activity",
            "lead_officer",
            "sponsor",
            "owner",
            "target_date",
            "timescale",
            "status",
            "completed_on",
            "areas",
            "related",
            "oversight_mechanism",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "areas": forms.CheckboxSelectMultiple,
            "related": forms.SelectMultiple,
            "text": forms.Textarea(attrs={"rows": 3}),
            "status": forms.RadioSelect,
            "target_date": DATE_INPUT,
            "completed_on": DATE_INPUT,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plan = self.instance.plan
        self.fields["objective"].queryset = plan.objectives.all()
        self.fields["areas"].queryset = plan.organisations.all()
        self.fields[
            "related"
        ].help_text = (
            "Commitments this one refers to ('see 2.1 above'). Hold Ctrl (or Cmd) to choose more than one."
        )
        if self.instance.objective_id is not None and not self.is_bound:
            self.initial.setdefault("related_from", str(self.instance.objective_id))
        offer_commitments(self, "related", plan.commitments.exclude(pk=self.instance.pk), within_plan=True)
        status = self.fields["status"]
        status.queryset = plan.statuses.all()
        status.required = True
        status.empty_label = None
        status.error_messages["invalid_choice"] = "Choose one of this plan's delivery statuses"
        if self.instance.pk is None and not self.is_bound:
            self.initial.setdefault("status", plan.statuses.values_list("pk", flat=True).first())

    def clean_ref(self):
        return unique_in_plan(self, "ref", "{} is already a commitment of this plan: choose another ref")

    def clean_target_date(self):
        day = self.cleaned_data.get("target_date")
        plan = self.instance.plan
        if day is not None and not plan.start_date <= day <= plan.end_date:
            raise forms.ValidationError(
                f"The target date must be within the plan's term, {plan.term_dates_label}"
            )
        return day

    def clean(self):
        cleaned = super().clean()
        status, completed_on = cleaned.get("status"), cleaned.get("completed_on")
        if completed_on is not None:
            if status is not None and not status.is_completed:
                self.add_error(
                    "completed_on",
                    f"Only a completed commitment has a date completed: ‘{status}’ does not count "
                    "as completed",
                )
            elif completed_on > timezone.localdate():
                self.add_error("completed_on", "The date completed cannot be after today")
            elif completed_on < self.instance.plan.start_date:
                self.add_error(
                    "completed_on",
                    "The date completed cannot be before the plan starts "
                    f"({_long_date(self.instance.plan.start_date)})",
                )
        return cleaned


class ProgressUpdateForm(RagFormMixin, VersionedModelForm):
    class Meta:
        model = ProgressUpdate
        fields = ["period", "text", "rag", "rag_reason", "date"]
        widgets = {"rag": forms.RadioSelect, "date": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = plan_quarters(self.instance.commitment.plan)
        self.fields["period"].label = "Quarter"
        self.fields["rag"].choices = [c for c in self.fields["rag"].choices if c[0]]

    def clean(self):
        cleaned = super().clean()
        period = cleaned.get("period")
        date = cleaned.get("date")
        commitment = self.instance.commitment
        if period is not None and commitment.pk is not None:
            # One update per quarter: a second one would hide the first.
            clash = ProgressUpdate.objects.filter(commitment=commitment, period=period).exclude(
                pk=self.instance.pk
            )
            if clash.exists():
                self.add_error(
                    "period", f"{period} already has an update for this commitment: edit that one instead"
                )
        if period is not None and date is not None and date < period.start_date:
            self.add_error(
                "date", f"The date must be on or after the start of {period} ({period.start_date:%d %B %Y})"
            )
        today = timezone.localdate()
        if date is not None and date > today:
            self.add_error("date", f"The date must be today ({today:%d %B %Y}) or earlier")
        return cleaned


class WithheldFormMixin:
    """Withholding a figure needs a reason that can be published in its place."""

    def clean(self):
        cleaned = super().clean()  # type: ignore[misc]
        if cleaned.get("withheld") and not (cleaned.get("withheld_reason") or "").strip():
            self.add_error("withheld_reason", WITHHELD_NEEDS_REASON)  # type: ignore[attr-defined]
        return cleaned


class MeasureForm(WithheldFormMixin, VersionedModelForm):
    higher_is_better = forms.TypedChoiceField(
        label="Which way is better",
        choices=[(True, "Higher is better"), (False, "Lower is better")],
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Measure
        fields = [
            "objective",
            "name",
            "unit",
            "higher_is_better",
            "baseline",
            "target",
            "source",
            "order",
            "withheld",
            "withheld_reason",
        ]
        labels = {"objective": "Objective"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        objective = self.fields["objective"]
        objective.queryset = self.instance.plan.objectives.all()
        objective.empty_label = "None: a national police and crime measure"
        objective.help_text = "Leave as ‘None’ for a national police and crime measure."

    def clean_name(self):
        return unique_in_plan(self, "name", "This plan already has a measure called ‘{}’")


class MeasureValueForm(WithheldFormMixin, VersionedModelForm):
    class Meta:
        model = MeasureValue
        fields = ["period", "value", "note", "withheld", "withheld_reason"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plan = self.instance.measure.plan
        period = self.fields["period"]
        period.queryset = plan_periods(plan)
        period.help_text = f"A quarter or a whole year of the plan's term ({plan.term_label})."
        period.error_messages["invalid_choice"] = (
            f"Choose a period of the plan's term, {plan.term_label}; the period given is outside it"
        )

    def clean(self):
        cleaned = super().clean()
        period = cleaned.get("period")
        if cleaned.get("value") is None and not cleaned.get("withheld") and "value" not in self.errors:
            self.add_error("value", "Give the value, or withhold it with a reason")
        if period is not None:
            clash = MeasureValue.objects.filter(measure=self.instance.measure, period=period).exclude(
                pk=self.instance.pk
            )
            if clash.exists():
                self.add_error(
                    "period", f"{period} already has a value for this measure: edit that one instead"
                )
        return cleaned


class ScheduleForm(Form):
    """One financial year of the frequency-of-oversight grid: for each commitment and quarter,
    a tick and the body overseeing it. A year at a time keeps the number of fields well under
    what a request may carry (DATA_UPLOAD_MAX_NUMBER_FIELDS)."""

    fingerprint = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": "This page is out of date: reload it and make your changes again."},
    )

    def __init__(self, *args, commitments, quarters, **kwargs):
        super().__init__(*args, **kwargs)
        for commitment in commitments:
            for quarter in quarters:
                name = self.cell_name(commitment, quarter)
                where = f"{commitment.ref} in {quarter.label}"
                self.fields[name] = forms.BooleanField(required=False, label=f"Oversight of {where}")
                self.fields[f"{name}-body"] = forms.CharField(
                    required=False, max_length=200, label=f"Body overseeing {where}"
                )

    @staticmethod
    def cell_name(commitment, quarter) -> str:
        return f"c{commitment.pk}-p{quarter.pk}"

    def cell(self, commitment, quarter) -> dict:
        """What the grid shows in one cell: the tick and the body, as loaded or as submitted."""
        name = self.cell_name(commitment, quarter)
        tick, body = self[name], self[f"{name}-body"]
        return {
            "name": name,
            "id": tick.auto_id,
            "body_id": body.auto_id,
            "checked": bool(tick.value()),
            "body": body.value() or "",
            "errors": body.errors,
            "where": f"{commitment.ref} in {quarter.label}",
        }
