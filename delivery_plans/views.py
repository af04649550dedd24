"""Pages of the delivery plan: plans, the overview by objective, commitments and their
quarterly updates, the oversight schedule, measures, and import and export."""

import hashlib
import json

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import ListView

from assurance.models import ReportingPeriod
from assurance.permissions import Access, access
from assurance.views import AccessMixin, ObjectDetailView, ObjectFormView, ObjectListView
from delivery_plans import charts, selectors, spreadsheets
from delivery_plans.filters import CommitmentFilter
from delivery_plans.forms import (
    CommitmentForm,
    ImportForm,
    ProgressUpdateForm,
    ScheduleForm,
    plan_quarters,
)
from delivery_plans.models import Commitment, OversightScheduleEntry, Plan, ProgressUpdate


class PlanListView(AccessMixin, ListView):
    """Every plan, with its term and the areas it covers."""

    model = Plan
    template_name = "delivery_plans/plan_list.html"

    def get_queryset(self):
        return Plan.objects.select_related("owner").prefetch_related("organisations")


def _period_from_request(request, plan: Plan) -> ReportingPeriod | None:
    """The quarter asked for (?period=2016-17-q3), else the newest with updates."""
    label = request.GET.get("period")
    if label:
        try:
            year, quarter = ReportingPeriod.parse(label)
        except ValueError:
            raise Http404("No such quarter") from None
        period = ReportingPeriod.objects.filter(start_year=year, quarter=quarter).first()
        if period is None or quarter is None:
            raise Http404("No such quarter")
        return period
    return selectors.latest_period_of(plan)


@require_GET
@access(Access.EDIT)
def plan_overview(request, pk: int):
    """A plan by objective for one quarter: counts of each RAG, Red and Amber with their update."""
    plan = get_object_or_404(Plan.objects.select_related("owner"), pk=pk)
    period = _period_from_request(request, plan)
    context = {"plan": plan, "period": period, "quarters": list(plan_quarters(plan))}
    if period is not None:
        context |= selectors.plan_quarter(plan, period)
    return render(request, "delivery_plans/plan_overview.html", context)


class CommitmentListView(ObjectListView):
    model = Commitment
    filterset_class = CommitmentFilter
    template_name = "delivery_plans/commitment_list.html"
    title = "Commitments"

    def get_queryset(self):
        return selectors.commitments_with_latest()


class CommitmentDetailView(ObjectDetailView):
    """A commitment with every quarter's update as a timeline, newest first."""

    model = Commitment
    template_name = "delivery_plans/commitment_detail.html"

    def get_queryset(self):
        return Commitment.objects.select_related("plan", "objective").prefetch_related(
            "areas",
            "related",
            "referenced_by",
            "schedule__period",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["updates"] = self.object.updates.select_related("period", "author")
        return context


class CommitmentFormView(ObjectFormView):
    model = Commitment
    form_class = CommitmentForm

    def get_initial_instance(self):
        return Commitment(plan=get_object_or_404(Plan, pk=self.kwargs["plan_pk"]))


class ProgressUpdateFormView(ObjectFormView):
    model = ProgressUpdate
    form_class = ProgressUpdateForm
    template_name = "delivery_plans/progressupdate_form.html"

    def get_queryset(self):
        return ProgressUpdate.objects.select_related("commitment__plan")

    def get_initial_instance(self):
        commitment = get_object_or_404(
            Commitment.objects.select_related("plan"), pk=self.kwargs["commitment_pk"]
        )
        return ProgressUpdate(commitment=commitment, author=self.request.user)

    def get_initial(self):
        initial = super().get_initial()
        if self.adding:
            initial["date"] = timezone.localdate()
            initial["period"] = self._next_quarter()
        return initial

    def _next_quarter(self) -> ReportingPeriod | None:
        """The quarter after the commitment's latest update: usually the one being reported."""
        commitment = self.get_initial_instance().commitment
        quarters = list(plan_quarters(commitment.plan))
        latest = commitment.updates.select_related("period").first()
        if latest is None:
            return quarters[0] if quarters else None
        later = [
            q
            for q in quarters
            if (q.start_year, q.quarter) > (latest.period.start_year, latest.period.quarter)
        ]
        return later[0] if later else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["commitment"] = (self.object or self.get_form().instance).commitment
        return context


def _schedule_state(plan: Plan, quarters: list[ReportingPeriod]):
    """The plan's commitments, their entries in the given quarters, and a fingerprint of both:
    any tick, untick, change of body or commitment added or removed changes the fingerprint."""
    commitments = list(plan.commitments.select_related("objective"))
    entries = {
        (e.commitment_id, e.period_id): e
        for e in OversightScheduleEntry.objects.filter(commitment__plan=plan, period__in=quarters)
    }
    state = [sorted(c.pk for c in commitments), sorted((e.pk, e.version) for e in entries.values())]
    fingerprint = hashlib.sha256(json.dumps(state).encode()).hexdigest()[:32]
    return commitments, entries, fingerprint


def _schedule_year(request, years: list[int]) -> int | None:
    """The financial year asked for (?year=2016), else the current one within the term, else the first."""
    if not years:
        return None
    asked = request.GET.get("year")
    if asked is not None:
        if not asked.isdigit() or int(asked) not in years:
            raise Http404("No such year in the plan's term")
        return int(asked)
    today = timezone.localdate()
    current = today.year if today.month >= 4 else today.year - 1
    return current if current in years else years[0]


@require_http_methods(["GET", "POST"])
@access(Access.EDIT)
def schedule(request, pk: int):
    """The frequency-of-oversight grid, one financial year at a time: commitments by quarter,
    each tick with the body that oversees it. Only quarters already recorded are offered."""
    plan = get_object_or_404(Plan, pk=pk)
    all_quarters = list(plan_quarters(plan))
    years = sorted({q.start_year for q in all_quarters})
    year = _schedule_year(request, years)
    quarters = [q for q in all_quarters if q.start_year == year]
    commitments, entries, fingerprint = _schedule_state(plan, quarters)
    status, conflict = 200, ""
    if request.method == "POST" and year is not None:
        form = ScheduleForm(request.POST, commitments=commitments, quarters=quarters)
        if form.is_valid():
            with transaction.atomic():
                # One schedule save at a time per plan, so two cannot both pass the check below.
                Plan.objects.select_for_update().filter(pk=plan.pk).first()
                commitments, entries, fingerprint = _schedule_state(plan, quarters)
                if form.cleaned_data["fingerprint"] == fingerprint:
                    _save_schedule(form, commitments, quarters, entries)
                    messages.success(request, f"Oversight schedule for {quarters[0].year_label} saved")
                    return HttpResponseRedirect(
                        reverse("delivery_plans:schedule", args=[plan.pk]) + f"?year={year}"
                    )
            # Someone saved this year's schedule after the page was loaded: show theirs.
            form = ScheduleForm(
                initial=_schedule_initial(entries, fingerprint), commitments=commitments, quarters=quarters
            )
            conflict = (
                "Someone else changed this year's oversight schedule after you opened this page. "
                "Your changes were not saved: the grid below shows the schedule as it is now; "
                "make your changes again."
            )
            status = 409
        else:
            status = 400
    else:
        form = ScheduleForm(
            initial=_schedule_initial(entries, fingerprint), commitments=commitments, quarters=quarters
        )
    rows = [{"commitment": c, "cells": [form.cell(c, q) for q in quarters]} for c in commitments]
    return render(
        request,
        "delivery_plans/schedule.html",
        {
            "plan": plan,
            "form": form,
            "year": year,
            "years": [(y, ReportingPeriod(start_year=y).year_label) for y in years],
            "quarters": quarters,
            "rows": rows,
            "conflict": conflict,
        },
        status=status,
    )


def _schedule_initial(entries, fingerprint: str) -> dict:
    initial = {"fingerprint": fingerprint}
    for (commitment_id, period_id), entry in entries.items():
        initial[f"c{commitment_id}-p{period_id}"] = True
        initial[f"c{commitment_id}-p{period_id}-body"] = entry.body_name
    return initial


def _save_schedule(form, commitments, quarters, entries) -> None:
    """Each addition, change of body and removal saved one by one, so each is in the history."""
    for commitment in commitments:
        for quarter in quarters:
            name = form.cell_name(commitment, quarter)
            ticked, body = form.cleaned_data[name], form.cleaned_data[f"{name}-body"].strip()
            entry = entries.get((commitment.pk, quarter.pk))
            if ticked and entry is None:
                OversightScheduleEntry.objects.create(commitment=commitment, period=quarter, body_name=body)
            elif ticked and entry.body_name != body:
                entry.body_name = body
                entry.save()
            elif not ticked and entry is not None:
                entry.delete()


@require_GET
@access(Access.EDIT)
def measures(request, pk: int):
    """Measures of a plan, each with its trend drawn as SVG and its numbers in a table."""
    plan = get_object_or_404(Plan, pk=pk)
    items = selectors.measures_of([plan])
    for measure in items:
        measure.value_rows = list(measure.values.all())
        measure.chart = charts.trend_svg(measure.value_rows, title=measure.name)
    return render(request, "delivery_plans/measures.html", {"plan": plan, "measures": items})


@require_http_methods(["GET", "POST"])
@access(Access.EDIT)
def import_file(request, pk: int):
    """Upload a CSV or XLSX of commitments or updates; every row is checked before any is saved."""
    plan = get_object_or_404(Plan, pk=pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        result = spreadsheets.import_upload(
            plan=plan, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"], by=request.user
        )
        if result.ok:
            messages.success(request, result.summary)
            return HttpResponseRedirect(plan.get_absolute_url())
        row_errors = result.errors
        form.add_error("file", f"The file was not imported: {len(row_errors)} problem(s) found, listed below")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "delivery_plans/import.html",
        {"plan": plan, "form": form, "row_errors": row_errors, "max_rows": spreadsheets.MAX_ROWS},
        status=status,
    )


@require_GET
@access(Access.EDIT)
def import_template(request, kind: str, fmt: str):
    """An empty file with the columns an import expects."""
    if kind not in spreadsheets.COLUMNS or fmt not in ("csv", "xlsx"):
        raise Http404("No such template")
    return _download(spreadsheets.write([spreadsheets.COLUMNS[kind]], fmt), f"{kind}-template", fmt)


@require_GET
@access(Access.EDIT)
def export(request, fmt: str):
    """The commitment list as filtered, with each commitment's newest update."""
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format")
    filterset = CommitmentFilter(request.GET or None, queryset=selectors.commitments_with_latest())
    if filterset.is_bound and not filterset.is_valid():
        # Not a file of everything: the list page, with what is wrong with the filters. Its
        # filter form and links then lead to the list, not back here.
        request.path = reverse("delivery_plans:list")
        response = CommitmentListView.as_view()(request)
        response.status_code = 400
        return response
    queryset = filterset.qs if filterset.is_bound else filterset.queryset
    rows = spreadsheets.export_rows(queryset)
    return _download(spreadsheets.write(rows, fmt), "commitments", fmt)


def _download(content: bytes, name: str, fmt: str) -> HttpResponse:
    types = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    response = HttpResponse(content, content_type=types[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
