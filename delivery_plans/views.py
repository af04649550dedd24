"""Pages of the delivery plan: plans and their objectives and delivery statuses, the overview
by objective with its counts, commitments and their quarterly updates, the oversight schedule,
measures and their values, and import and export."""

import hashlib
import json
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, Max
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import ListView

from assurance.models import Organisation, ReportingPeriod, financial_year_of
from assurance.permissions import Access, access, in_scope_or_404
from assurance.scope import ScopedViewMixin, choose_scope, latest_by_today, offered_organisations
from assurance.tables import ImportResult
from assurance.views import (
    AccessMixin,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectFormView,
    ObjectListView,
    TableImportView,
    table_template,
    table_templates,
)
from assurance.writes import (
    Links,
    RecordGone,
    RecordWrite,
    StaleEdit,
    StaleRecords,
    record_delete,
    records_save,
)
from delivery_plans import selectors, services, tables
from delivery_plans.filters import CommitmentFilter
from delivery_plans.forms import (
    CommitmentForm,
    DeliveryStatusForm,
    MeasureForm,
    MeasureValueForm,
    ObjectiveForm,
    PlanCreateForm,
    PlanForm,
    PlanFromFileForm,
    ProgressUpdateForm,
    ScheduleForm,
    plan_periods,
    plan_quarters,
)
from delivery_plans.models import (
    Commitment,
    DeliveryStatus,
    Measure,
    MeasureValue,
    Objective,
    OversightScheduleEntry,
    Plan,
    ProgressUpdate,
)


class PlanListView(ScopedViewMixin, AccessMixin, ListView):
    """The plans an organisation keeps or shares, with their terms and the areas they cover."""

    model = Plan
    template_name = "delivery_plans/plan_list.html"
    scope_period = None

    def get_queryset(self):
        organisation = self.scope_choice.organisation
        plans = Plan.objects.for_organisation(organisation) if organisation else Plan.objects.none()
        return plans.select_related("owner").prefetch_related("organisations")


# -- plans ------------------------------------------------------------------------------------


class PlanFormView(ObjectFormView):
    """Add a plan (with its delivery statuses) or edit one: its title, who keeps it, the areas
    it covers and the years of its term."""

    model = Plan
    template_name = "delivery_plans/plan_form.html"

    def get_form_class(self):
        return PlanCreateForm if self.adding else PlanForm

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        # An office keeps its own plans; the areas they cover may be any office's.
        form.fields["owner"].queryset = offered_organisations(self.request.user)
        return form

    def get_initial(self):
        initial = super().get_initial()
        if self.adding:
            # The office whose plans the editor was looking at, else the home OPCC.
            slug = self.request.GET.get("organisation", "")
            owner = Organisation.objects.filter(slug=slug, kind=Organisation.Kind.OPCC).first()
            initial["owner"] = owner or Organisation.objects.home()
            # The year under way, for a term of four years: a Commissioner's term.
            initial["start_year"] = financial_year_of(timezone.localdate())
            initial["end_year"] = initial["start_year"] + 3
        return initial

    def get_cancel_url(self, instance) -> str:
        return self.object.get_absolute_url() if self.object else reverse("delivery_plans:plans")

    def save_record(self, form, *, links: Links):
        if self.adding:
            return services.plan_create(
                plan=form.instance, by=self.request.user, links=links, statuses=form.cleaned_data["statuses"]
            )
        return super().save_record(form, links=links)


class ImportRefused(Exception):
    def __init__(self, result: ImportResult):
        self.result = result


class PlanFromFileView(PlanFormView):
    """A new plan whose objectives and commitments come from one file, all or nothing."""

    template_name = "delivery_plans/plan_from_file.html"
    success_message = "Plan ‘{object}’ made from the file"

    def get_form_class(self):
        return PlanFromFileForm

    def save_record(self, form, *, links: Links):
        with transaction.atomic():
            plan = super().save_record(form, links=links)
            result = tables.NewPlanImport(plan=plan, by=self.request.user).run_upload(
                form.cleaned_data["file"]
            )
            if not result.ok:
                raise ImportRefused(result)  # and the plan goes with it
        messages.info(self.request, result.summary)
        return plan

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ImportRefused as refused:
            form.add_error(
                "file",
                f"The plan was not made: {len(refused.result.errors)} problem(s) in the file, listed below",
            )
            context = self.get_context_data(form=form, row_errors=refused.result.errors)
            return render(self.request, self.template_name, context, status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["templates"] = table_templates(
            {"commitments": ("The plan's commitments", tables.NewPlanImport)},
            "delivery_plans:import_template",
        )
        return context


@require_GET
@access(Access.EDIT)
def plan_overview(request, pk: int):
    """A plan for one quarter (?period=2016-17-q3, by default the newest with updates): its
    objectives, its commitments counted by delivery status and by RAG (numbers and
    percentages, per objective and for the plan), and the Red and Amber with their update."""
    plan = in_scope_or_404(Plan.objects.select_related("owner"), request.user, pk=pk)
    choice = choose_scope(
        request,
        organisation=plan.owner,
        periods=plan_quarters(plan),
        default_period=lambda organisation, periods: (
            selectors.latest_period_of(plan) or latest_by_today(organisation, periods)
        ),
    )
    period = choice.period
    context = {"plan": plan, "period": period, "scope_form": choice.form}
    context |= selectors.plan_quarter(plan, period)
    return render(request, "delivery_plans/plan_overview.html", context)


class PlanPartFormView(ObjectFormView):
    """Add or edit a record of a plan (an objective, a delivery status, a measure, a
    commitment): a URL with the plan's pk adds one, positioned after the others."""

    template_name = "delivery_plans/plan_part_form.html"

    def get_queryset(self):
        return self.model._default_manager.select_related("plan")

    def get_initial_instance(self):
        plan = in_scope_or_404(Plan.objects.all(), self.request.user, pk=self.kwargs["plan_pk"])
        record = self.model(plan=plan)
        if hasattr(record, "order"):
            last = self.model._default_manager.filter(plan=plan).aggregate(last=Max("order"))["last"]
            record.order = (last or 0) + 1
        return record

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plan"] = context["form"].instance.plan
        return context


class PlanRecordFormView(PlanPartFormView):
    """An objective or a commitment: saved with the sort key of its ref."""

    def save_record(self, form, *, links: Links):
        loaded = None if self.adding else form.cleaned_data["loaded_version"]
        return services.plan_record_save(
            record=form.instance, by=self.request.user, loaded_version=loaded, links=links
        )


class ObjectiveFormView(PlanRecordFormView):
    model = Objective
    form_class = ObjectiveForm


class PlanPartDeleteView(ObjectDeleteView):
    """Delete a record of a plan; refused (with the reason) while other records depend on it."""

    def get_success_url(self):
        return self.object.plan.get_absolute_url()


class ObjectiveDeleteView(PlanPartDeleteView):
    model = Objective


# -- delivery statuses --------------------------------------------------------------------------


@require_GET
@access(Access.EDIT)
def statuses(request, pk: int):
    """A plan's own list of delivery statuses, each with how many commitments have it."""
    plan = in_scope_or_404(Plan.objects.all(), request.user, pk=pk)
    listed = plan.statuses.annotate(in_use=Count("commitments"))
    return render(request, "delivery_plans/statuses.html", {"plan": plan, "statuses": listed})


class DeliveryStatusFormView(PlanPartFormView):
    model = DeliveryStatus
    form_class = DeliveryStatusForm

    def get_cancel_url(self, instance) -> str:
        return reverse("delivery_plans:statuses", args=[instance.plan_id])


class DeliveryStatusDeleteView(PlanPartDeleteView):
    model = DeliveryStatus

    def get_success_url(self):
        return reverse("delivery_plans:statuses", args=[self.object.plan_id])


# -- commitments -----------------------------------------------------------------------------


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
        # Sorted and paged in the database, by the stored sort keys (1.2 before 1.10).
        return (
            selectors.commitments_with_latest()
            .filter(pk__in=Commitment.objects.applying_to(organisation).values("pk"))
            .in_plan_order()
        )

    def export_queryset(self, queryset):
        return queryset.prefetch_related("related")


class CommitmentDetailView(ObjectDetailView):
    """A commitment with every quarter's update as a timeline, newest first."""

    model = Commitment
    template_name = "delivery_plans/commitment_detail.html"

    def get_queryset(self):
        return Commitment.objects.select_related("plan", "objective", "status").prefetch_related(
            "areas",
            "related",
            "referenced_by",
            "schedule__period",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["updates"] = self.object.updates.select_related("period", "author")
        return context


class CommitmentFormView(PlanRecordFormView):
    model = Commitment
    form_class = CommitmentForm


class CommitmentDeleteView(PlanPartDeleteView):
    model = Commitment


def quarter_after(plan: Plan, latest) -> ReportingPeriod | None:
    """The quarter of the plan's term after the latest record's (an update, a figure), or the
    term's first quarter: usually the one being reported."""
    quarters = list(plan_quarters(plan))
    if latest is None:
        return quarters[0] if quarters else None
    done = (latest.period.start_year, latest.period.quarter)
    return next((q for q in quarters if (q.start_year, q.quarter) > done), None)


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
        return quarter_after(commitment.plan, commitment.updates.select_related("period").first())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["commitment"] = (self.object or self.get_form().instance).commitment
        return context


# Commitments a page of the oversight schedule shows: with four quarters each, a tick and a
# body, a page of them is a form of a few hundred fields, whatever the size of the objective.
SCHEDULE_ROWS = 25


def _schedule_state(objective: Objective | None, quarters: list[ReportingPeriod], page: Page | None):
    """The commitments of one page of an objective, their entries in the given quarters, and a
    fingerprint of both: any tick, untick, change of body or commitment added, moved or
    removed on the page changes it."""
    if objective is None or page is None:
        return [], {}, hashlib.sha256(b"[]").hexdigest()[:32]
    commitments = list(page.object_list)
    ids = [c.pk for c in commitments]
    on_page = OversightScheduleEntry.objects.filter(commitment__in=ids, period__in=quarters)
    entries = {(e.commitment_id, e.period_id): e for e in on_page}
    state = [[c.pk for c in commitments], sorted((e.pk, e.version) for e in entries.values())]
    fingerprint = hashlib.sha256(json.dumps(state).encode()).hexdigest()[:32]
    return commitments, entries, fingerprint


def _schedule_page(objective: Objective | None, number) -> Page | None:
    """The page of the objective's commitments asked for (the last for a number past it)."""
    if objective is None:
        return None
    ordered = objective.commitments.select_related("objective").order_by("sort_key", "pk")
    return Paginator(ordered, SCHEDULE_ROWS).get_page(number)


def _current_year(organisation, periods: list[ReportingPeriod]):
    """The financial year under way, when it is in the plan's term; else the term's first."""
    today = financial_year_of(timezone.localdate())
    return next((p for p in periods if p.start_year == today), periods[0] if periods else None)


def _chosen_objective(objectives: list[Objective], wanted: str) -> Objective | None:
    """The objective ?objective= names, by its ref (as the links give it, in any case) or
    else by its pk; the plan's first when none is named. None when the plan has no such
    objective: a ref such as "2" is tried as a ref before a pk, so links by ref never miss."""
    wanted = wanted.strip()
    if not wanted:
        return objectives[0] if objectives else None
    by_ref = next((o for o in objectives if o.ref.lower() == wanted.lower()), None)
    if by_ref is not None or not wanted.isdigit():
        return by_ref
    return next((o for o in objectives if o.pk == int(wanted)), None)


@require_http_methods(["GET", "POST"])
@access(Access.EDIT)
def schedule(request, pk: int):
    """The frequency-of-oversight grid, one objective and one financial year at a time
    (?objective=2&period=2016-17): its commitments by quarter, each tick with the body that
    oversees it, SCHEDULE_ROWS commitments a page (&page=2). Only quarters already recorded are
    offered. A page of one objective keeps the page, and the form it posts, the same size
    however large the objective and the plan."""
    plan = in_scope_or_404(Plan.objects.select_related("owner"), request.user, pk=pk)
    objectives = selectors.objectives_counted(plan)
    wanted = request.GET.get("objective", "")
    objective = _chosen_objective(objectives, wanted)
    all_quarters = list(plan_quarters(plan))
    years = [ReportingPeriod(start_year=y) for y in sorted({q.start_year for q in all_quarters})]
    choice = choose_scope(
        request, period="year", organisation=plan.owner, periods=years, default_period=_current_year
    )
    year = choice.period.start_year if choice.period else None
    quarters = [q for q in all_quarters if q.start_year == year]
    context = {
        "plan": plan,
        "objectives": objectives,
        "objective": objective,
        "year": year,
        "scope_form": choice.form,
        # The period chooser keeps the objective, and the objective links keep the period.
        "scope_keep": [("objective", objective.ref)] if objective else [],
        # What the save posts to and returns to: this year and this objective.
        "query": urlencode(choice.hidden_fields() + ([("objective", objective.ref)] if objective else [])),
        "quarters": quarters,
        "conflict": "",
    }
    if objective is None and wanted.strip():
        # A link to an objective since deleted, or a mistyped address: say so, and offer the
        # plan's objectives, rather than a bare "Page not found".
        context |= {"unknown_objective": wanted.strip(), "rows": []}
        return render(request, "delivery_plans/schedule.html", context, status=404)
    page = _schedule_page(objective, request.GET.get("page"))
    if page is not None and page.number > 1:
        # Saving returns to the page saved.
        context["query"] += f"&page={page.number}"
    context["page_obj"] = page
    commitments, entries, fingerprint = _schedule_state(objective, quarters, page)
    status = 200
    if request.method == "POST" and year is not None and objective is not None:
        form = ScheduleForm(request.POST, commitments=commitments, quarters=quarters)
        if form.is_valid():
            with transaction.atomic():
                # One schedule save at a time per plan, so two cannot both pass the check below.
                Plan.objects.select_for_update().filter(pk=plan.pk).first()
                page = _schedule_page(objective, request.GET.get("page"))
                commitments, entries, fingerprint = _schedule_state(objective, quarters, page)
                if form.cleaned_data["fingerprint"] == fingerprint:
                    try:
                        with transaction.atomic():
                            _save_schedule(form, commitments, quarters, entries, by=request.user)
                    except (StaleRecords, StaleEdit, RecordGone):
                        pass  # changed meanwhile: shown as a conflict below
                    else:
                        part = f", page {page.number}," if page and page.paginator.num_pages > 1 else ""
                        year_label = quarters[0].year_label
                        messages.success(
                            request, f"Oversight schedule of {objective.label}{part} for {year_label} saved"
                        )
                        return HttpResponseRedirect(
                            reverse("delivery_plans:schedule", args=[plan.pk]) + f"?{context['query']}"
                        )
            # Someone saved this part of the schedule after the page was loaded: show theirs.
            form = ScheduleForm(
                initial=_schedule_initial(entries, fingerprint), commitments=commitments, quarters=quarters
            )
            context["page_obj"] = page
            context["conflict"] = (
                "Someone else changed this objective's oversight schedule for the year after you "
                "opened this page. Your changes were not saved: the grid below shows the schedule "
                "as it is now; make your changes again."
            )
            status = 409
        else:
            status = 400
    else:
        form = ScheduleForm(
            initial=_schedule_initial(entries, fingerprint), commitments=commitments, quarters=quarters
        )
    context["form"] = form
    context["rows"] = [{"commitment": c, "cells": [form.cell(c, q) for q in quarters]} for c in commitments]
    return render(request, "delivery_plans/schedule.html", context, status=status)


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
    """Measures of a plan, each with its trend drawn as SVG and its numbers in a table, and
    which of them are withheld from publication, with the public reason."""
    plan = in_scope_or_404(Plan.objects.all(), request.user, pk=pk)
    items = selectors.measures_of([plan])
    for measure in items:
        measure.value_rows = list(measure.values.all())
    return render(request, "delivery_plans/measures.html", {"plan": plan, "measures": items})


class MeasureFormView(PlanPartFormView):
    model = Measure
    form_class = MeasureForm

    def get_cancel_url(self, instance) -> str:
        if self.object is not None:
            return self.object.get_absolute_url()
        return reverse("delivery_plans:measures", args=[instance.plan_id])


class MeasureDeleteView(PlanPartDeleteView):
    model = Measure

    def get_success_url(self):
        return reverse("delivery_plans:measures", args=[self.object.plan_id])


class MeasureValueFormView(ObjectFormView):
    """A measure's figure for a period of the plan's term, with a note, or withheld with a
    public reason."""

    model = MeasureValue
    form_class = MeasureValueForm
    template_name = "delivery_plans/measurevalue_form.html"

    def get_queryset(self):
        return MeasureValue.objects.select_related("measure__plan", "period")

    def get_initial_instance(self):
        measure = in_scope_or_404(
            Measure.objects.select_related("plan"), self.request.user, pk=self.kwargs["measure_pk"]
        )
        return MeasureValue(measure=measure)

    def get_initial(self):
        initial = super().get_initial()
        if self.adding:
            initial["period"] = self._next_period()
        return initial

    def _next_period(self) -> ReportingPeriod | None:
        """The quarter after the measure's latest quarterly figure."""
        measure = self.get_initial_instance().measure
        return quarter_after(measure.plan, measure.values.filter(period__quarter__isnull=False).last())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["measure"] = context["form"].instance.measure
        context["has_periods"] = plan_periods(context["measure"].plan).exists()
        return context


class MeasureValueDeleteView(ObjectDeleteView):
    model = MeasureValue

    def get_success_url(self):
        return self.object.measure.get_absolute_url()


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
