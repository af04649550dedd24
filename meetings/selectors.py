"""Reads shared by the pages and the dashboard snapshot. Each runs a fixed number of queries,
whatever the number of meetings, items and actions, and leaves restricted records out
unless asked for them."""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import attrgetter

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)

from assurance.models import Organisation, ReportingPeriod, Visibility
from assurance.rows import linked, short_date, url_of_each
from assurance.text import cut_at_word
from delivery_plans.models import Commitment, Objective, OversightScheduleEntry
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


TRACKER_ROW_FIELDS = (
    "pk",
    "description",
    "visibility",
    "owner_role",
    "due_date",
    "status",
    "item__meeting_id",
    "item__meeting__date",
    "item__meeting__body__name",
)


def tracker_rows(actions, *, today: datetime.date) -> list[dict]:
    """Actions (as TRACKER_ROW_FIELDS values) as the tracker lists them, everything a row shows
    made here: two URL reversals for the page, not two a row."""
    action_url = url_of_each("meetings:action_detail")
    meeting_url = url_of_each("meetings:meeting_detail")
    labels = dict(Action.Status.choices)
    return [
        {
            "description": action["description"],
            "url": action_url(action["pk"]),
            "restricted": action["visibility"] == Visibility.RESTRICTED,
            "meeting": f"{action['item__meeting__body__name']}, {short_date(action['item__meeting__date'])}",
            "meeting_url": meeting_url(action["item__meeting_id"]),
            "owner": action["owner_role"],
            "due": short_date(action["due_date"]),
            "overdue": action["status"] != Action.Status.CLOSED and action["due_date"] < today,
            "status": labels[action["status"]],
        }
        for action in actions
    ]


def body_meetings(body: OversightBody, *, include_restricted: bool) -> QuerySet:
    """A body's meetings newest first, as plain values with their agenda items counted (those
    the reader may see): for its page, which pages them."""
    items = visible_items(include_restricted)
    return (
        body.meetings.annotate(item_count=Count("items", filter=Q(items__in=items)))
        .order_by("-date", "-pk")
        .values("pk", "date", "status", "ad_hoc", "item_count")
    )


def body_meeting_rows(meetings) -> list[dict]:
    """A page of `body_meetings` as the body's page lists them: one URL reversal for the page."""
    meeting_url = url_of_each("meetings:meeting_detail")
    labels = dict(Meeting.Status.choices)
    return [
        {
            "url": meeting_url(meeting["pk"]),
            "date": short_date(meeting["date"]),
            "status": labels[meeting["status"]],
            "ad_hoc": meeting["ad_hoc"],
            "item_count": meeting["item_count"],
        }
        for meeting in meetings
    ]


def period_meetings(*, organisation: Organisation, period: ReportingPeriod) -> QuerySet[Meeting]:
    bodies = OversightBody.objects.for_organisation(organisation).values("pk")
    return Meeting.objects.filter(
        body__in=bodies, date__gte=period.start_date, date__lte=period.end_date
    ).select_related("body")


def scheduled_in(period: ReportingPeriod) -> Exists:
    """Whether the oversight schedule plans the outer commitment for the period, asked with it."""
    schedule = OversightScheduleEntry.objects.filter(
        commitment=OuterRef("pk"), period__start_year=period.start_year
    )
    if period.quarter is not None:
        schedule = schedule.filter(period__quarter=period.quarter)
    return Exists(schedule)


# What the coverage page counts and its full list filters by: one condition each, on the
# annotations of `coverage_commitments`, so a count and the list it links to always agree.
COVERAGE = {
    "overseen": ("Overseen by a body", Q(overseen=True)),
    "scheduled": ("Scheduled for oversight this quarter", Q(scheduled=True)),
    "scrutinised": ("Scrutinised at a meeting this quarter", Q(scrutinised=True)),
    "gap": ("Scheduled but not covered", Q(scheduled=True, scrutinised=False)),
    "no_oversight": (
        "No oversight: no body oversees it and no meeting scrutinised it",
        Q(overseen=False, scrutinised=False),
    ),
    "not_scrutinised": ("Not scrutinised this quarter", Q(scrutinised=False)),
    "no_body": ("No body oversees it", Q(overseen=False)),
}


def coverage_commitments(
    *,
    organisation: Organisation,
    period: ReportingPeriod,
    include_restricted: bool,
    until: datetime.date | None = None,
) -> QuerySet[Commitment]:
    """The commitments of the organisation's plans in force in the period, in plan order, each
    asked with it whether one of the organisation's bodies oversees it (`overseen`), whether
    the oversight schedule plans it for the period (`scheduled`) and whether an item of a
    meeting of those bodies held in the period (up to `until`, when given) scrutinised it
    (`scrutinised`)."""
    bodies = OversightBody.objects.for_organisation(organisation).values("pk")
    overseen = OversightBody.commitments.through.objects.filter(oversightbody_id__in=bodies)
    schedule = OversightScheduleEntry.objects.filter(period__start_year=period.start_year)
    if period.quarter is not None:
        schedule = schedule.filter(period__quarter=period.quarter)
    items = (
        visible_items(include_restricted)
        .covering()
        .filter(
            meeting__body__in=bodies,
            meeting__date__gte=period.start_date,
            meeting__date__lte=min(period.end_date, until or period.end_date),
        )
    )
    scrutinised = AgendaItem.commitments.through.objects.filter(agendaitem_id__in=items.values("pk"))
    # Each an IN over the period's ids, which the database reads once for all the commitments
    # (a correlated EXISTS would run once a commitment, for each count that asks it).
    return (
        Commitment.objects.for_organisation(organisation, year=period.start_year)
        .annotate(
            overseen=_among(overseen.values("commitment_id")),
            scheduled=_among(schedule.values("commitment_id")),
            scrutinised=_among(scrutinised.values("commitment_id")),
        )
        .in_plan_order()
    )


def _among(commitment_ids: QuerySet) -> ExpressionWrapper:
    return ExpressionWrapper(Q(pk__in=commitment_ids), output_field=BooleanField())


def no_coverage() -> QuerySet[Commitment]:
    """No commitments, with the annotations the coverage list filters on: a page with no
    organisation or quarter to show."""
    return Commitment.objects.none().annotate(
        overseen=Value(False), scheduled=Value(False), scrutinised=Value(False)
    )


@dataclass
class ObjectiveCoverage:
    """How many of an objective's commitments are in each of the COVERAGE counts."""

    objective: Objective | None
    commitments: int
    counts: dict[str, int]

    def __getitem__(self, key: str) -> int:
        return self.counts[key]


def coverage_by_objective(commitments: QuerySet[Commitment]) -> list[ObjectiveCoverage]:
    """The commitments counted by objective in the database, one row an objective in plan order:
    two queries, whatever the number of commitments."""
    # The counts take names of their own: named as the annotations, they would hide them.
    counts = {f"{key}_count": Count("pk", filter=condition) for key, (_, condition) in COVERAGE.items()}
    counted = {
        row["objective_id"]: row
        for row in commitments.order_by()
        .values("objective_id")
        .annotate(commitments_count=Count("pk"), **counts)
    }
    objectives = (
        Objective.objects.filter(pk__in=list(counted))
        .select_related("plan")
        # As COMMITMENT_ORDER puts their commitments.
        .order_by("-plan__start_year", "plan__title", "plan_id", "order", "sort_key", "pk")
    )
    return [
        ObjectiveCoverage(
            objective,
            counted[objective.pk]["commitments_count"],
            {key: counted[objective.pk][f"{key}_count"] for key in COVERAGE},
        )
        for objective in objectives
    ]


def coverage_total(by_objective: list[ObjectiveCoverage]) -> ObjectiveCoverage:
    """The counts of every objective together (a few rows: the database counted them)."""
    return ObjectiveCoverage(
        None,
        sum(row.commitments for row in by_objective),
        {key: sum(row.counts[key] for row in by_objective) for key in COVERAGE},
    )


# What a list of commitments reads of each (commitment_rows), and what the coverage list adds.
COMMITMENT_ROW_FIELDS = ("pk", "ref", "text", "plan__title")
COVERAGE_ROW_FIELDS = (*COMMITMENT_ROW_FIELDS, "scheduled", "overseen", "scrutinised")
# Enough of a commitment's text to recognise it in a list; its page has the rest.
COVERAGE_TEXT_LENGTH = 160


def commitment_rows(commitments) -> list[dict]:
    """Commitments read as values (COMMITMENT_ROW_FIELDS, and any more) as a list of them shows
    them: each with its URL and its text cut at a word, one URL reversal for them all."""
    commitment_url = url_of_each("delivery_plans:detail")
    return [
        {**c, "url": commitment_url(c["pk"]), "text": cut_at_word(c["text"], COVERAGE_TEXT_LENGTH)}
        for c in commitments
    ]


def coverage_rows(
    commitments,
    *,
    organisation: Organisation,
    period: ReportingPeriod,
    include_restricted: bool,
    with_bodies: bool = True,
    with_items: bool = True,
) -> list[dict]:
    """Rows of `coverage_commitments` (as COVERAGE_ROW_FIELDS values) as a list shows them: each
    with its URL, its text cut, the organisation's bodies that oversee it (`with_bodies`) and
    the items that scrutinised it in the period (`with_items`). A query for the bodies and one
    for the items, whatever the number of rows; no URL is reversed once a row."""
    rows = commitment_rows(commitments)
    ids = [row["pk"] for row in rows]
    body_url = url_of_each("meetings:detail")
    bodies_of = (
        overseers(ids, OversightBody.objects.for_organisation(organisation).values("pk"))
        if with_bodies and ids
        else {}
    )
    items_of = defaultdict(list)
    if with_items and ids:
        meeting_url = url_of_each("meetings:meeting_detail")
        scrutiny = (
            AgendaItem.commitments.through.objects.filter(
                commitment_id__in=ids,
                agendaitem_id__in=visible_items(include_restricted)
                .covering()
                .filter(meeting__in=period_meetings(organisation=organisation, period=period).values("pk"))
                .values("pk"),
            )
            .order_by("agendaitem__meeting__date", "agendaitem__number", "agendaitem_id")
            .values_list(
                "commitment_id",
                "agendaitem_id",
                "agendaitem__title",
                "agendaitem__visibility",
                "agendaitem__meeting_id",
                "agendaitem__meeting__date",
                "agendaitem__meeting__body__name",
            )
        )
        for commitment_id, item_id, title, visibility, meeting_id, date, body_name in scrutiny:
            items_of[commitment_id].append(
                {
                    "label": f"{body_name}, {short_date(date)}: {title}",
                    # As AgendaItem.get_absolute_url: the item on its meeting's page.
                    "url": f"{meeting_url(meeting_id)}#item-{item_id}",
                    "restricted": visibility == Visibility.RESTRICTED,
                }
            )
    for row in rows:
        row["bodies"] = [{"name": name, "url": body_url(pk)} for pk, name in bodies_of.get(row["pk"], [])]
        row["items"] = items_of[row["pk"]]
        row["is_gap"] = row["scheduled"] and not row["scrutinised"]
    return rows


def overseers(commitment_ids, bodies) -> dict[int, list[tuple[int, str]]]:
    """The id and name of each of `bodies` (the organisation's: ids, or a query of them) that
    oversee each commitment, by name."""
    return linked(Commitment.oversight_bodies, commitment_ids, "id", "name", among=bodies)


def coverage_summary(
    *,
    organisation: Organisation,
    period: ReportingPeriod,
    include_restricted: bool,
    until: datetime.date,
    bodies: set[int],
) -> dict:
    """What the dashboard says of a quarter's coverage: the commitments, how many the schedule
    plans and how many a meeting held to `until` scrutinised, and the gaps (scheduled, not
    scrutinised) in full with those of `bodies` (the organisation's) that should have covered
    them. Two queries: the commitments as plain values, with what the database found of each,
    and the gaps' bodies."""
    commitments = list(
        coverage_commitments(
            organisation=organisation, period=period, include_restricted=include_restricted, until=until
        ).values("pk", "ref", "text", "plan__title", "scheduled", "scrutinised")
    )
    gaps = [c for c in commitments if c["scheduled"] and not c["scrutinised"]]
    bodies_of = overseers([g["pk"] for g in gaps], bodies) if gaps else {}
    return {
        "commitments": len(commitments),
        "scheduled": sum(c["scheduled"] for c in commitments),
        "covered": sum(c["scrutinised"] for c in commitments),
        "gaps": [
            {
                "ref": gap["ref"],
                "text": gap["text"],
                "plan": gap["plan__title"],
                "bodies": [name for _, name in bodies_of.get(gap["pk"], [])],
            }
            for gap in gaps
        ],
    }


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


def months_of[M](
    *,
    bodies: list[OversightBody],
    start_year: int,
    until: datetime.date,
    meetings: Iterable[M],
    body_and_date: Callable[[M], tuple[int, datetime.date]] = attrgetter("body_id", "date"),
) -> dict[int, list[dict]]:
    """For each body, every month of a financial year up to the month of `until`, with the
    body's meetings among `meetings` (in their order): a month without one is there with no
    meetings, so the gap shows. For a caller that has read the meetings already, as records
    or as plain values (`body_and_date` reads a meeting's body id and date)."""
    by_month = defaultdict(list)
    for meeting in meetings:
        body_id, day = body_and_date(meeting)
        by_month[body_id, day.month].append(meeting)
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
