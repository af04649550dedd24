"""Principles pages: the yearly overview, a principle, an assessment with its evidence,
editing, starting the next year, and the significant governance issues."""

import csv
import datetime

from django.contrib import messages
from django.db.models import Max, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from assurance.errors import bad_request
from assurance.models import Organisation, ReportingPeriod
from assurance.permissions import Access, access
from assurance.views import ObjectDeleteView, ObjectDetailView, ObjectFormView, ObjectListView
from principles.filters import AssessmentFilter
from principles.forms import AssessmentCreateForm, AssessmentForm, EvidenceItemForm, ScopeForm
from principles.models import Assessment, EvidenceItem, Framework, Principle
from principles.selectors import previous_year_by_sub_principle, significant_issues
from principles.services import YearStartRefused, year_start_next


def _pk(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def chosen_owner_and_year(
    request,
) -> tuple[Organisation | None, ReportingPeriod | None, ScopeForm]:
    """The organisation and financial year asked for, else the home OPCC's latest assessed year.

    With the form that read them: when it has errors (a value not on its list) the
    organisation and year are None, and the page says what is wrong instead of showing
    another organisation's or year's assessment."""
    form = ScopeForm({name: request.GET.get(name, "").strip() for name in ("owner", "year")})
    if not form.is_valid():
        return None, None, form
    owner = form.cleaned_data["owner"] or Organisation.objects.home()
    year = form.cleaned_data["year"]
    if year is None and owner is not None:
        latest = (
            Assessment.objects.filter(owner=owner)
            .order_by("-year__start_year")
            .values_list("year", flat=True)
        ).first()
        year = ReportingPeriod.objects.filter(pk=latest).first() if latest else None
    if year is None:
        year = ReportingPeriod.objects.latest_by(
            datetime.date.today(), quarter=False
        ) or ReportingPeriod.for_date(datetime.date.today(), quarter=False)
    return owner, year, form


def scope_query(owner, year) -> str:
    return urlencode({"owner": owner.pk, "year": year.pk}) if owner and year else ""


class OverviewView(ObjectListView):
    """A year's assessment, principle by principle, with the previous year beside it."""

    model = Assessment
    filterset_class = AssessmentFilter
    template_name = "principles/overview.html"
    title = "Governance principles"
    paginate_by = 100

    def get_queryset(self):
        return Assessment.objects.with_framework().order_by(
            "sub_principle__principle__framework__name",
            "sub_principle__principle__order",
            "sub_principle__number",
        )

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if not self.filterset.is_valid():
            # The filter form shows what is wrong; the status says the request was not understood.
            response.status_code = 400
        return response

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        self.owner, self.year, _ = chosen_owner_and_year(self.request)
        data = self.request.GET.copy()
        for name, chosen in (("owner", self.owner), ("year", self.year)):
            # An empty or absent choice is the default; any other value is the filter's to judge.
            if chosen is not None and chosen.pk is not None and not data.get(name, "").strip():
                data[name] = str(chosen.pk)
        kwargs["data"] = data
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.filterset.is_valid():
            self.owner = self.year = None
            context.update(rows=[], owner=None, year=None, scope_query="")
            return context
        rows = list(context["object_list"])
        previous = previous_year_by_sub_principle(owner=self.owner, year=self.year)
        for row in rows:
            row.previous_year = previous.get(row.sub_principle_id)
        next_start = self.year.start_year + 1
        context.update(
            rows=rows,
            owner=self.owner,
            year=self.year,
            previous_label=ReportingPeriod(start_year=self.year.start_year - 1).year_label,
            next_label=ReportingPeriod(start_year=next_start).year_label,
            next_started=Assessment.objects.filter(
                owner=self.owner, year__start_year=next_start, year__quarter__isnull=True
            ).exists(),
            scope_query=scope_query(self.owner, self.year),
        )
        return context


class FrameworkView(ObjectDetailView):
    model = Framework
    slug_field = "slug"
    template_name = "principles/framework_detail.html"

    def get_queryset(self):
        return Framework.objects.prefetch_related("principles__sub_principles")


class PrincipleView(ObjectDetailView):
    """One principle: each sub-principle's expected behaviours and the year's rating."""

    model = Principle
    template_name = "principles/principle_detail.html"

    def get_queryset(self):
        return Principle.objects.select_related("framework")

    def get(self, request, *args, **kwargs):
        self.owner, self.year, scope = chosen_owner_and_year(request)
        if not scope.is_valid():
            # Reached by links that carry the organisation and year: a bad one is a bad link.
            return bad_request(request)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        owner, year = self.owner, self.year
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
        context.update(owner=owner, year=year, scope_query=scope_query(owner, year))
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
        return context


class AssessmentFormView(ObjectFormView):
    model = Assessment
    template_name = "principles/assessment_form.html"

    def get_queryset(self):
        return Assessment.objects.with_framework()

    def get_form_class(self):
        return AssessmentCreateForm if self.adding else AssessmentForm

    def get_initial(self):
        initial = super().get_initial()
        if self.adding:
            initial.update(
                {name: _pk(self.request.GET.get(name)) for name in ("owner", "sub_principle", "year")}
            )
        return initial


class AssessmentDeleteView(ObjectDeleteView):
    model = Assessment
    success_url_name = "principles:list"


class EvidenceFormView(ObjectFormView):
    """Add evidence to an assessment (URL with `assessment`), or edit one item (with `pk`)."""

    model = EvidenceItem
    form_class = EvidenceItemForm
    template_name = "principles/evidence_form.html"

    def get_initial_instance(self):
        assessment = get_object_or_404(Assessment, pk=self.kwargs["assessment"])
        last = assessment.evidence.aggregate(last=Max("order"))["last"]
        return EvidenceItem(assessment=assessment, order=(last or 0) + 1)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["assessment"] = (self.object or context["form"].instance).assessment
        return context

    def get_cancel_url(self) -> str:
        if self.adding:
            return reverse("principles:detail", args=[self.kwargs["assessment"]])
        return super().get_cancel_url()


class EvidenceDeleteView(ObjectDeleteView):
    model = EvidenceItem

    def get_success_url(self):
        return reverse("principles:detail", args=[self.object.assessment_id])


@require_POST
@access(Access.EDIT)
def start_next_year(request):
    """Copy a year's assessments and evidence into the next year, not rated, in one step."""
    owner = get_object_or_404(Organisation, pk=_pk(request.POST.get("owner")))
    year = get_object_or_404(ReportingPeriod.objects.years(), pk=_pk(request.POST.get("year")))
    try:
        next_year, copied = year_start_next(owner=owner, year=year)
    except YearStartRefused as refused:
        messages.error(request, str(refused))
        return redirect(f"{reverse('principles:list')}?{scope_query(owner, year)}")
    messages.success(
        request,
        f"{next_year.year_label} started from {year.year_label}: {copied} sub-principles copied "
        "with their evidence, not yet rated.",
    )
    return redirect(f"{reverse('principles:list')}?{scope_query(owner, next_year)}")


class IssuesView(TemplateView):
    """Significant governance issues: every Amber and Red sub-principle, for the AGS."""

    access = Access.EDIT
    template_name = "principles/issues.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        return self.render_to_response(context, status=400 if context["form"].errors else 200)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        owner, year, form = chosen_owner_and_year(self.request)
        if form.is_valid():
            form = ScopeForm(initial={"owner": owner, "year": year})
            # Offer the years this organisation has assessed, and the one shown.
            form.fields["year"].queryset = (
                ReportingPeriod.objects.years()
                .filter(Q(principle_assessments__owner=owner) | Q(pk=year.pk))
                .distinct()
                .order_by("-start_year")
            )
        context.update(
            owner=owner,
            year=year,
            form=form,
            issues=significant_issues(owner=owner, year=year) if year else [],
            scope_query=scope_query(owner, year),
        )
        return context


@access(Access.EDIT)
def issues_csv(request):
    """The significant governance issues as a spreadsheet-friendly CSV file."""
    owner, year, scope = chosen_owner_and_year(request)
    if not scope.is_valid():
        # Not another year's file: the issues page, with what is wrong with the choice.
        request.path = reverse("principles:issues")
        return IssuesView.as_view()(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"significant-governance-issues-{year.slug}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(["Ref", "Principle", "Sub-principle", "RAG", "Reason", "Direction of Travel", "Evidence"])
    for issue in significant_issues(owner=owner, year=year):
        writer.writerow(
            [
                safe_cell(issue.sub_principle.ref),
                safe_cell(issue.sub_principle.principle.title),
                safe_cell(issue.sub_principle.title),
                issue.get_rag_display(),
                safe_cell(issue.rag_reason),
                issue.get_direction_display(),
                safe_cell("\n".join(item.text for item in issue.evidence.all())),
            ]
        )
    return response


def safe_cell(text: str) -> str:
    """Stop a spreadsheet from running text that looks like a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
