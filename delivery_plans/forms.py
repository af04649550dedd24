"""Forms for editing a commitment, adding a quarter's progress, and uploading a file."""

from django import forms
from django.utils import timezone

from assurance.forms import Form, RagFormMixin, VersionedModelForm
from assurance.models import ReportingPeriod
from delivery_plans.models import Commitment, ProgressUpdate


def plan_quarters(plan):
    """The quarters of a plan's term, oldest first."""
    return ReportingPeriod.objects.quarters().filter(
        start_year__gte=plan.start_year, start_year__lte=plan.end_year
    )


class CommitmentForm(VersionedModelForm):
    class Meta:
        model = Commitment
        fields = [
            "objective",
            "ref",
            "kind",
            "text",
            "supporting_activity",
            "areas",
            "related",
            "oversight_mechanism",
            "order",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "areas": forms.CheckboxSelectMultiple,
            "related": forms.SelectMultiple,
            "text": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plan = self.instance.plan
        self.fields["objective"].queryset = plan.objectives.all()
        self.fields["areas"].queryset = plan.organisations.all()
        self.fields["related"].queryset = plan.commitments.exclude(pk=self.instance.pk)

    def clean_ref(self):
        # The plan is not a form field, so the (plan, ref) constraint is checked here.
        ref = self.cleaned_data["ref"].strip()
        taken = Commitment.objects.filter(plan=self.instance.plan, ref__iexact=ref).exclude(
            pk=self.instance.pk
        )
        if taken.exists():
            raise forms.ValidationError(f"{ref} is already a commitment of this plan: choose another ref")
        return ref


class ProgressUpdateForm(RagFormMixin, VersionedModelForm):
    class Meta:
        model = ProgressUpdate
        fields = ["period", "text", "rag", "rag_reason", "date"]
        widgets = {
            "rag": forms.RadioSelect,
            # A browser's date picker reads and sends only ISO dates (2017-04-13), whatever the
            # language of the page: the British 13/04/2017 would show as an empty field.
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = plan_quarters(self.instance.commitment.plan)
        self.fields["period"].label = "Quarter"
        self.fields["rag"].choices = [c for c in self.fields["rag"].choices if c[0]]

    def clean(self):
        cleaned = super().clean()
        period = cleaned.get("period")
        date = cleaned.get("date")
        if period is not None:
            # One update per quarter: a second one would hide the first.
            clash = ProgressUpdate.objects.filter(commitment=self.instance.commitment, period=period).exclude(
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
