"""Reads shared by the pages and the dashboard snapshot. Each runs a fixed number of queries,
whatever the number of meetings, items and actions, and leaves restricted records out
unless asked for them."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from assurance.models import Organisation, ReportingPeriod
from delivery_plans.models import Commitment, OversightScheduleEntry
from meetings.models import Action, AgendaItem, Meeting, OversightBody

MONTHS = [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]


def visible_items(include_restricted: bool) -> QuerySet[AgendaItem]:
    items = AgendaItem.objects.all()
    return items if include_restricted else items.public()


def visible_actions(include_restricted: bool) -> QuerySet[Action]:
    actions = Action.objects.all()
    return actions if include_restricted else actions.public()


def items_with_links(include_restricted: bool) -> QuerySet[AgendaItem]:
    """Agenda items with their objectives and commitments (two more queries, however many)."""
    return visible_items(include_restricted).prefetch_related(
        "objectives", Prefetch("commitments", queryset=Commitment.objects.select_related("plan"))
    )


@dataclass
class MeetingPage:
    open_items: list[AgendaItem]
    closed_items: list[AgendaItem]
    carried_forward: list[Action]
    offered: list[AgendaItem]
    next_meeting: Meeting | None = None
    previous_meeting: Meeting | None = None


def meeting_page(*, meeting: Meeting, include_restricted: bool) -> MeetingPage:
    """The agenda in its two parts with the actions raised, the log carried forward to this
    meeting, and deferred items of earlier meetings not yet taken up."""
    raised = visible_actions(include_restricted).prefetch_related("updates")
    items = list(
        items_with_links(include_restricted)
        .filter(meeting=meeting)
        .prefetch_related(Prefetch("actions", queryset=raised))
        .order_by("number", "pk")
    )
    carried = list(
        visible_actions(include_restricted)
        .filter(item__meeting__body_id=meeting.body_id, item__meeting__date__lt=meeting.date)
        .open_at(meeting.date)
        .select_related("item__meeting")
        .prefetch_related("updates")
        .order_by("due_date", "pk")
    )
    offered = list(
        visible_items(include_restricted)
        .filter(
            meeting__body_id=meeting.body_id,
            meeting__date__lt=meeting.date,
            deferred=True,
            taken_up_as__isnull=True,
        )
        .select_related("meeting")
    )
    siblings = Meeting.objects.filter(body_id=meeting.body_id)
    return MeetingPage(
        open_items=[i for i in items if not i.is_restricted],
        closed_items=[i for i in items if i.is_restricted],
        carried_forward=carried,
        offered=offered,
        previous_meeting=siblings.filter(date__lt=meeting.date).order_by("-date").first(),
        next_meeting=siblings.filter(date__gt=meeting.date).order_by("date").first(),
    )


def status_at(action: Action, day: datetime.date) -> str:
    if action.closed_on and action.closed_on <= day:
        return Action.Status.CLOSED
    return Action.Status.OPEN if action.status == Action.Status.CLOSED else action.status


def refs(commitments) -> list[str]:
    return [c.ref for c in commitments]


@dataclass
class CoverageRow:
    commitment: Commitment
    scheduled: bool
    items: list[AgendaItem] = field(default_factory=list)

    @property
    def is_gap(self) -> bool:
        return self.scheduled and not self.items

    @property
    def bodies(self) -> list[OversightBody]:
        """The organisation's bodies that oversee the commitment: for a gap, who should have covered it."""
        return list(self.commitment.oversight_bodies.all())


def period_meetings(*, organisation: Organisation, period: ReportingPeriod) -> QuerySet[Meeting]:
    bodies = OversightBody.objects.for_organisation(organisation).values("pk")
    return Meeting.objects.filter(
        body__in=bodies, date__gte=period.start_date, date__lte=period.end_date
    ).select_related("body")


def coverage(
    *, organisation: Organisation, period: ReportingPeriod, include_restricted: bool, items=None
) -> list[CoverageRow]:
    """Every commitment of the organisation's plans in force in the period, with the agenda
    items that scrutinised it in the period and whether the oversight schedule planned it.

    Two queries, plus three for the items unless the caller already has them.
    """
    year = period.start_year
    bodies = OversightBody.objects.for_organisation(organisation).values("pk")
    overseers = OversightBody.objects.filter(pk__in=bodies).order_by("name")
    schedule = OversightScheduleEntry.objects.filter(commitment=OuterRef("pk"), period__start_year=year)
    if period.quarter is not None:
        schedule = schedule.filter(period__quarter=period.quarter)
    commitments = list(
        Commitment.objects.for_organisation(organisation, year=year)
        .select_related("plan", "objective")
        .prefetch_related(Prefetch("oversight_bodies", queryset=overseers))
        # Whether the oversight schedule plans it, asked with the commitment.
        .annotate(scheduled=Exists(schedule))
        .order_by("plan__title", "objective__order", "objective__sort_key", "sort_key", "ref")
    )
    if items is None:
        items = list(
            items_with_links(include_restricted)
            .covering()
            .filter(meeting__in=period_meetings(organisation=organisation, period=period))
            .select_related("meeting__body")
        )
    by_commitment = defaultdict(list)
    for item in items:
        if item.deferred or not item.meeting.took_place:
            continue
        for commitment in item.commitments.all():
            by_commitment[commitment.pk].append(item)
    return [CoverageRow(c, c.scheduled, by_commitment[c.pk]) for c in commitments]


def holding_to_account_year(*, body: OversightBody, start_year: int, include_restricted: bool) -> list[dict]:
    """Appendix B: every month of a financial year with its meetings and their items; a month
    without a meeting record is there with no meetings, so the gap shows."""
    return holding_to_account_months(
        bodies=[body], start_year=start_year, include_restricted=include_restricted
    )[body.pk]


def financial_year_to(
    start_year: int, until: datetime.date | None = None
) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a financial year, the last no later than `until`."""
    start, end = datetime.date(start_year, 4, 1), datetime.date(start_year + 1, 3, 31)
    return start, end if until is None else min(end, until)


def holding_to_account_months(
    *,
    bodies: list[OversightBody],
    start_year: int,
    include_restricted: bool,
    until: datetime.date | None = None,
) -> dict[int, list[dict]]:
    """For each body, every month of a financial year (up to the month of `until`, if given)
    with its meetings held by then and their items, in four queries however many bodies."""
    start, end = financial_year_to(start_year, until)
    meetings = list(
        Meeting.objects.filter(body__in=[b.pk for b in bodies], date__gte=start, date__lte=end)
        .order_by("date", "pk")
        .prefetch_related(
            Prefetch("items", queryset=items_with_links(include_restricted).order_by("number", "pk"))
        )
    )
    return months_of(bodies=bodies, start_year=start_year, until=end, meetings=meetings)


def months_of(
    *, bodies: list[OversightBody], start_year: int, until: datetime.date, meetings: list[Meeting]
) -> dict[int, list[dict]]:
    """For each body, every month of a financial year up to the month of `until`, with the
    body's meetings among `meetings` (in their order): a month without one is there with no
    meetings, so the gap shows. For a caller that has read the meetings already."""
    by_month = defaultdict(list)
    for meeting in meetings:
        by_month[meeting.body_id, meeting.date.month].append(meeting)
    months: dict[int, list[dict]] = {}
    for body in bodies:
        months[body.pk] = []
        for month in MONTHS:
            first = datetime.date(start_year if month >= 4 else start_year + 1, month, 1)
            if first > until:
                break
            months[body.pk].append({"month": first, "meetings": by_month[body.pk, month]})
    return months


def bodies_overseeing(commitment: Commitment, *, user) -> QuerySet[OversightBody]:
    """The bodies that oversee a commitment, for its page (the Panel narrows them)."""
    return OversightBody.objects.filter(commitments=commitment).select_related("owner").order_by("name")


# A commitment's page lists its latest scrutiny; the coverage page has the rest.
LATEST_ITEMS = 12


def items_scrutinising(commitment: Commitment, *, user) -> QuerySet[AgendaItem]:
    """The agenda items that scrutinised a commitment, newest first (the Panel narrows them
    to the user and shows the latest LATEST_ITEMS)."""
    return (
        AgendaItem.objects.filter(commitments=commitment)
        .select_related("meeting__body")
        .order_by("-meeting__date", "number")
    )
