"""Forms for reports and the PCC's response, PEEL grades, monitoring phases, recommendations,
revisions of their target dates and their dated updates. Each refuses, with a written error
on the field, what the tracker cannot hold: closing without evidence, a target date before
the report was published, a grade outside its year's scale, an update dated in the future."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Q
from django.utils import timezone

from assurance.forms import RagFormMixin, VersionedModelForm, choices_from_values, narrow_long_choices
from delivery_plans.forms import offer_commitments
from delivery_plans.models import Commitment
from inspections.models import (
    ADEQUATE_FROM_YEAR,
    Concerns,
    Grade,
    MonitoringPhase,
    PeelGrade,
    Recommendation,
    RecommendationUpdate,
    Report,
    Source,
    Status,
    TargetDateRevision,
    grades_of_year,
)
from risks.models import Risk, RiskRegister

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def not_after_today(form, name: str, what: str) -> None:
    day = form.cleaned_data.get(name)
    today = timezone.localdate()
    if day is not None and day > today:
        form.add_error(name, f"{what} cannot be in the future: give today ({today:%-d %B %Y}) or earlier")


def not_before_publication(form, name: str, report: Report, what: str) -> None:
    day = form.cleaned_data.get(name)
    if day is not None and report.published_on and day < report.published_on:
        form.add_error(
            name,
            f"{what} cannot be before the report was published ({report.published_on:%-d %B %Y})",
        )


class ReportForm(VersionedModelForm):
    class Meta:
        model = Report
        fields = [
            "source",
            "inspection_type",
            "title",
            "published_on",
            "link",
            "concerns",
            "concerns_other",
            "response_required",
        ]
        widgets = {
            "published_on": DATE_INPUT,
            "source": forms.RadioSelect,
            "concerns": forms.RadioSelect,
            "title": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        cleaned = super().clean()
        source, kind = cleaned.get("source"), cleaned.get("inspection_type")
        if kind and source and source != Source.HMICFRS:
            self.add_error("inspection_type", "Only HMICFRS reports have an inspection type: leave it empty")
        if source == Source.HMICFRS and not kind:
            self.add_error("inspection_type", "Choose the type of HMICFRS inspection")
        if source == Source.HMICFRS and not cleaned.get("response_required"):
            # Section 55 is not optional: unticking it would lift the late response's block on publishing.
            self.add_error(
                "response_required",
                "HMICFRS reports need the PCC's response within 56 days "
                "(Police Act 1996, section 55): keep this ticked",
            )
        if cleaned.get("concerns") == Concerns.OTHER and not (cleaned.get("concerns_other") or "").strip():
            self.add_error("concerns_other", "Say which other bodies the report concerns, e.g. Home Office")
        not_after_today(self, "published_on", "The date published")
        published = cleaned.get("published_on")
        responded = self.instance.response_on
        if published and responded and responded < published:
            self.add_error(
                "published_on",
                f"The PCC's response is dated {responded:%-d %B %Y}: the report cannot be published after it",
            )
        if self.instance.pk is not None:
            self._keeps_what_the_report_holds(source, published)
        return cleaned

    def _keeps_what_the_report_holds(self, source, published) -> None:
        """An edit of the report may not break what its grades and items were checked against:
        the grading scale of its year, HMICFRS as the source of grades, its date as the
        earliest target."""
        report = self.instance
        grades = list(report.grades.all())
        if grades and source and source != Source.HMICFRS:
            self.add_error(
                "source", "The report has PEEL grades, which only HMICFRS gives: remove them first"
            )
        if published is None:
            return
        on_scale = grades_of_year(published.year)
        if any(g.grade not in on_scale for g in grades):
            self.add_error(
                "published_on",
                f"The report's grades include ‘Adequate’, a grade PEEL gives only from {ADEQUATE_FROM_YEAR}",
            )
        earliest = report.recommendations.order_by("original_target_date").first()
        if earliest is not None and earliest.original_target_date < published:
            self.add_error(
                "published_on",
                f"{earliest.ref} has a target date of {earliest.original_target_date:%-d %B %Y}: "
                "the report cannot be published after it",
            )


class ReportResponseForm(VersionedModelForm):
    """The PCC's statutory response: its date and link once made, or why it is late."""

    class Meta:
        model = Report
        fields = ["response_on", "response_link", "response_public", "late_explanation"]
        widgets = {"response_on": DATE_INPUT}

    def clean(self):
        cleaned = super().clean()
        report = self.instance
        not_after_today(self, "response_on", "The date of the response")
        not_before_publication(self, "response_on", report, "The response")
        if cleaned.get("response_public") and not cleaned.get("response_on"):
            self.add_error("response_public", "Give the date of the response before marking it published")
        if cleaned.get("response_link") and not cleaned.get("response_on"):
            self.add_error("response_on", "Give the date of the response the link is to")
        return cleaned


class PeelGradeForm(VersionedModelForm):
    class Meta:
        model = PeelGrade
        fields = ["area", "grade", "summary"]
        widgets = {"grade": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year = self.instance.report.published_on.year
        self.fields["grade"].help_text = (
            f"On the scale of {year}: "
            + ", ".join(Grade(g).label.lower() for g in grades_of_year(year))
            + "."
        )

    def clean_area(self):
        area = " ".join(self.cleaned_data["area"].split())
        taken = PeelGrade.objects.filter(report=self.instance.report, area__iexact=area).exclude(
            pk=self.instance.pk
        )
        if taken.exists():
            raise ValidationError(f"This report already grades {area}: edit that grade")
        return area

    def clean(self):
        cleaned = super().clean()
        report = self.instance.report
        if report.source != Source.HMICFRS:
            self.add_error(
                None,
                f"Only HMICFRS gives PEEL grades: this report is from {report.get_source_display().lower()}",
            )
        return cleaned

    def clean_grade(self):
        grade = self.cleaned_data["grade"]
        year = self.instance.report.published_on.year
        if grade not in grades_of_year(year):
            raise ValidationError(
                f"‘{Grade(grade).label}’ is on the PEEL scale only from {ADEQUATE_FROM_YEAR}: this report "
                f"was published in {year}, when the grades were outstanding, good, requires improvement "
                "and inadequate"
            )
        return grade


class MonitoringPhaseForm(VersionedModelForm):
    class Meta:
        model = MonitoringPhase
        fields = ["phase", "started_on", "ended_on", "notes"]
        widgets = {"phase": forms.RadioSelect, "started_on": DATE_INPUT, "ended_on": DATE_INPUT}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("started_on"), cleaned.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", "The phase cannot end before it starts")
        elif start:
            # A force is in one monitoring phase at a time: phases follow one another.
            others = MonitoringPhase.objects.filter(organisation=self.instance.organisation_id).exclude(
                pk=self.instance.pk
            )
            overlapping = others.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
            if end is not None:
                overlapping = overlapping.filter(started_on__lte=end)
            clash = overlapping.order_by("started_on").first()
            if clash is not None:
                until = f"{clash.ended_on:%-d %B %Y}" if clash.ended_on else "now"
                self.add_error(
                    "started_on",
                    f"The {clash.get_phase_display().lower()} phase from {clash.started_on:%-d %B %Y} "
                    f"to {until} covers these dates: end it first, or choose dates after it",
                )
        return cleaned


class RecommendationForm(RagFormMixin, VersionedModelForm):
    class Meta:
        model = Recommendation
        fields = [
            "ref",
            "kind",
            "text",
            "addressed_to",
            "owner_role",
            "original_target_date",
            "status",
            "rag",
            "rag_reason",
            "closing_evidence",
            "closure_agreed_by",
            "closed_on",
            "superseded_by",
            "visibility",
            "commitments",
            "risks",
        ]
        widgets = {
            "original_target_date": DATE_INPUT,
            "closed_on": DATE_INPUT,
            "kind": forms.RadioSelect,
            "status": forms.RadioSelect,
            "rag": forms.RadioSelect,
            "visibility": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        report = self.instance.report
        organisation = report.organisation
        self.fields["closed_on"].help_text = "Leave empty to close it today."
        superseded = self.fields["superseded_by"]
        superseded.queryset = (
            Report.objects.filter(organisation=organisation).exclude(pk=report.pk).order_by("-published_on")
        )
        superseded.empty_label = "Not superseded"
        self.fields["commitments"].widget.attrs["size"] = 10
        offer_commitments(self, "commitments", Commitment.objects.for_organisation(organisation))
        risks = self.fields["risks"]
        # The office's own registers and the joint ones it shares (a subquery: each risk once).
        risks.queryset = Risk.objects.filter(register__in=RiskRegister.objects.for_organisation(organisation))
        choices_from_values(
            risks,
            ["register__name", "ref", "title"],
            lambda register, ref, title: f"{register} {ref}: {title}"[:120],
        )
        risks.widget.attrs["size"] = 8
        narrow_long_choices(self, "risks", group_by="register", group_label=str, group_noun="register")
        if self.instance.pk is not None and self.instance.revisions.exists():
            self.fields["original_target_date"].disabled = True
            self.fields[
                "original_target_date"
            ].help_text = "Kept as first agreed: the target date has been revised since."

    def clean_ref(self):
        ref = self.cleaned_data["ref"].strip()
        taken = Recommendation.objects.filter(report=self.instance.report, ref__iexact=ref).exclude(
            pk=self.instance.pk
        )
        if taken.exists():
            raise ValidationError(f"{ref} is already an item of this report: choose another ref")
        return ref

    def clean(self):
        cleaned = super().clean()
        report = self.instance.report
        if "original_target_date" in self.changed_data:
            not_before_publication(self, "original_target_date", report, "The target date")
        status = cleaned.get("status")
        if status == Status.CLOSED:
            if not (cleaned.get("closing_evidence") or "").strip():
                self.add_error(
                    "closing_evidence",
                    "Give the closing evidence: say what shows the recommendation is met before closing it",
                )
            if not (cleaned.get("closure_agreed_by") or "").strip():
                self.add_error("closure_agreed_by", "Say who agreed the closure (a role or a board)")
            not_after_today(self, "closed_on", "The date closed")
            not_before_publication(self, "closed_on", report, "The date closed")
            if not cleaned.get("closed_on") and "closed_on" not in self.errors:
                cleaned["closed_on"] = timezone.localdate()
        else:
            # Reopening keeps the close date in the history, not on the item.
            cleaned["closed_on"] = None
        if status == Status.SUPERSEDED and not cleaned.get("superseded_by"):
            self.add_error("superseded_by", "Choose the later report that supersedes this item")
        later = cleaned.get("superseded_by")
        if later is not None and report.published_on and later.published_on < report.published_on:
            self.add_error(
                "superseded_by",
                f"‘{later}’ was published before this report ({later.published_on:%-d %B %Y}): "
                "choose the later report that supersedes this item",
            )
        if status != Status.SUPERSEDED and cleaned.get("superseded_by"):
            self.add_error("superseded_by", "Only a superseded item names the report that supersedes it")
        return cleaned


class TargetDateRevisionForm(VersionedModelForm):
    class Meta:
        model = TargetDateRevision
        fields = ["new_date", "reason", "dated", "agreed_by"]
        widgets = {"new_date": DATE_INPUT, "dated": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk is None and self.initial.get("dated") is None:
            # The model's empty value is in `initial` already: today is what an editor means.
            self.initial["dated"] = timezone.localdate()
        # A revision changes the recommendation too: remember the version of it the editor
        # read, so that a revision of a target someone has since moved is refused.
        self.fields["recommendation_version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        self.initial["recommendation_version"] = self.instance.recommendation.version

    def clean_recommendation_version(self):
        value = self.cleaned_data.get("recommendation_version")
        if value is None:
            raise ValidationError("This form is out of date: reload the page and try again.")
        return value

    def clean(self):
        cleaned = super().clean()
        recommendation = self.instance.recommendation
        if not recommendation.is_open:
            self.add_error(
                None, f"This item is {recommendation.get_status_display().lower()}: its target stays"
            )
        not_before_publication(self, "new_date", recommendation.report, "The new target date")
        not_after_today(self, "dated", "The date agreed")
        not_before_publication(self, "dated", recommendation.report, "The date agreed")
        dated = cleaned.get("dated")
        latest = (
            recommendation.revisions.exclude(pk=self.instance.pk)
            .order_by("-dated")
            .values_list("dated", flat=True)
        ).first()
        if dated and latest and dated < latest:
            # The timeline reads revisions in date order: each follows the last agreed.
            self.add_error(
                "dated",
                f"The last revision was agreed on {latest:%-d %B %Y}: this one cannot be agreed before it",
            )
        new = cleaned.get("new_date")
        if new and new == recommendation.target_date:
            self.add_error("new_date", f"The target date is already {new:%-d %B %Y}: give the new date")
        return cleaned


def _url_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class RecommendationUpdateForm(VersionedModelForm):
    class Meta:
        model = RecommendationUpdate
        fields = ["dated", "text", "evidence", "evidence_links"]
        widgets = {"dated": DATE_INPUT, "evidence_links": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk is None and self.initial.get("dated") is None:
            # The model's empty value is in `initial` already: today is what an editor means.
            self.initial["dated"] = timezone.localdate()

    def clean_evidence_links(self):
        lines = _url_lines(self.cleaned_data.get("evidence_links") or "")
        validate = URLValidator(schemes=["http", "https"])
        for n, line in enumerate(lines, start=1):
            try:
                validate(line)
            except ValidationError:
                raise ValidationError(
                    f"Link {n} (‘{line[:60]}’) is not a web address: give one link a line, starting https://"
                ) from None
        return "\n".join(lines)

    def clean(self):
        cleaned = super().clean()
        recommendation = self.instance.recommendation
        if recommendation.status in (Status.CLOSED, Status.SUPERSEDED):
            self.add_error(
                None,
                f"This item is {recommendation.get_status_display().lower()}: "
                "reopen it before recording an update",
            )
        not_after_today(self, "dated", "An update")
        not_before_publication(self, "dated", recommendation.report, "An update")
        return cleaned
