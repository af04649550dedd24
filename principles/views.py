"""Principles pages: the yearly overview, a principle, an assessment with its evidence,
editing, starting the next year, and the significant governance issues. Each page's
organisation and financial year come from ?organisation=<slug>&period=<year>, as everywhere."""

from django.contrib import messages
from django.db.models import Max, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from assurance.models import Organisation, ReportingPeriod
from assurance.permissions import Access, access, in_scope_or_404
from assurance.scope import ScopedViewMixin, offered_organisations, scope_query
from assurance.tables import table_response
from assurance.views import ObjectDeleteView, ObjectDetailView, ObjectFormView, ObjectListView
from assurance.writes import Links
from principles import services
from principles.filters import AssessmentFilter
from principles.forms import AssessmentCreateForm, AssessmentForm, EvidenceItemForm
from principles.models import Assessment, EvidenceItem, Framework, Principle
from principles.selectors import previous_year_by_sub_principle, significant_issues
from principles.services import YearStartRefused, year_start_next
from principles.tables import ISSUES


def _pk(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


class YearScopedMixin(ScopedViewMixin):
    """The principles are assessed yearly: the page's period is a financial year, by default
    the organisation's latest assessed year."""

    scope_period = "year"

    def scope_default_period(self, organisation, periods):
        latest = (
            Assessment.objects.filter(owner=organisation)
            .order_by("-year__start_year")
            .values_list("year", flat=True)
        ).first()
        return next((p for p in periods if p.pk == latest), None) or super().scope_default_period(
            organisation, periods
        )


class OverviewView(YearScopedMixin, ObjectListView):
    """A year's assessment, principle by principle, with the previous year beside it."""

    model = Assessment
    filterset_class = AssessmentFilter
    template_name = "principles/overview.html"
    title = "Governance principles"
    paginate_by = 100

    def get_queryset(self):
        choice = self.scope_choice
        if choice.organisation is None or choice.period is None:
            return Assessment.objects.none()
        return (
            Assessment.objects.with_framework()
            .filter(owner=choice.organisation, year=choice.period)
            .order_by(
                "sub_principle__principle__framework__name",
                "sub_principle__principle__order",
                "sub_principle__number",
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation, year = self.scope_choice.organisation, self.scope_choice.period
        if year is None:
            return context
        rows = list(context["object_list"])
        previous = previous_year_by_sub_principle(owner=organisation, year=year)
        for row in rows:
            row.previous_year = previous.get(row.sub_principle_id)
        next_start = year.start_year + 1
        context.update(
            rows=rows,
            previous_label=ReportingPeriod(start_year=year.start_year - 1).year_label,
            next_label=ReportingPeriod(start_year=next_start).year_label,
            next_started=Assessment.objects.filter(
                owner=organisation, year__start_year=next_start, year__quarter__isnull=True
            ).exists(),
        )
        return context


class FrameworkView(ObjectDetailView):
    model = Framework
    slug_field = "slug"
    template_name = "principles/framework_detail.html"

    def get_queryset(self):
        return Framework.objects.prefetch_related("principles__sub_principles")


class PrincipleView(YearScopedMixin, ObjectDetailView):
    """One principle: each sub-principle's expected behaviours and the year's rating."""

    model = Principle
    template_name = "principles/principle_detail.html"

    def get_queryset(self):
        return Principle.objects.select_related("framework")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        owner, year = self.scope_choice.organisation, self.scope_choice.period
        assessments = {
            a.sub_principle_id: a
            for a in Assessment.objects.filter(
                owner=owner, year=year, sub_principle__principle=self.object
            ).prefetch_related(Prefetch("evidence", queryset=EvidenceItem.objects.order_by("order", "pk")))
        }
        previous = previous_year_by_sub_principle(owner=owner, year=year)
        context["subs"] = [
            {"sub": sub, "assessment": assessments.get(sub.pk), "previous": previous.get(sub.pk)}
            for sub in self.object.sub_principles.all()
        ]
        return context


class AssessmentView(ObjectDetailView):
    """An assessment with its evidence; its history is one link away."""

    model = Assessment
    template_name = "principles/assessment_detail.html"

    def get_queryset(self):
        return Assessment.objects.with_framework()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["evidence"] = self.object.evidence.all()
        context["previous"] = self.object.previous()
        context["derived_direction"] = self.object.derived_direction()
        context["scope_query"] = scope_query(self.object.owner, self.object.year)
        return context


class AssessmentFormView(ObjectFormView):
    model = Assessment
    template_name = "principles/assessment_form.html"

    def get_queryset(self):
        return Assessment.objects.with_framework()

    def get_form_class(self):
        return AssessmentCreateForm if self.adding else AssessmentForm

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if "owner" in form.fields:
            form.fields["owner"].queryset = offered_organisations(self.request.user)
        return form

    def get_initial(self):
        initial = super().get_initial()
        if self.adding:
            # Reached from a page of an organisation's year: the add form starts from it.
            organisation = Organisation.objects.filter(slug=self.request.GET.get("organisation", "")).first()
            year = ReportingPeriod.objects.years().from_slug(self.request.GET.get("period", ""))
            initial.update(
                owner=organisation.pk if organisation else None,
                year=year.pk if year else None,
                sub_principle=_pk(self.request.GET.get("sub_principle")),
            )
        return initial

    def save_record(self, form, *, links: Links):
        loaded = None if self.adding else form.cleaned_data["loaded_version"]
        return services.assessment_save(
            assessment=form.instance, loaded_version=loaded, by=self.request.user, links=links
        )


class AssessmentDeleteView(ObjectDeleteView):
    model = Assessment
    success_url_name = "principles:list"


class EvidenceFormView(ObjectFormView):
    """Add evidence to an assessment (URL with `assessment`), or edit one item (with `pk`)."""

    model = EvidenceItem
    form_class = EvidenceItemForm
    template_name = "principles/evidence_form.html"

    def get_initial_instance(self):
        assessment = in_scope_or_404(
            Assessment.objects.all(), self.request.user, pk=self.kwargs["assessment"]
        )
        last = assessment.evidence.aggregate(last=Max("order"))["last"]
        return EvidenceItem(assessment=assessment, order=(last or 0) + 1)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["assessment"] = (self.object or context["form"].instance).assessment
        return context


class EvidenceDeleteView(ObjectDeleteView):
    model = EvidenceItem

    def get_success_url(self):
        return reverse("principles:detail", args=[self.object.assessment_id])


@require_POST
@access(Access.EDIT)
def start_next_year(request):
    """Copy a year's assessments and evidence into the next year, not rated, in one step."""
    owner = get_object_or_404(offered_organisations(request.user), slug=request.POST.get("organisation", ""))
    year = ReportingPeriod.objects.years().from_slug(request.POST.get("period", ""))
    if year is None:
        raise Http404("No such financial year")
    try:
        next_year, copied = year_start_next(owner=owner, year=year, by=request.user)
    except YearStartRefused as refused:
        messages.error(request, str(refused))
        return redirect(f"{reverse('principles:list')}?{scope_query(owner, year)}")
    messages.success(
        request,
        f"{next_year.year_label} started from {year.year_label}: {copied} sub-principles copied "
        "with their evidence, not yet rated.",
    )
    return redirect(f"{reverse('principles:list')}?{scope_query(owner, next_year)}")


class IssuesView(YearScopedMixin, TemplateView):
    """Significant governance issues: every Amber and Red sub-principle, for the AGS."""

    access = Access.EDIT
    template_name = "principles/issues.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        owner, year = self.scope_choice.organisation, self.scope_choice.period
        context["issues"] = significant_issues(owner=owner, year=year) if owner and year else []
        return context


class IssuesDownloadView(YearScopedMixin, TemplateView):
    """The significant governance issues as a spreadsheet-friendly CSV file; restricted
    evidence is labelled as such."""

    access = Access.EDIT

    def get(self, request, *args, **kwargs):
        owner, year = self.scope_choice.organisation, self.scope_choice.period
        issues = significant_issues(owner=owner, year=year) if owner and year else []
        name = f"significant-governance-issues-{year.slug if year else 'none'}"
        rows = ISSUES.export_rows(issues)
        return table_response(rows, "csv", name, sheet=ISSUES.sheet)
