"""Forms for registers, risks, their reviews, controls and actions, closing a risk, and an
organisation's risk matrix. Scores are checked against the owning organisation's matrix."""

from django import forms
from django.utils import timezone

from assurance.forms import VersionedModelForm
from assurance.models import Organisation
from delivery_plans.forms import offer_commitments
from delivery_plans.models import Commitment
from meetings.models import OversightBody
from risks.models import BAND_RAGS, Band, Risk, RiskAction, RiskCategory, RiskMatrix, RiskRegister, RiskReview

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SCORE_INPUT = forms.NumberInput(attrs={"class": "govuk-input--width-2", "inputmode": "numeric"})
# Up to this many bands: four named levels are usual, six leave room.
MAX_BANDS = 6


def check_score(form, name: str, matrix: RiskMatrix, what: str) -> None:
    """A likelihood or impact outside the matrix is an error on its field."""
    value = form.cleaned_data.get(name)
    if value is not None and not 1 <= value <= matrix.size:
        form.add_error(
            name,
            f"{what} must be from 1 to {matrix.size}: the {matrix.organisation.short_name} risk matrix "
            f"is {matrix.size} × {matrix.size}",
        )


def not_after_today(form, name: str, what: str) -> None:
    day = form.cleaned_data.get(name)
    today = timezone.localdate()
    if day is not None and day > today:
        form.add_error(name, f"{what} must be today ({today:%-d %B %Y}) or earlier")


class RiskRegisterForm(VersionedModelForm):
    class Meta:
        model = RiskRegister
        fields = ["owner", "name", "description", "organisations", "order"]
        widgets = {"organisations": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # The owner's matrix scores the risks: moving a register would re-score them all.
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = Organisation.objects.filter(kind=Organisation.Kind.OPCC)
            self.initial.setdefault("owner", Organisation.objects.home())
        self.fields["organisations"].queryset = Organisation.objects.filter(kind=Organisation.Kind.OPCC)

    def clean(self):
        cleaned = super().clean()
        owner = cleaned.get("owner") or (self.instance.owner if self.instance.owner_id else None)
        name = cleaned.get("name")
        if owner and name:
            same = RiskRegister.objects.filter(owner=owner, name__iexact=name).exclude(pk=self.instance.pk)
            if same.exists():
                self.add_error("name", f"{owner.short_name} already has a register called ‘{name}’")
        if owner and owner in (cleaned.get("organisations") or []):
            self.add_error(
                "organisations", "The owner keeps the register: share it with other organisations only"
            )
        return cleaned


class RiskForm(VersionedModelForm):
    class Meta:
        model = Risk
        fields = [
            "ref",
            "title",
            "description",
            "cause",
            "consequence",
            "owner_role",
            "category",
            "raised_on",
            "inherent_likelihood",
            "inherent_impact",
            "residual_likelihood",
            "residual_impact",
            "target_score",
            "target_date",
            "status",
            "visibility",
            "commitments",
            "bodies",
        ]
        widgets = {
            "raised_on": DATE_INPUT,
            "target_date": DATE_INPUT,
            "title": forms.Textarea(attrs={"rows": 2}),
            "inherent_likelihood": SCORE_INPUT,
            "inherent_impact": SCORE_INPUT,
            "residual_likelihood": SCORE_INPUT,
            "residual_impact": SCORE_INPUT,
            "target_score": SCORE_INPUT,
            "status": forms.RadioSelect,
            "visibility": forms.RadioSelect,
        }

    def __init__(self, *args, matrix: RiskMatrix | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        register = self.instance.register
        owner = register.owner
        self.matrix = matrix or RiskMatrix.objects.of(owner)
        size = self.matrix.size
        for name in ("inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact"):
            self.fields[name].help_text = f"{self.fields[name].help_text} From 1 to {size}.".strip()
        self.fields["target_score"].help_text += f" From 1 to {self.matrix.max_score}."
        self.fields["category"].queryset = RiskCategory.objects.filter(organisation=owner)
        self.fields["category"].empty_label = "No category"
        status = self.fields["status"]
        if self.instance.status != Risk.Status.CLOSED:
            # A risk is closed on its own page, with a closing note.
            status.choices = [c for c in status.choices if c[0] != Risk.Status.CLOSED]
        commitments = self.fields["commitments"]
        commitments.widget.attrs["size"] = 10
        commitments.error_messages["invalid_choice"] = (
            "Choose commitments of the register owner's delivery plans; %(value)s belongs to another plan."
        )
        offer_commitments(self, "commitments", Commitment.objects.for_organisation(owner))
        bodies = self.fields["bodies"]
        bodies.queryset = OversightBody.objects.for_organisation(owner).order_by("name")
        bodies.widget.attrs["size"] = 8
        if not self.is_bound and self.instance.pk is None:
            self.initial.setdefault("raised_on", timezone.localdate())

    def clean_ref(self):
        ref = self.cleaned_data["ref"].strip()
        taken = Risk.objects.filter(register=self.instance.register, ref__iexact=ref).exclude(
            pk=self.instance.pk
        )
        if taken.exists():
            raise forms.ValidationError(f"{ref} is already a risk of this register: choose another ref")
        return ref

    def clean(self):
        cleaned = super().clean()
        matrix = self.matrix
        check_score(self, "inherent_likelihood", matrix, "Inherent likelihood")
        check_score(self, "inherent_impact", matrix, "Inherent impact")
        check_score(self, "residual_likelihood", matrix, "Residual likelihood")
        check_score(self, "residual_impact", matrix, "Residual impact")
        not_after_today(self, "raised_on", "The date raised")
        target = cleaned.get("target_score")
        likelihood, impact = cleaned.get("residual_likelihood"), cleaned.get("residual_impact")
        if (
            target is not None
            and "residual_likelihood" not in self.errors
            and "residual_impact" not in self.errors
        ):
            if likelihood and impact and target > likelihood * impact:
                self.add_error(
                    "target_score",
                    f"The target score ({target}) cannot be above the residual score "
                    f"({likelihood * impact}): a target is what the further actions bring the risk down to",
                )
        if cleaned.get("target_date") and not target:
            self.add_error("target_score", "Give the target score the target date is for")
        if cleaned.get("status") != Risk.Status.CLOSED:
            # Reopening keeps the closing note in the history, not on the risk.
            self.instance.closed_on, self.instance.closing_note = None, ""
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        risk = self.instance
        risk.apply_rating(self.matrix)
        if risk.next_review_due is None and risk.raised_on:
            risk.next_review_due = self.matrix.next_review(risk.rag, risk.raised_on)


class RiskCloseForm(VersionedModelForm):
    class Meta:
        model = Risk
        fields = ["closed_on", "closing_note"]
        widgets = {"closed_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].required = True
        self.fields["closed_on"].label = "Date closed"
        self.fields["closing_note"].required = True
        self.fields["closing_note"].error_messages["required"] = (
            "Give a closing note: say why the risk no longer needs managing"
        )
        self.fields["closed_on"].error_messages["required"] = "Give the date the risk was closed"
        if not self.is_bound:
            self.initial.setdefault("closed_on", timezone.localdate())

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("closed_on")
        not_after_today(self, "closed_on", "The date closed")
        raised = self.instance.raised_on
        if day and day < raised:
            self.add_error("closed_on", f"A risk cannot close before it was raised ({raised:%-d %B %Y})")
        if self.instance.status == Risk.Status.CLOSED and not self.errors:
            self.add_error(None, "This risk is already closed")
        self.instance.status = Risk.Status.CLOSED
        return cleaned


class RiskReviewForm(VersionedModelForm):
    class Meta:
        model = RiskReview
        fields = ["date", "reviewer", "likelihood", "impact", "commentary", "next_review_date"]
        widgets = {
            "date": DATE_INPUT,
            "next_review_date": DATE_INPUT,
            "likelihood": SCORE_INPUT,
            "impact": SCORE_INPUT,
        }

    def __init__(self, *args, matrix: RiskMatrix | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        risk = self.instance.risk
        self.matrix = matrix or RiskMatrix.objects.of(risk.register.owner)
        size = self.matrix.size
        self.fields["likelihood"].help_text = f"With the controls in place, from 1 to {size}."
        self.fields["impact"].help_text = f"With the controls in place, from 1 to {size}."
        next_review = self.fields["next_review_date"]
        next_review.required = False
        next_review.help_text = (
            "Leave empty to use the date the rating proposes: a Red risk is reviewed every "
            f"{self.matrix.red_review_months} month(s), Amber every {self.matrix.amber_review_months}, "
            f"Green every {self.matrix.green_review_months}."
        )
        if not self.is_bound and self.instance.pk is None:
            self.initial.update(
                date=timezone.localdate(),
                likelihood=risk.residual_likelihood,
                impact=risk.residual_impact,
            )

    def clean(self):
        cleaned = super().clean()
        risk = self.instance.risk
        if risk.status == Risk.Status.CLOSED and self.instance.pk is None:
            self.add_error(None, "This risk is closed: reopen it (edit its status) before reviewing it again")
        check_score(self, "likelihood", self.matrix, "Likelihood")
        check_score(self, "impact", self.matrix, "Impact")
        not_after_today(self, "date", "The review date")
        day = cleaned.get("date")
        if day is not None and day < risk.raised_on:
            self.add_error(
                "date", f"A review cannot be dated before the risk was raised ({risk.raised_on:%-d %B %Y})"
            )
        if day is not None and "date" not in self.errors:
            others = risk.reviews.exclude(pk=self.instance.pk)
            if others.filter(date=day).exists():
                self.add_error("date", f"This risk already has a review on {day:%-d %B %Y}: edit that review")
            latest = others.order_by("-date").first()
            if self.instance.pk is None and latest is not None and day < latest.date:
                self.add_error(
                    "date",
                    f"The latest review is dated {latest.date:%-d %B %Y}: "
                    "a new review must be dated on or after it",
                )
        next_review = cleaned.get("next_review_date")
        if next_review is not None and day is not None and next_review <= day:
            self.add_error("next_review_date", "The next review must be after this review's date")
        return cleaned


class RiskActionForm(VersionedModelForm):
    class Meta:
        model = RiskAction
        fields = ["kind", "description", "owner_role", "due_date", "done_on"]
        widgets = {"kind": forms.RadioSelect, "due_date": DATE_INPUT, "done_on": DATE_INPUT}

    def clean(self):
        cleaned = super().clean()
        not_after_today(self, "done_on", "The date done")
        return cleaned


class RiskMatrixForm(VersionedModelForm):
    """The matrix and its score bands: each band from its lowest score up to the next one's."""

    class Meta:
        model = RiskMatrix
        fields = ["size", "red_review_months", "amber_review_months", "green_review_months"]
        widgets = {
            "size": forms.RadioSelect,
            "red_review_months": SCORE_INPUT,
            "amber_review_months": SCORE_INPUT,
            "green_review_months": SCORE_INPUT,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for rag in ("red", "amber", "green"):
            field = self.fields[f"{rag}_review_months"]
            field.min_value, field.max_value = 1, 24
            field.widget.attrs.update(min=1, max=24)
        bands = self.instance.band_list
        for i in range(MAX_BANDS):
            band = bands[i] if i < len(bands) else None
            n = i + 1
            self.fields[f"band_{i}_from"] = forms.IntegerField(
                label=f"Band {n}: lowest score", required=False, min_value=1, widget=SCORE_INPUT
            )
            self.fields[f"band_{i}_name"] = forms.CharField(
                label=f"Band {n}: name", required=False, max_length=40
            )
            self.fields[f"band_{i}_rag"] = forms.ChoiceField(
                label=f"Band {n}: RAG", required=False, choices=[("", "Choose")] + BAND_RAGS
            )
            if band is not None and not self.is_bound:
                self.initial.update(
                    {
                        f"band_{i}_from": band.lowest_score,
                        f"band_{i}_name": band.name,
                        f"band_{i}_rag": band.rag,
                    }
                )

    def band_rows(self):
        return [
            (self[f"band_{i}_from"], self[f"band_{i}_name"], self[f"band_{i}_rag"]) for i in range(MAX_BANDS)
        ]

    def clean(self):
        cleaned = super().clean()
        size = cleaned.get("size") or self.instance.size
        bands: list[Band] = []
        for i in range(MAX_BANDS):
            lowest, name = cleaned.get(f"band_{i}_from"), (cleaned.get(f"band_{i}_name") or "").strip()
            rag = cleaned.get(f"band_{i}_rag")
            if lowest is None and not name and not rag:
                continue
            if lowest is None:
                self.add_error(f"band_{i}_from", f"Give band {i + 1}'s lowest score")
            if not name:
                self.add_error(f"band_{i}_name", f"Give band {i + 1} a name, e.g. Low or High")
            if not rag:
                self.add_error(f"band_{i}_rag", f"Choose band {i + 1}'s RAG rating")
            if lowest is not None and lowest > size * size:
                self.add_error(
                    f"band_{i}_from",
                    f"Band {i + 1} starts at {lowest}, above the highest score of a "
                    f"{size} × {size} matrix ({size * size})",
                )
            if lowest is not None and bands and lowest <= bands[-1].lowest_score:
                self.add_error(
                    f"band_{i}_from",
                    f"Band {i + 1} must start above band {len(bands)} ({bands[-1].lowest_score})",
                )
            if lowest is not None and name and rag:
                bands.append(Band(lowest, name, rag))
        if not bands and not self.errors:
            self.add_error("band_0_from", "Give at least one band, starting at 1")
        elif bands and bands[0].lowest_score != 1 and not any(k.startswith("band_") for k in self.errors):
            self.add_error("band_0_from", "The first band must start at 1, so that every score has a rating")
        names = [b.name.lower() for b in bands]
        if len(set(names)) != len(names):
            self.add_error("band_0_name", "Give each band its own name")
        self.bands = bands
        return cleaned

    def has_changed(self):
        return super().has_changed() or self.instance.pk is None
