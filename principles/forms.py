from django import forms

from assurance.forms import RagFormMixin, VersionedModelForm
from assurance.models import Direction, Organisation, ReportingPeriod
from principles.models import Assessment, EvidenceItem, SubPrinciple

DERIVE = ""
DIRECTION_CHOICES = [(DERIVE, "Work it out from last year's rating"), *Direction.choices]


class AssessmentForm(RagFormMixin, VersionedModelForm):
    """Rate a sub-principle for a year. The Direction of Travel follows last year's rating
    unless the editor chooses one and says why."""

    direction_choice = forms.ChoiceField(
        label="Direction of Travel",
        choices=DIRECTION_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        help_text="Against last year's rating of this sub-principle.",
    )

    class Meta:
        model = Assessment
        fields = ["rag", "rag_reason", "direction_override_reason"]
        widgets = {"rag": forms.RadioSelect, "rag_reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rag"].choices = [c for c in self.fields["rag"].choices if c[0]]
        self.fields["direction_override_reason"].widget.attrs["rows"] = 2
        if self.instance.pk and self.instance.direction_overridden:
            self.initial["direction_choice"] = self.instance.direction
        # The order the editor reads them in: rating, reason, then direction.
        self.order_fields([*self.leading_fields(), "rag", "rag_reason", "direction_choice"])

    def leading_fields(self) -> list[str]:
        return []

    def key(self) -> tuple[int | None, int | None, ReportingPeriod | None]:
        return self.instance.owner_id, self.instance.sub_principle_id, getattr(self.instance, "year", None)

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("direction_choice") or DERIVE
        reason = (cleaned.get("direction_override_reason") or "").strip()
        if choice != DERIVE and not reason:
            self.add_error("direction_override_reason", "Give a reason for choosing the Direction of Travel")
        elif choice == DERIVE and reason:
            self.add_error("direction_choice", "Choose the Direction of Travel you are giving a reason for")
        owner_id, sub_principle_id, year = self.key()
        rag = cleaned.get("rag")
        if choice != DERIVE:
            self.instance.direction = choice
        elif rag and owner_id and sub_principle_id and year is not None:
            previous = (
                Assessment.objects.filter(
                    owner_id=owner_id,
                    sub_principle_id=sub_principle_id,
                    year__start_year=year.start_year - 1,
                    year__quarter__isnull=True,
                )
                .values_list("rag", flat=True)
                .first()
            )
            self.instance.direction = Direction.between(previous, rag)
        return cleaned


class AssessmentCreateForm(AssessmentForm):
    """Add one assessment, for a year that was not started from the year before."""

    class Meta(AssessmentForm.Meta):
        fields = ["owner", "sub_principle", "year", *AssessmentForm.Meta.fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Organisation.objects.filter(kind=Organisation.Kind.OPCC)
        self.fields["sub_principle"].queryset = SubPrinciple.objects.select_related("principle")
        self.fields["year"].queryset = ReportingPeriod.objects.years()

    def leading_fields(self) -> list[str]:
        return ["owner", "sub_principle", "year"]

    def key(self):
        data = self.cleaned_data
        owner, sub, year = data.get("owner"), data.get("sub_principle"), data.get("year")
        return (owner.pk if owner else None, sub.pk if sub else None, year)

    def clean(self):
        cleaned = super().clean()
        owner, sub, year = cleaned.get("owner"), cleaned.get("sub_principle"), cleaned.get("year")
        if owner and sub and year:
            # On the field the editor can change, naming the record that is already there.
            if Assessment.objects.filter(owner=owner, sub_principle=sub, year=year).exists():
                self.add_error(
                    "sub_principle",
                    f"{owner.short_name} has already assessed {sub.ref} for {year.year_label}: "
                    "edit that assessment instead.",
                )
        return cleaned


class EvidenceItemForm(VersionedModelForm):
    class Meta:
        model = EvidenceItem
        fields = ["text", "link", "owner", "order", "visibility"]
        labels = {"text": "Evidence", "link": "Link", "owner": "Owner (role)"}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
