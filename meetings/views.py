"""Staff pages of the meetings area. Every page is Access.EDIT: closed-session business is
on them, and panel members read only what the dashboard publishes."""

import datetime

from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from assurance.models import Organisation, ReportingPeriod
from assurance.permissions import Access, access, can_see_restricted
from assurance.views import ObjectDetailView, ObjectFormView, ObjectListView
from delivery_plans.models import Commitment
from meetings import forms, selectors, services
from meetings.filters import ActionFilter, OversightBodyFilter
from meetings.models import Action, ActionUpdate, AgendaItem, Meeting, OversightBody


class BodyListView(ObjectListView):
    """The glossary of oversight mechanisms."""

    model = OversightBody
    filterset_class = OversightBodyFilter
    template_name = "meetings/body_list.html"
    title = "Oversight bodies"

    def get_queryset(self):
        return (
            OversightBody.objects.select_related("owner", "objective__plan")
            .annotate(meeting_count=Count("meetings"))
            .order_by("objective__plan__title", "objective__number", "name")
        )


class BodyDetailView(ObjectDetailView):
    model = OversightBody
    template_name = "meetings/body_detail.html"
    queryset = OversightBody.objects.select_related("owner", "objective").prefetch_related(
        "organisations",
        Prefetch(
            "commitments",
            queryset=Commitment.objects.select_related("plan", "objective").order_by(*forms.COMMITMENT_ORDER),
        ),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        items = selectors.visible_items(can_see_restricted(self.request.user))
        context["meetings"] = self.object.meetings.annotate(
            item_count=Count("items", filter=Q(items__in=items)),
        ).order_by("-date")
        return context


class BodyFormView(ObjectFormView):
    model = OversightBody
    form_class = forms.OversightBodyForm


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
        return Meeting(body=get_object_or_404(OversightBody, pk=self.kwargs["body_pk"]))


class AgendaItemFormView(ObjectFormView):
    model = AgendaItem
    form_class = forms.AgendaItemForm

    def get_queryset(self):
        return AgendaItem.objects.visible_to(self.request.user).select_related("meeting__body__owner")

    def get_initial_instance(self):
        meeting = get_object_or_404(
            Meeting.objects.select_related("body__owner"), pk=self.kwargs["meeting_pk"]
        )
        number = max([0, *meeting.items.values_list("number", flat=True)]) + 1
        return AgendaItem(meeting=meeting, number=number)


@require_POST
@access(Access.EDIT)
def item_take_up(request, meeting_pk: int, item_pk: int):
    """Put a deferred item of an earlier meeting on this meeting's agenda."""
    meeting = get_object_or_404(Meeting, pk=meeting_pk)
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
        services.agenda_item_take_up(deferred=deferred, meeting=meeting)
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
        item = get_object_or_404(
            AgendaItem.objects.visible_to(self.request.user).select_related("meeting__body"),
            pk=self.kwargs["item_pk"],
        )
        return Action(item=item, visibility=item.visibility)


class ActionUpdateFormView(ObjectFormView):
    model = ActionUpdate
    form_class = forms.ActionUpdateForm

    def get_queryset(self):
        return ActionUpdate.objects.select_related("action__item__meeting")

    def get_initial_instance(self):
        action = get_object_or_404(
            Action.objects.visible_to(self.request.user).select_related("item__meeting"),
            pk=self.kwargs["action_pk"],
        )
        return ActionUpdate(action=action, date=datetime.date.today())


class ActionListView(ObjectListView):
    """The action tracker: every action, open ones first, filterable by body, owner, status."""

    model = Action
    filterset_class = ActionFilter
    template_name = "meetings/action_list.html"
    title = "Action tracker"

    def get_queryset(self):
        return (
            Action.objects.visible_to(self.request.user)
            .select_related("item__meeting__body")
            .order_by("status", "due_date", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = datetime.date.today()
        return context


def _asked(request, names: tuple[str, ...]) -> dict[str, str]:
    """The choices given in the query string; an absent or empty one means 'the default'."""
    return {name: request.GET[name] for name in names if request.GET.get(name, "").strip()}


def _summary_years(body: OversightBody | None) -> tuple[list[int], int]:
    """The years the summary offers for a body, newest first, and the one shown by default."""
    months = body.meetings.dates("date", "month") if body else []
    meeting_years = {forms.financial_year(month) for month in months}
    # Years the service reports on, from the existing periods: reading this page creates none.
    period_years = set(ReportingPeriod.objects.values_list("start_year", flat=True))
    years = sorted(meeting_years | period_years, reverse=True)
    default = max(meeting_years) if meeting_years else None
    return years, default or (years[0] if years else forms.financial_year(datetime.date.today()))


@require_GET
@access(Access.EDIT)
def summary(request):
    """A holding-to-account body's year laid out as the panel's Appendix B.

    A body or year that is not one of the choices is an error on the form (400), not
    quietly replaced by the default; an absent one is the default."""
    bodies = list(OversightBody.objects.order_by("-holds_to_account", "name"))
    asked = _asked(request, ("body", "year"))
    by_pk = {str(b.pk): b for b in bodies}
    body = by_pk.get(asked["body"]) if "body" in asked else (bodies[0] if bodies else None)
    years, year = _summary_years(body)
    defaults = {"body": str(body.pk) if body else "", "year": str(year)}
    status = 200
    if asked:
        form = forms.SummaryChoiceForm(defaults | asked, bodies=bodies, years=years)
        if form.is_valid():
            body, year = form.chosen()
        else:
            body, year, status = None, None, 400
    else:
        form = forms.SummaryChoiceForm(bodies=bodies, years=years, initial=defaults)
    context = {
        "form": form,
        "body": body,
        "year": year,
        "year_label": ReportingPeriod(start_year=year).label if year is not None else "",
        "months": selectors.holding_to_account_year(
            body=body, start_year=year, include_restricted=can_see_restricted(request.user)
        )
        if body
        else [],
    }
    return render(request, "meetings/summary.html", context, status=status)


def _default_period(organisation: Organisation | None, periods: list[ReportingPeriod]):
    """The quarter of the organisation's latest meeting, where the work is; else the newest."""
    if organisation is None:
        return periods[0] if periods else None
    latest = (
        Meeting.objects.filter(body__in=OversightBody.objects.for_organisation(organisation).values("pk"))
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    return next((p for p in periods if latest and p.contains(latest)), periods[0] if periods else None)


@require_GET
@access(Access.EDIT)
def coverage(request):
    """For a period, every plan commitment with the items that scrutinised it, and the gaps.

    An organisation or quarter that is not one of the choices is an error on the form (400),
    not quietly replaced by the default; an absent one is the default."""
    organisations = list(Organisation.objects.filter(kind=Organisation.Kind.OPCC))
    periods = list(ReportingPeriod.objects.quarters().order_by("-start_year", "-quarter"))
    asked = _asked(request, ("organisation", "period"))
    by_slug = {o.slug: o for o in organisations}
    if "organisation" in asked:
        organisation = by_slug.get(asked["organisation"])
    else:
        organisation = Organisation.objects.home()
    period = None if "period" in asked else _default_period(organisation, periods)
    defaults = {
        "organisation": organisation.slug if organisation else "",
        "period": period.slug if period else "",
    }
    status = 200
    if asked:
        form = forms.CoverageChoiceForm(defaults | asked, organisations=organisations, periods=periods)
        if form.is_valid():
            organisation, period = form.chosen()
        else:
            organisation, period, status = None, None, 400
    else:
        form = forms.CoverageChoiceForm(organisations=organisations, periods=periods, initial=defaults)
    rows = (
        selectors.coverage(
            organisation=organisation, period=period, include_restricted=can_see_restricted(request.user)
        )
        if organisation and period
        else []
    )
    context = {
        "form": form,
        "organisation": organisation,
        "period": period,
        "rows": rows,
        "gaps": [r for r in rows if r.is_gap],
        "scheduled_count": sum(r.scheduled for r in rows),
        "covered_count": sum(bool(r.items) for r in rows),
    }
    return render(request, "meetings/coverage.html", context, status=status)
