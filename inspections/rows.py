"""Items as the tracker's lists show them: read as values with their report's title and source,
and their labels, tags, dates and links made once for the page, so that a row costs little more
than its own text however many rows a page shows."""

import datetime
from functools import cache
from typing import TypedDict

from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from assurance.models import Visibility
from assurance.rows import short_date, url_of_each
from assurance.templatetags.assurance_tags import rag_tag, status_tag, visibility_tag
from assurance.text import cut_at_word
from inspections.models import OPEN_STATUSES, Kind, Source, Status, TargetDateRevision

# What a row reads of an item and its report (`values()`, no instances).
ITEM_FIELDS = (
    "pk",
    "ref",
    "text",
    "kind",
    "owner_role",
    "status",
    "target_date",
    "original_target_date",
    "closed_on",
    "rag",
    "visibility",
    "report__title",
    "report__source",
)

KIND_LABELS = dict(Kind.choices)
STATUS_LABELS = dict(Status.choices)
SOURCE_LABELS = dict(Source.choices)


@cache
def item_tags(status: str, *, overdue: bool, revised: bool, restricted: bool) -> SafeString:
    """The tags after an item wherever it is listed: its status, and whether it is overdue, its
    target revised, it restricted. Made once for each of their few combinations."""
    tags = [status_tag(STATUS_LABELS.get(status, status), "neutral")]
    if overdue:
        tags.append(status_tag("Overdue", "problem"))
    if revised:
        tags.append(status_tag("Target revised", "warning"))
    if restricted:
        tags.append(visibility_tag(Visibility.RESTRICTED))
    # Each tag is already safe HTML (made by format_html): joined, not escaped again.
    return format_html_join("", " {}", ((tag,) for tag in tags))


@cache
def rag_html(rag: str) -> SafeString:
    return rag_tag(rag)


class ItemRow(TypedDict):
    """An item as a list shows it: a dict, which a template reads faster than an object."""

    pk: int
    url: str
    ref: str
    text: str
    report_title: str
    source: str
    kind: str
    owner: str
    is_closed: bool
    closed_on: str
    target: str
    target_iso: str
    first_target: str
    """The target first agreed, when it has been revised; empty when it has not."""
    rag: SafeString
    tags: SafeString
    last_updated: str
    revisions: list[str]
    """Each revision of the target in a line (with_revisions reads them)."""


def item_rows(
    items, *, today: datetime.date, text_length: int = 90, report_length: int = 70
) -> list[ItemRow]:
    """Rows of items read with ITEM_FIELDS (and `last_updated` where annotated)."""
    url_of = url_of_each("inspections:detail")
    rows = []
    for item in items:
        status, target, original = item["status"], item["target_date"], item["original_target_date"]
        revised = target != original
        rows.append(
            ItemRow(
                pk=item["pk"],
                url=url_of(item["pk"]),
                ref=item["ref"],
                text=cut_at_word(item["text"], text_length),
                report_title=cut_at_word(item["report__title"], report_length),
                source=SOURCE_LABELS.get(item["report__source"], item["report__source"]),
                kind=KIND_LABELS.get(item["kind"], item["kind"]),
                owner=item["owner_role"],
                is_closed=status == Status.CLOSED,
                closed_on=short_date(item["closed_on"]),
                target=short_date(target),
                target_iso=target.isoformat(),
                first_target=short_date(original) if revised else "",
                rag=rag_html(item["rag"]),
                tags=item_tags(
                    status,
                    overdue=status in OPEN_STATUSES and target < today,
                    revised=revised,
                    restricted=item["visibility"] == Visibility.RESTRICTED,
                ),
                last_updated=short_date(item.get("last_updated"), "None yet"),
                revisions=[],
            )
        )
    return rows


def with_revisions(rows: list[ItemRow]) -> list[ItemRow]:
    """The rows, each with the revisions of its target in the order agreed (one query)."""
    by_item = {row["pk"]: row["revisions"] for row in rows}
    revisions = (
        TargetDateRevision.objects.filter(recommendation_id__in=by_item)
        .order_by("recommendation_id", "dated", "pk")
        .values_list("recommendation_id", "dated", "previous_date", "new_date", "agreed_by", "reason")
    )
    for item, dated, previous, new, agreed_by, reason in revisions:
        by_item[item].append(
            f"{short_date(dated)}: {short_date(previous)} to {short_date(new)} ({agreed_by}): {reason}"
        )
    return rows


def item_tags_of(item, today: datetime.date) -> SafeString:
    """The same tags for an item read as a record (a detail page, a panel)."""
    return item_tags(
        item.status,
        overdue=item.overdue_on(today),
        revised=item.slipped,
        restricted=item.visibility == Visibility.RESTRICTED,
    )
