"""Staff pages of the meetings area. Every page is Access.EDIT: closed-session business is
on them, and panel members read only what the dashboard publishes."""

import datetime
from dataclasses import replace

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from assurance.models import Organisation, ReportingPeriod, financial_year_of
from assurance.permissions import Access, access, can_see_restricted, in_scope_or_404
from assurance.scope import ScopedViewMixin, choose_scope, offered_organisations
from assurance.summaries import FirstRows, first_rows
from assurance.views import ObjectDetailView, ObjectFormView, ObjectListView
from assurance.writes import Links
from delivery_plans.models import Commitment, Objective, Plan
from meetings import forms, selectors, services
from meetings.filters import ActionFilter, CoverageFilter, OversightBodyFilter
from meetings.models import Action, ActionUpdate, AgendaItem, Meeting, OversightBody


class BodyListView(ScopedViewMixin, ObjectListView):
    """The glossary of oversight mechanisms an organisation runs or takes part in."""

    model = OversightBody
    filterset_class = OversightBodyFilter
    template_name = "meetings/body_list.html"
    title = "Oversight bodies"
    scope_period = None

    def get_queryset(self):
        organisation = self.scope_choice.organisation
        bodies = (
            OversightBody.objects.for_organisation(organisation)
            if organisation
            else OversightBody.objects.none()
        )
        return (
            bodies.select_related("owner", "objective__plan")
            .annotate(meeting_count=Count("meetings"))
            .order_by("objective__plan__title", "objective__order", "objective__sort_key", "name")
        )


# A body's page lists its meetings newest first, this many a page: a body meets for years.
MEETINGS_A_PAGE = 50


class BodyDetailView(ObjectDetailView):
    model = OversightBody
    template_name = "meetings/body_detail.html"
    queryset = OversightBody.objects.select_related("owner", "objective").prefetch_related("organisations")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        body = self.object
        # The first commitments it oversees, with how many and the coverage list of them all.
        first = first_rows(
            body.commitments.in_plan_order().values(*selectors.COMMITMENT_ROW_FIELDS),
            full_list_url=reverse("meetings:coverage_list")
            + "?"
            + urlencode({"organisation": body.owner.slug, "body": body.pk}),
        )
        context["commitments"] = replace(first, rows=selectors.commitment_rows(first.rows))
        meetings = selectors.body_meetings(body, include_restricted=can_see_restricted(self.request.user))
        page = Paginator(meetings, MEETINGS_A_PAGE).get_page(self.request.GET.get("page"))
        context["page_obj"], context["meetings"] = page, selectors.body_meeting_rows(page)
        return context


class BodyFormView(ObjectFormView):
    model = OversightBody
    form_class = forms.OversightBodyForm

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        offered = offered_organisations(self.request.user)
        form.fields["owner"].queryset = offered
        # The objectives of the plans that the offices on offer keep or share, not every office's.
        shared = Plan.organisations.through.objects.filter(organisation__in=offered).values("plan_id")
        form.fields["objective"].queryset = (
            Objective.objects.filter(Q(plan__owner__in=offered) | Q(plan__in=shared))
            .select_related("plan")
            .order_by("plan__title", "plan_id", "order", "sort_key", "pk")
        )
        return form


class MeetingDetailView(ObjectDetailView):
    model = Meeting
    template_name = "meetings/meeting_detail.html"
    queryset = Meeting.objects.select_related("body")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page"] = selectors.meeting_page(
            meeting=self.object, include_restricted=can_see_restricted(self.request.user)
        )
        context["today"] = datetime.date.today()
        return context


class MeetingFormView(ObjectFormView):
    model = Meeting
    form_class = forms.MeetingForm

    def get_initial_instance(self):
        return Meeting(
            body=in_scope_or_404(OversightBody.objects.all(), self.request.user, pk=self.kwargs["body_pk"])
        )


class AgendaItemFormView(ObjectFormView):
    model = AgendaItem
    form_class = forms.AgendaItemForm

    def get_queryset(self):
        return AgendaItem.objects.visible_to(self.request.user).select_related("meeting__body__owner")

    def get_initial_instance(self):
        meeting = in_scope_or_404(
            Meeting.objects.select_related("body__owner"), self.request.user, pk=self.kwargs["meeting_pk"]
        )
        number = max([0, *meeting.items.values_list("number", flat=True)]) + 1
        return AgendaItem(meeting=meeting, number=number)

    def save_record(self, form, *, links: Links):
        if self.adding:
            return super().save_record(form, links=links)
        return services.agenda_item_update(
            item=form.instance,
            loaded_version=form.cleaned_data["loaded_version"],
            by=self.request.user,
            links=links,
        )


@require_POST
@access(Access.EDIT)
def item_take_up(request, meeting_pk: int, item_pk: int):
    """Put a deferred item of an earlier meeting on this meeting's agenda."""
    meeting = in_scope_or_404(Meeting.objects.all(), request.user, pk=meeting_pk)
    deferred = get_object_or_404(
        AgendaItem.objects.visible_to(request.user),
        pk=item_pk,
        deferred=True,
        meeting__body_id=meeting.body_id,
        meeting__date__lt=meeting.date,
    )
    if deferred.taken_up_as.exists():
        messages.error(request, f"‘{deferred}’ is already on a later agenda.")
    else:
        services.agenda_item_take_up(deferred=deferred, meeting=meeting, by=request.user)
        messages.success(request, f"‘{deferred}’ added to this meeting's agenda")
    return redirect(meeting)


class ActionDetailView(ObjectDetailView):
    model = Action
    template_name = "meetings/action_detail.html"

    def get_queryset(self):
        return (
            Action.objects.visible_to(self.request.user)
            .select_related("item__meeting__body")
            .prefetch_related("updates")
        )


class ActionFormView(ObjectFormView):
    model = Action
    form_class = forms.ActionForm

    def get_queryset(self):
        return Action.objects.visible_to(self.request.user).select_related("item__meeting__body")

    def get_initial_instance(self):
        item = in_scope_or_404(
            AgendaItem.objects.visible_to(self.request.user).select_related("meeting__body"),
            self.request.user,
            pk=self.kwargs["item_pk"],
        )
        return Action(item=item, visibility=item.visibility)


class ActionUpdateFormView(ObjectFormView):
    model = ActionUpdate
    form_class = forms.ActionUpdateForm

    def get_queryset(self):
        return ActionUpdate.objects.select_related("action__item__meeting")

    def get_initial_instance(self):
        action = in_scope_or_404(
            Action.objects.visible_to(self.request.user).select_related("item__meeting"),
            self.request.user,
            pk=self.kwargs["action_pk"],
        )
        return ActionUpdate(action=action, date=datetime.date.today())


class ActionListView(ScopedViewMixin, ObjectListView):
    """The action tracker of an organisation's bodies: open and in-progress actions first,
    soonest due first; filterable by body, owner, status and overdue."""

    model = Action
    filterset_class = ActionFilter
    template_name = "meetings/action_list.html"
    title = "Action tracker"
    scope_period = None

    def get_queryset(self):
        organisation = self.scope_choice.organisation
        if organisation is None:
            return Action.objects.none()
        bodies = OversightBody.objects.for_organisation(organisation).values("pk")
        closed_last = Case(
            When(status=Action.Status.CLOSED, then=Value(1)), default=Value(0), output_field=IntegerField()
        )
        return (
            Action.objects.visible_to(self.request.user)
            .filter(item__meeting__body__in=bodies)
            .order_by(closed_last, "due_date", "pk")
            .values(*selectors.TRACKER_ROW_FIELDS)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.tracker_rows(context["object_list"], today=datetime.date.today())
        return context


def _summary_default(body: OversightBody | None):
    """The summary shows, by default, the year of the body's latest meeting."""

    def default(organisation, periods: list[ReportingPeriod]):
        latest = body.meetings.order_by("-date").values_list("date", flat=True).first() if body else None
        if latest is not None:
            year = next((p for p in periods if p.start_year == financial_year_of(latest)), None)
            if year is not None:
                return year
        return periods[-1] if periods else None

    return default


@require_GET
@access(Access.EDIT)
def summary(request):
    """A holding-to-account body's financial year laid out as the panel's Appendix B
    (?organisation=<slug>&period=2016-17&body=<id>): every month, with its meetings and items."""
    scope = choose_scope(request, period=None)
    organisation = scope.organisation
    bodies = list(
        OversightBody.objects.for_organisation(organisation).order_by("-holds_to_account", "name")
        if organisation
        else []
    )
    body_form = forms.BodyChoiceForm(request.GET or None, bodies=bodies)
    if request.GET.get("body") and not body_form.is_valid():
        return render(request, "errors/bad_scope.html", {"form": body_form}, status=400)
    body = body_form.chosen() if request.GET.get("body") else (bodies[0] if bodies else None)
    years = [ReportingPeriod(start_year=y) for y in _summary_years(body)]
    choice = choose_scope(request, period="year", periods=years, default_period=_summary_default(body))
    year = choice.period.start_year if choice.period else None
    context = {
        "scope_form": choice.form,
        "body_form": forms.BodyChoiceForm(bodies=bodies, initial={"body": body.pk if body else ""}),
        "organisation": organisation,
        "body": body,
        "year": year,
        "year_label": choice.period.year_label if choice.period else "",
        "months": selectors.holding_to_account_year(
            body=body, start_year=year, include_restricted=can_see_restricted(request.user)
        )
        if body and year is not None
        else [],
    }
    return render(request, "meetings/summary.html", context)


def _summary_years(body: OversightBody | None) -> list[int]:
    """The years the summary offers, oldest first: those with the body's meetings, and those
    the service reports on (read from the existing periods: this page creates none)."""
    months = body.meetings.dates("date", "month") if body else []
    meeting_years = {financial_year_of(month) for month in months}
    period_years = set(ReportingPeriod.objects.values_list("start_year", flat=True))
    return sorted(meeting_years | period_years)


def _latest_meeting_quarter(organisation: Organisation | None, periods: list[ReportingPeriod]):
    """The quarter of the organisation's latest meeting, where the work is; else the newest."""
    if organisation is None:
        return periods[-1] if periods else None
    latest = (
        Meeting.objects.filter(body__in=OversightBody.objects.for_organisation(organisation).values("pk"))
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    return next((p for p in periods if latest and p.contains(latest)), periods[-1] if periods else None)


@require_GET
@access(Access.EDIT)
def coverage(request):
    """For a quarter, the plan's commitments counted by objective in the database (overseen by a
    body, scheduled, scrutinised, not covered) and the first of the exceptions, each count and
    exception list a link to the full list filtered to it: the page is the same size however
    many commitments there are."""
    choice = choose_scope(request, default_period=_latest_meeting_quarter)
    organisation, period = choice.organisation, choice.period
    context = {"scope_form": choice.form, "organisation": organisation, "period": period}
    if organisation is None or period is None:
        return render(request, "meetings/coverage.html", context)
    scope = {
        "organisation": organisation,
        "period": period,
        "include_restricted": can_see_restricted(request.user),
    }
    commitments = selectors.coverage_commitments(**scope)
    by_objective = selectors.coverage_by_objective(commitments)
    total = selectors.coverage_total(by_objective)
    list_url = f"{reverse('meetings:coverage_list')}?{choice.query}"

    def exceptions(key: str, *, with_bodies: bool) -> FirstRows:
        first = first_rows(
            commitments.filter(selectors.COVERAGE[key][1]).values(*selectors.COVERAGE_ROW_FIELDS),
            full_list_url=f"{list_url}&coverage={key}",
            total=total[key],
        )
        rows = selectors.coverage_rows(first.rows, **scope, with_bodies=with_bodies, with_items=False)
        return replace(first, rows=rows)

    context |= {
        "by_objective": by_objective,
        # Objectives are named by their plan only where the organisation has several in force.
        "many_plans": len({row.objective.plan_id for row in by_objective}) > 1,
        "total": total,
        "labels": {key: label for key, (label, _) in selectors.COVERAGE.items()},
        "list_url": list_url,
        "gaps": exceptions("gap", with_bodies=True),
        # By definition no body oversees these, so none is asked for.
        "without_oversight": exceptions("no_oversight", with_bodies=False),
    }
    return render(request, "meetings/coverage.html", context)


class CoverageListView(ScopedViewMixin, ObjectListView):
    """Every commitment of a quarter's coverage, paged, with the organisation's bodies that
    oversee it and the items that scrutinised it: filtered by plan objective and by coverage
    (the summary's counts) in the database."""

    model = Commitment
    filterset_class = CoverageFilter
    template_name = "meetings/coverage_list.html"
    title = "Assurance coverage: every commitment"

    def scope_default_period(self, organisation, periods):
        return _latest_meeting_quarter(organisation, periods)

    def get_queryset(self):
        choice = self.scope_choice
        if choice.organisation is None or choice.period is None:
            return selectors.no_coverage().values(*selectors.COVERAGE_ROW_FIELDS)
        return selectors.coverage_commitments(**self.coverage_scope()).values(*selectors.COVERAGE_ROW_FIELDS)

    def coverage_scope(self) -> dict:
        choice = self.scope_choice
        return {
            "organisation": choice.organisation,
            "period": choice.period,
            "include_restricted": can_see_restricted(self.request.user),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        choice = self.scope_choice
        context["rows"] = (
            selectors.coverage_rows(context["object_list"], **self.coverage_scope())
            if choice.organisation is not None and choice.period is not None
            else []
        )
        context["summary_url"] = f"{reverse('meetings:coverage')}?{choice.query}"
        return context
