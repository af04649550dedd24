"""Staff pages of the inspection tracker: the tracker with its filters, counts and downloads,
the closedown timeline, the monthly review, reports with their grades and response, a
recommendation with its updates and revisions, PEEL grades over time, the forms for all of
it, import; and the public page of reports and the PCC's responses."""

import datetime
from dataclasses import replace

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from assurance.models import Organisation
from assurance.permissions import Access, access, in_scope_or_404
from assurance.scope import ScopedViewMixin, choose_organisation_or_404
from assurance.summaries import FirstRows, first_rows
from assurance.views import (
    ObjectDetailView,
    ObjectFormView,
    ObjectListView,
    TableImportView,
    table_template,
)
from assurance.writes import Links, StaleEdit
from inspections import selectors, services, tables
from inspections.filters import STILL_OPEN, RecommendationFilter, ReportFilter
from inspections.forms import (
    MonitoringPhaseForm,
    PeelGradeForm,
    RecommendationForm,
    RecommendationUpdateForm,
    ReportForm,
    ReportResponseForm,
    TargetDateRevisionForm,
)
from inspections.models import (
    MonitoringPhase,
    PeelGrade,
    Recommendation,
    RecommendationUpdate,
    Report,
    ResponseState,
    Status,
    TargetDateRevision,
)
from inspections.rows import ITEM_FIELDS, item_rows, with_revisions


def tracker_url(choice, **filters: str) -> str:
    """The tracker of the office in scope, filtered: where a summary's full list is."""
    return reverse("inspections:tracker") + "?" + urlencode([*choice.hidden_fields(), *filters.items()])


def reports_url(choice, **filters: str) -> str:
    return reverse("inspections:reports") + "?" + urlencode([*choice.hidden_fields(), *filters.items()])


def late_responses_summary(choice, today: datetime.date) -> FirstRows:
    """The first reports whose statutory response is late, with how many and the list of them."""
    yesterday = today - datetime.timedelta(days=1)
    return first_rows(
        selectors.late_responses(choice.organisation, today),
        full_list_url=reports_url(choice, response_due_by=yesterday.isoformat()),
    )


class TrackerView(ScopedViewMixin, ObjectListView):
    """Every recommendation, area for improvement and cause of concern of an office's reports,
    filtered in the database, with counts by status and RAG of what the filters find; downloads
    as CSV or Excel."""

    model = Recommendation
    filterset_class = RecommendationFilter
    template_name = "inspections/tracker.html"
    title = "Recommendation tracker"
    scope_period = None
    table = tables.RECOMMENDATIONS
    list_url_name = "inspections:tracker"
    export_url_name = "inspections:export"

    def get_queryset(self):
        organisation = self.scope_choice.organisation
        if organisation is None:
            return selectors.with_latest_update(Recommendation.objects.none())
        items = selectors.tracked(organisation, user=self.request.user)
        return selectors.with_latest_update(items.in_tracker_order()).select_related("report")

    def export_queryset(self, queryset):
        return queryset.prefetch_related(*selectors.prefetch_links())

    def paginate_queryset(self, queryset, page_size):
        # A page shows what its rows need, read as values: no records are made for it.
        return super().paginate_queryset(queryset.values(*ITEM_FIELDS, "last_updated"), page_size)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context["rows"] = item_rows(context["object_list"], today=today, text_length=110, report_length=80)
        filterset = context.get("filter")
        if filterset is not None and (not filterset.is_bound or filterset.is_valid()):
            context["counts"] = selectors.counts(filterset.qs)
        context["today"] = today
        if self.scope_choice.organisation is not None:
            context["late_responses"] = late_responses_summary(self.scope_choice, today)
        return context


def quarter_links(choice, quarter: dict) -> dict:
    """The tracker's lists of a quarter's open items: all, those revised and those overdue."""
    due = {
        "status": STILL_OPEN,
        "target_from": quarter["first"].isoformat(),
        "target_to": quarter["last"].isoformat(),
    }
    return {
        "url": tracker_url(choice, **due),
        "revised_url": tracker_url(choice, **due, revised="yes"),
        "overdue_url": tracker_url(choice, **due, overdue="yes"),
    }


@require_GET
@access(Access.EDIT)
def timeline(request):
    """The closedown timeline: how many open items are due to close in each quarter, and the
    first of those whose target has moved, each with its revisions and their reasons."""
    choice = choose_organisation_or_404(request)
    today = timezone.localdate()
    found = selectors.timeline(choice.organisation, user=request.user, today=today)
    revised = first_rows(
        found["revised"],
        total=found["revised_total"],
        full_list_url=tracker_url(choice, status=STILL_OPEN, revised="yes"),
    )
    quarters = [quarter | quarter_links(choice, quarter) for quarter in found["quarters"]]
    return render(
        request,
        "inspections/timeline.html",
        {
            "organisation": choice.organisation,
            "scope_form": choice.form,
            "scope_query": choice.query,
            "quarters": quarters,
            "open_total": found["open_total"],
            "overdue_total": found["overdue_total"],
            "revised": replace(revised, rows=with_revisions(item_rows(revised.rows, today=today))),
            "open_url": tracker_url(choice, status=STILL_OPEN),
        },
    )


# The years a monthly review can be asked for: those of policing's records.
MONTH_YEARS = (1990, 2100)


def _month(request) -> tuple[datetime.date | None, str]:
    text = request.GET.get("month", "").strip()
    if not text:
        return timezone.localdate().replace(day=1), ""
    problem = f"Give the month as year and month, such as 2016-12; ‘{text[:20]}’ is not one"
    try:
        month = datetime.datetime.strptime(text, "%Y-%m").date()  # noqa: DTZ007 - a month, not a moment
    except ValueError:
        return None, problem
    if not MONTH_YEARS[0] <= month.year <= MONTH_YEARS[1]:
        # The page links to the months either side, which must be dates too.
        return None, f"{problem} between {MONTH_YEARS[0]} and {MONTH_YEARS[1]}"
    return month, ""


@require_GET
@access(Access.EDIT)
def monthly_review(request):
    """The tracker as the office reviews it each month: how many items are due in the month,
    overdue and awaiting closure evidence, and the first of each, and the statutory responses
    due; each list's full length is on the tracker (or the list of reports)."""
    choice = choose_organisation_or_404(request)
    month, problem = _month(request)
    context = {
        "organisation": choice.organisation,
        "scope_form": choice.form,
        "scope_query": choice.query,
        "scope_hidden": choice.hidden_fields(),
        "problem": problem,
        "month_value": request.GET.get("month", "")[:20],
    }
    if month is None:
        return render(request, "inspections/monthly_review.html", context, status=400)
    today = timezone.localdate()
    review = selectors.monthly_review(choice.organisation, user=request.user, month=month)
    first, last, totals = review["first"], review["last"], review["totals"]
    before = (first - datetime.timedelta(days=1)).replace(day=1)
    after = last + datetime.timedelta(days=1)

    def summary(rows, total: int, url: str) -> FirstRows:
        found = first_rows(rows, total=total, full_list_url=url)
        return replace(found, rows=item_rows(found.rows, today=today))

    base = reverse("inspections:monthly_review") + "?"
    context |= {
        "month": first,
        "month_value": f"{first:%Y-%m}",
        "due": summary(
            review["due"],
            totals["due"],
            tracker_url(choice, status=STILL_OPEN, target_from=first.isoformat(), target_to=last.isoformat()),
        ),
        "overdue": summary(
            review["overdue"],
            totals["overdue"],
            tracker_url(
                choice, status=STILL_OPEN, target_to=(first - datetime.timedelta(days=1)).isoformat()
            ),
        ),
        "awaiting": summary(
            review["awaiting"], totals["awaiting"], tracker_url(choice, status=Status.AWAITING_CLOSURE)
        ),
        "responses": first_rows(
            review["responses"], full_list_url=reports_url(choice, response_due_by=last.isoformat())
        ),
        "previous_url": base + urlencode([*choice.hidden_fields(), ("month", f"{before:%Y-%m}")]),
        "next_url": base + urlencode([*choice.hidden_fields(), ("month", f"{after:%Y-%m}")]),
    }
    return render(request, "inspections/monthly_review.html", context)


class ReportListView(ScopedViewMixin, ObjectListView):
    model = Report
    filterset_class = ReportFilter
    template_name = "inspections/report_list.html"
    title = "Inspection and audit reports"
    scope_period = None

    def get_queryset(self):
        organisation = self.scope_choice.organisation
        if organisation is None:
            return Report.objects.none()
        return Report.objects.of(organisation).order_by("-published_on", "title")


class ReportDetailView(ObjectDetailView):
    model = Report
    template_name = "inspections/report_detail.html"

    def get_queryset(self):
        return Report.objects.select_related("organisation")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        context |= selectors.report_page(self.object, user=self.request.user, today=context["today"])
        return context


class ReportFormView(ObjectFormView):
    model = Report
    form_class = ReportForm
    template_name = "inspections/report_form.html"

    def get_queryset(self):
        return Report.objects.select_related("organisation")

    def get_initial_instance(self):
        choice = choose_organisation_or_404(self.request)
        return Report(organisation=choice.organisation)


class ReportResponseView(ObjectFormView):
    """Record the PCC's statutory response, or why it is late."""

    model = Report
    form_class = ReportResponseForm
    template_name = "inspections/response_form.html"
    success_message = "Response to ‘{object}’ saved"

    def get_queryset(self):
        return Report.objects.select_related("organisation")


class ReportChildFormView(ObjectFormView):
    """A record belonging to a report (a grade, a recommendation)."""

    def parent_report(self) -> Report:
        return in_scope_or_404(
            Report.objects.select_related("organisation"), self.request.user, pk=self.kwargs["report_pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["report"] = context["form"].instance.report
        return context


class PeelGradeFormView(ReportChildFormView):
    model = PeelGrade
    form_class = PeelGradeForm
    template_name = "inspections/child_form.html"

    def get_queryset(self):
        return PeelGrade.objects.select_related("report__organisation")

    def get_initial_instance(self):
        return PeelGrade(report=self.parent_report())

    def get_success_url_for(self, obj) -> str:
        return obj.report.get_absolute_url()


class RecommendationFormView(ReportChildFormView):
    model = Recommendation
    form_class = RecommendationForm
    template_name = "inspections/recommendation_form.html"

    def get_queryset(self):
        return Recommendation.objects.visible_to(self.request.user).select_related("report__organisation")

    def get_initial_instance(self):
        return Recommendation(report=self.parent_report())

    def save_record(self, form, *, links: Links):
        return services.recommendation_save(
            recommendation=form.instance,
            by=self.request.user,
            loaded_version=None if self.adding else form.cleaned_data["loaded_version"],
            links=links,
        )


class RecommendationDetailView(ObjectDetailView):
    """A recommendation: its timeline of updates and revisions, evidence, links and history."""

    model = Recommendation
    template_name = "inspections/recommendation_detail.html"

    def get_queryset(self):
        return Recommendation.objects.visible_to(self.request.user).select_related(
            "report__organisation", "superseded_by"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context |= selectors.recommendation_page(self.object)
        context["today"] = timezone.localdate()
        return context


class RecommendationChildFormView(ObjectFormView):
    """A record belonging to a recommendation (an update, a revision of its target date)."""

    template_name = "inspections/child_form.html"

    def get_queryset(self):
        visible = Recommendation.objects.visible_to(self.request.user).values("pk")
        return self.model._default_manager.filter(recommendation__in=visible).select_related(
            "recommendation__report__organisation"
        )

    def parent_recommendation(self) -> Recommendation:
        return in_scope_or_404(
            Recommendation.objects.visible_to(self.request.user).select_related("report__organisation"),
            self.request.user,
            pk=self.kwargs["recommendation_pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recommendation"] = context["form"].instance.recommendation
        context["report"] = context["recommendation"].report
        return context

    def get_success_url_for(self, obj) -> str:
        return obj.recommendation.get_absolute_url()


class RecommendationUpdateFormView(RecommendationChildFormView):
    model = RecommendationUpdate
    form_class = RecommendationUpdateForm
    success_message = "Update recorded"

    def get_initial_instance(self):
        return RecommendationUpdate(recommendation=self.parent_recommendation())


class TargetDateRevisionFormView(RecommendationChildFormView):
    """Revise the target date (new revisions only: a slip, once agreed, is the record)."""

    model = TargetDateRevision
    form_class = TargetDateRevisionForm
    success_message = "Target date revised"

    def get_initial_instance(self):
        return TargetDateRevision(recommendation=self.parent_recommendation())

    def save_record(self, form, *, links: Links):
        return services.recommendation_target_revise(
            revision=form.instance,
            by=self.request.user,
            loaded_version=form.cleaned_data["recommendation_version"],
        )

    def stale(self, form, stale: StaleEdit):
        """The recommendation moved since the form was opened: show it again, unsaved, with
        the target as it is now (409)."""
        recommendation = Recommendation.objects.select_related("report__organisation").get(
            pk=form.instance.recommendation_id
        )
        form.instance.recommendation = recommendation
        form.add_error(
            None,
            f"Someone changed {recommendation.ref} after you opened this form: its target date is now "
            f"{recommendation.target_date:%-d %B %Y}. "
            "Your revision was not saved: check it, then revise again.",
        )
        form.data = form.data.copy()
        form.data["recommendation_version"] = recommendation.version
        return render(self.request, self.template_name, self.get_context_data(form=form), status=409)


@require_GET
@access(Access.EDIT)
def grades(request):
    """An organisation's PEEL grades, each area over time, and its HMICFRS monitoring phases."""
    choice = choose_organisation_or_404(request)
    context = {
        "organisation": choice.organisation,
        "scope_form": choice.form,
        "scope_query": choice.query,
    } | selectors.grades_over_time(choice.organisation)
    return render(request, "inspections/grades.html", context)


class MonitoringPhaseFormView(ObjectFormView):
    model = MonitoringPhase
    form_class = MonitoringPhaseForm
    template_name = "inspections/child_form.html"

    def get_queryset(self):
        return MonitoringPhase.objects.select_related("organisation")

    def get_initial_instance(self):
        return MonitoringPhase(organisation=choose_organisation_or_404(self.request).organisation)

    def get_cancel_url(self, instance) -> str:
        return instance.get_absolute_url()


class ReportSet:
    """An office's reports as the import's parent: what the page is about and where it leads."""

    def __init__(self, organisation: Organisation):
        self.organisation = organisation

    def __str__(self) -> str:
        return f"Recommendation tracker of {self.organisation.short_name}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:tracker") + "?" + urlencode({"organisation": self.organisation.slug})


class RecommendationImportView(TableImportView):
    """Upload a CSV or XLSX of recommendations into an office's reports; rows name their report."""

    imports = {"recommendations": ("Recommendations", tables.RecommendationImport)}
    template_url_name = "inspections:import_template"

    def get_parent(self):
        return ReportSet(choose_organisation_or_404(self.request).organisation)

    def make_import(self, kind: str):
        return tables.RecommendationImport(organisation=self.parent.organisation, by=self.request.user)


@require_GET
@access(Access.EDIT)
def import_template(request, kind: str, fmt: str):
    if kind != "recommendations":
        raise Http404("No such template")
    return table_template(tables.RECOMMENDATIONS, fmt)


@require_GET
@access(Access.PUBLISHED)
def public_reports(request):
    """Reports of external scrutiny and the PCC's responses, as offices publish them: a
    response is shown only once marked public; recommendations are not shown here."""
    choice = choose_organisation_or_404(request, level=Access.PUBLISHED)
    reports = selectors.public_reports(choice.organisation)
    return render(
        request,
        "inspections/public.html",
        {
            "organisation": choice.organisation,
            "scope_form": choice.form,
            "reports": reports,
            "ResponseState": ResponseState,
        },
    )
