"""Pages of the delivery plan: plans, the overview by objective, commitments and their
quarterly updates, the oversight schedule, measures, and import and export."""

import hashlib
import json

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import ListView

from assurance.models import ReportingPeriod, financial_year_of
from assurance.permissions import Access, access, in_scope_or_404
from assurance.scope import ScopedViewMixin, choose_scope
from assurance.views import (
    AccessMixin,
    ObjectDetailView,
    ObjectFormView,
    ObjectListView,
    TableImportView,
    table_template,
)
from assurance.writes import RecordGone, RecordWrite, StaleEdit, StaleRecords, record_delete, records_save
from delivery_plans import selectors, tables
from delivery_plans.filters import CommitmentFilter
from delivery_plans.forms import CommitmentForm, ProgressUpdateForm, ScheduleForm, plan_quarters
from delivery_plans.models import Commitment, OversightScheduleEntry, Plan, ProgressUpdate


class PlanListView(ScopedViewMixin, AccessMixin, ListView):
    """The plans an organisation keeps or shares, with their terms and the areas they cover."""

    model = Plan
    template_name = "delivery_plans/plan_list.html"
    scope_period = None

    def get_queryset(self):
        organisation = self.scope_choice.organisation
        plans = Plan.objects.for_organisation(organisation) if organisation else Plan.objects.none()
        return plans.select_related("owner").prefetch_related("organisations")


@require_GET
@access(Access.EDIT)
def plan_overview(request, pk: int):
    """A plan by objective for one quarter (?period=2016-17-q3, by default the newest with
    updates): counts of each RAG, Red and Amber with their update."""
    plan = in_scope_or_404(Plan.objects.select_related("owner"), request.user, pk=pk)
    choice = choose_scope(
        request,
        organisation=plan.owner,
        periods=plan_quarters(plan),
        default_period=lambda organisation, periods: selectors.latest_period_of(plan),
    )
    period = choice.period
    context = {"plan": plan, "period": period, "scope_form": choice.form}
    if period is not None:
        context |= selectors.plan_quarter(plan, period)
    return render(request, "delivery_plans/plan_overview.html", context)


class CommitmentListView(ScopedViewMixin, ObjectListView):
    """The commitments an organisation answers for, filtered; downloads as CSV or Excel."""

    model = Commitment
    filterset_class = CommitmentFilter
    template_name = "delivery_plans/commitment_list.html"
    title = "Commitments"
    scope_period = None
    table = tables.COMMITMENTS
    list_url_name = "delivery_plans:list"
    export_url_name = "delivery_plans:export"

    def get_queryset(self):
        organisation = self.scope_choice.organisation
        if organisation is None:
            return Commitment.objects.none()
        return selectors.commitments_with_latest().filter(
            pk__in=Commitment.objects.applying_to(organisation).values("pk")
        )

    def export_queryset(self, queryset):
        return queryset.prefetch_related("related")


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
        return Commitment(
            plan=in_scope_or_404(Plan.objects.all(), self.request.user, pk=self.kwargs["plan_pk"])
        )


class ProgressUpdateFormView(ObjectFormView):
    model = ProgressUpdate
    form_class = ProgressUpdateForm
    template_name = "delivery_plans/progressupdate_form.html"

    def get_queryset(self):
        return ProgressUpdate.objects.select_related("commitment__plan")

    def get_initial_instance(self):
        commitment = in_scope_or_404(
            Commitment.objects.select_related("plan"), self.request.user, pk=self.kwargs["commitment_pk"]
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


def _current_year(organisation, periods: list[ReportingPeriod]):
    """The financial year under way, when it is in the plan's term; else the term's first."""
    today = financial_year_of(timezone.localdate())
    return next((p for p in periods if p.start_year == today), periods[0] if periods else None)


@require_http_methods(["GET", "POST"])
@access(Access.EDIT)
def schedule(request, pk: int):
    """The frequency-of-oversight grid, one financial year at a time (?period=2016-17):
    commitments by quarter, each tick with the body that oversees it. Only quarters already
    recorded are offered."""
    plan = in_scope_or_404(Plan.objects.select_related("owner"), request.user, pk=pk)
    all_quarters = list(plan_quarters(plan))
    years = [ReportingPeriod(start_year=y) for y in sorted({q.start_year for q in all_quarters})]
    choice = choose_scope(
        request, period="year", organisation=plan.owner, periods=years, default_period=_current_year
    )
    year = choice.period.start_year if choice.period else None
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
                    try:
                        with transaction.atomic():
                            _save_schedule(form, commitments, quarters, entries, by=request.user)
                    except (StaleRecords, StaleEdit, RecordGone):
                        pass  # changed meanwhile: shown as a conflict below
                    else:
                        messages.success(request, f"Oversight schedule for {quarters[0].year_label} saved")
                        return HttpResponseRedirect(
                            reverse("delivery_plans:schedule", args=[plan.pk]) + f"?{choice.query}"
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
            "scope_form": choice.form,
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


def _save_schedule(form, commitments, quarters, entries, *, by) -> None:
    """Additions and changes of body in one versioned bulk save, removals one by one, each in
    the history with its author."""
    writes, removed = [], []
    for commitment in commitments:
        for quarter in quarters:
            name = form.cell_name(commitment, quarter)
            ticked, body = form.cleaned_data[name], form.cleaned_data[f"{name}-body"].strip()
            entry = entries.get((commitment.pk, quarter.pk))
            if ticked and entry is None:
                new = OversightScheduleEntry(commitment=commitment, period=quarter, body_name=body)
                writes.append(RecordWrite(new))
            elif ticked and entry.body_name != body:
                entry.body_name = body
                writes.append(RecordWrite(entry, loaded_version=entry.version))
            elif not ticked and entry is not None:
                removed.append(entry)
    records_save(writes=writes, by=by)
    for entry in removed:
        record_delete(instance=entry, loaded_version=entry.version, by=by)


@require_GET
@access(Access.EDIT)
def measures(request, pk: int):
    """Measures of a plan, each with its trend drawn as SVG and its numbers in a table."""
    plan = in_scope_or_404(Plan.objects.all(), request.user, pk=pk)
    items = selectors.measures_of([plan])
    for measure in items:
        measure.value_rows = list(measure.values.all())
    return render(request, "delivery_plans/measures.html", {"plan": plan, "measures": items})


class PlanImportView(TableImportView):
    """Upload a CSV or XLSX of commitments or of a quarter's updates into a plan."""

    imports = {
        "commitments": ("Commitments", tables.CommitmentImport),
        "updates": ("A quarter's progress updates", tables.ProgressUpdateImport),
    }
    template_url_name = "delivery_plans:import_template"

    def get_parent(self):
        return in_scope_or_404(Plan.objects.all(), self.request.user, pk=self.kwargs["pk"])

    def make_import(self, kind: str):
        return self.imports[kind][1](plan=self.parent, by=self.request.user)


@require_GET
@access(Access.EDIT)
def import_template(request, kind: str, fmt: str):
    """An empty file with the columns an import expects."""
    if kind not in tables.TABLES:
        raise Http404("No such template")
    return table_template(tables.TABLES[kind], fmt)
