"""Edit forms for bodies, meetings, agenda items, actions and action updates."""

from django import forms

from assurance.forms import Form, VersionedModelForm
from assurance.models import Organisation, ReportingPeriod, Visibility, financial_year_of
from assurance.scope import ScopeChoiceField
from delivery_plans.forms import offer_commitments
from delivery_plans.models import Commitment, Objective, Plan
from meetings.models import Action, ActionUpdate, AgendaItem, Meeting, OversightBody

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CLOSED_PART_ACTION = "An action raised in the closed part of a meeting is restricted"
PART_CHOICES = [(Visibility.PUBLIC, "Open part"), (Visibility.RESTRICTED, "Closed part")]


class GroupedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes with a legend for each group of choices."""

    template_name = "meetings/widgets/grouped_checkboxes.html"

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        base = (attrs or {}).get("id")
        if base:
            # Numbered straight through, not per group, so the first box is `<id>_0`: where the
            # error summary links to.
            options = [option for _, group, _ in groups for option in group]
            for number, option in enumerate(options):
                option["attrs"]["id"] = f"{base}_{number}"
        return groups


class OversightBodyForm(VersionedModelForm):
    class Meta:
        model = OversightBody
        fields = [
            "owner",
            "name",
            "purpose",
            "objective",
            "frequency",
            "chair",
            "held_in_public",
            "notes_published",
            "holds_to_account",
            "organisations",
            "commitments",
        ]
        widgets = {"organisations": forms.CheckboxSelectMultiple, "commitments": GroupedCheckboxes}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = Objective.objects.select_related("plan")
        self.fields["objective"].empty_label = "Cross-cutting"
        self.fields["objective"].label_from_instance = lambda o: f"{o.plan}: {o.heading}"
        if self.instance.pk is None and not self.is_bound:
            self.initial.setdefault("owner", Organisation.objects.home())
        commitments = self.fields["commitments"]
        owner = self._owner()
        commitments.help_text = "The commitments of the owner's delivery plans that this body oversees."
        commitments.error_messages["invalid_choice"] = (
            "Choose commitments of the owner's delivery plans; %(value)s belongs to another plan."
        )
        if self.instance.objective_id is not None and not self.is_bound:
            self.initial.setdefault("commitments_from", str(self.instance.objective_id))
        # Under their objectives, so a long plan reads as it is printed.
        offered = Commitment.objects.for_organisation(owner) if owner else Commitment.objects.none()
        offer_commitments(self, "commitments", offered, grouped=True)

    def _owner(self) -> Organisation | None:
        """The owner the form is about: as submitted, else as saved or offered."""
        if self.is_bound:
            try:
                return self.fields["owner"].clean(self.data.get(self.add_prefix("owner")))
            except forms.ValidationError:
                return None
        if self.instance.owner_id is not None:
            return self.instance.owner
        owner = self.initial.get("owner")
        return owner if isinstance(owner, Organisation) else None

    def clean(self):
        cleaned = super().clean()
        owner, objective = cleaned.get("owner"), cleaned.get("objective")
        name = cleaned.get("name")  # the field has already stripped the spaces at its ends
        if owner and name:
            same = (
                OversightBody.objects.filter(owner=owner, name__iexact=name)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if same is not None:
                self.add_error(
                    "name",
                    f"{owner.short_name} already has a body called ‘{same.name}’ (names are compared "
                    "ignoring capitals): give this one another name, or edit that body.",
                )
        if (
            owner
            and objective
            and not Plan.objects.for_organisation(owner).filter(pk=objective.plan_id).exists()
        ):
            self.add_error(
                "objective", f"‘{objective.title}’ is an objective of another organisation's plan."
            )
        return cleaned


class MeetingForm(VersionedModelForm):
    class Meta:
        model = Meeting
        fields = ["date", "status", "ad_hoc", "summary"]
        widgets = {"date": DATE_INPUT, "status": forms.RadioSelect}

    def clean_date(self):
        day = self.cleaned_data["date"]
        if ReportingPeriod.objects.quarter_containing(day) is None:
            raise forms.ValidationError(
                f"No reporting period covers {day:%-d %B %Y}: "
                "give a date in a financial year the service reports on."
            )
        # The body is not a field of this form, so Django would not check the (body, date)
        # constraint and the database would refuse the save.
        clash = Meeting.objects.filter(body_id=self.instance.body_id, date=day).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                f"{self.instance.body} already has a meeting on {day:%-d %B %Y}: "
                "edit that meeting, or give another date."
            )
        return day


class AgendaItemForm(VersionedModelForm):
    visibility = forms.ChoiceField(
        label="Part of the meeting",
        choices=PART_CHOICES,
        widget=forms.RadioSelect,
        help_text="Closed-part items and their actions are restricted: they are never published.",
    )

    class Meta:
        model = AgendaItem
        fields = ["number", "title", "kind", "visibility", "objectives", "commitments", "outcome", "deferred"]
        widgets = {"kind": forms.RadioSelect, "objectives": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        meeting = self.instance.meeting
        owner = meeting.body.owner
        plans = Plan.objects.for_organisation(owner, year=financial_year_of(meeting.date))
        self.fields["objectives"].queryset = Objective.objects.filter(
            plan__in=plans.values("pk")
        ).select_related("plan")
        self.fields["objectives"].label_from_instance = lambda o: o.short_name or o.title
        commitments = self.fields["commitments"]
        commitments.error_messages["invalid_choice"] = (
            "Choose commitments of this organisation's delivery plan for the meeting's year; "
            "%(value)s belongs to another plan."
        )
        commitments.widget.attrs["size"] = 12
        offer_commitments(self, "commitments", Commitment.objects.filter(plan__in=plans.values("pk")))


class ActionForm(VersionedModelForm):
    visibility = forms.ChoiceField(
        label="Visibility",
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        help_text="Actions raised in the closed part are always restricted.",
    )

    class Meta:
        model = Action
        fields = [
            "description",
            "owner_role",
            "due_date",
            "status",
            "closed_on",
            "closing_note",
            "visibility",
        ]
        widgets = {"due_date": DATE_INPUT, "closed_on": DATE_INPUT, "status": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.item.is_restricted:
            # Shown, so the editor sees why, but not a choice: the closed part's actions never
            # leave the OPCC. A disabled field keeps its initial value whatever is posted.
            visibility = self.fields["visibility"]
            visibility.disabled = True
            visibility.help_text = f"{CLOSED_PART_ACTION}: it is never published."
            self.initial["visibility"] = Visibility.RESTRICTED
            self.instance.visibility = Visibility.RESTRICTED

    def clean(self):
        cleaned = super().clean()
        field = self.fields["visibility"]
        if field.disabled and self.data.get(self.add_prefix("visibility")) == Visibility.PUBLIC:
            # Posted from a page opened before the item moved into the closed part (or made
            # by hand): say so and save nothing, rather than report a change that was not made.
            self.add_error("visibility", f"{CLOSED_PART_ACTION}.")
        status, closed_on = cleaned.get("status"), cleaned.get("closed_on")
        if status == Action.Status.CLOSED:
            if not closed_on:
                self.add_error("closed_on", "Give the date the action was closed")
            if not (cleaned.get("closing_note") or "").strip():
                self.add_error("closing_note", "Say how the action was completed")
        elif closed_on:
            self.add_error("closed_on", "Only a closed action has a closing date: set the status to Closed")
        meeting_date = self.instance.item.meeting.date
        if closed_on and closed_on < meeting_date:
            self.add_error(
                "closed_on", f"The action cannot close before it was raised ({meeting_date:%-d %B %Y})"
            )
        return cleaned


class ActionUpdateForm(VersionedModelForm):
    class Meta:
        model = ActionUpdate
        fields = ["date", "text"]
        widgets = {"date": DATE_INPUT}

    def clean_date(self):
        day = self.cleaned_data["date"]
        raised = self.instance.action.item.meeting.date
        if day < raised:
            raise forms.ValidationError(
                f"An update cannot be dated before the action was raised ({raised:%-d %B %Y})"
            )
        return day


class BodyChoiceForm(Form):
    """Which of the organisation's bodies a page shows (a GET form, like the scope's)."""

    body = ScopeChoiceField(what="a body", label="Body")

    def __init__(self, *args, bodies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.bodies = {str(b.pk): b for b in bodies}
        self.fields["body"].choices = [(str(b.pk), b.name) for b in bodies]

    def chosen(self) -> OversightBody | None:
        return self.bodies.get(self.cleaned_data.get("body") or "")
