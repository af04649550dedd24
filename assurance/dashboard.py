"""The governance dashboard, gathered from every registered area.

The live dashboard, a frozen publication and the panel paper are all made from the same
snapshot dict, so what staff review is what the panel reads.
"""

import datetime
import re
from collections import Counter

from django.utils import timezone

from assurance import registry
from assurance.kept import LIVE_SECONDS, kept_while_unchanged
from assurance.models import Acronym, Organisation, Publication, Rag, ReportingPeriod
from assurance.registry import Finding
from assurance.scope import Scope

# 2: areas are stored by key and schema version, without template paths; rendering finds the
# area's current templates (see `rendered_areas`), so renaming a template breaks nothing.
SNAPSHOT_FORMAT = 2
GONE_AREA_TEMPLATE = "dashboard/area_gone.html"


def take_snapshot(scope: Scope, *, newest: dict[str, int] | None = None) -> dict:
    """Every area's dashboard data for a scope, as JSON-safe data.

    Given `newest` (the live dashboard's `newest_ids`), each area's data is kept until a
    record of a table it read is written, so a change to one area's records makes only the
    areas that read them again; without it (a publication, the panel paper) every area is
    read afresh."""

    def data(area) -> dict:
        if newest is None:
            return area.snapshot(scope)
        return kept_while_unchanged(
            f"area:{area.key}:{area.schema_version}:{scope.organisation.pk}:{scope.period.pk}:"
            f"{scope.include_restricted}:{scope.status_date}:{timezone.localdate()}",
            lambda: area.snapshot(scope),
            newest,
            # The scope's own records are given to the area, not read by it.
            also=(Organisation._meta.db_table, ReportingPeriod._meta.db_table),
            seconds=LIVE_SECONDS,
        )

    return {
        "format": SNAPSHOT_FORMAT,
        "organisation": scope.organisation.name,
        "period": scope.period.label,
        "taken_at": timezone.now().isoformat(),
        "restricted_included": scope.include_restricted,
        "areas": [
            {
                "key": area.key,
                "title": area.title,
                "appendix_title": area.appendix_title or area.title,
                "schema": area.schema_version,
                "data": data(area),
            }
            for area in registry.areas()
            if area.reports_to_dashboard
        ],
    }


def as_published(snapshot: dict) -> dict:
    """A staff snapshot's items as a publication of the same scope would hold them: restricted
    records left out. The same rows, so one snapshot serves the staff dashboard and its "what
    changed since published" (the area contract test holds it equal to a public snapshot's)."""
    return {
        **snapshot,
        "restricted_included": False,
        "areas": [
            {
                **area,
                "data": {
                    "items": [item for item in area["data"].get("items", []) if not item.get("restricted")]
                },
            }
            for area in snapshot["areas"]
        ],
    }


# Values in a snapshot that are not text a reader sees.
NOT_READ = {"url", "key", "records"}


def _texts(value, key: str = ""):
    if key in NOT_READ:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _texts(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def acronyms_used(organisation: Organisation, snapshot: dict) -> list[dict]:
    """The office's acronyms that a snapshot's text (its areas and cover report) uses, A to Z:
    the paper's glossary explains those and no others."""
    text = "\n".join(_texts({"areas": snapshot.get("areas", []), "report": snapshot.get("report", {})}))
    words = set(re.findall(r"\w+", text))
    used = []
    for acronym in Acronym.objects.filter(organisation=organisation).order_by("term"):
        term = acronym.term
        found = (
            term in words
            if re.fullmatch(r"\w+", term)
            else re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text)
        )
        if found:
            used.append({"term": term, "meaning": acronym.meaning})
    return used


def rendered_areas(snapshot: dict) -> list[dict]:
    """A snapshot's areas with the templates that render them today.

    A publication keeps each area's data under its key with the schema it was made with; the
    area's current templates read it. Template paths stored by older snapshots are ignored,
    and an area no longer in the service renders a note in place of its section.
    """
    rendered = []
    for entry in snapshot.get("areas", []):
        area = registry.get(entry["key"])
        if area is None:
            section = appendix = GONE_AREA_TEMPLATE
            glossary = ""
        else:
            section, appendix = area.templates_for(entry.get("schema", 1))
            glossary = area.glossary_template
        rendered.append(
            {
                **entry,
                "section_template": section,
                "appendix_template": appendix,
                "glossary_template": glossary,
            }
        )
    return rendered


def rag_totals(snapshot: dict) -> dict[str, int]:
    """How many rated items of each RAG the whole dashboard holds, worst first."""
    counts = Counter(
        item.get("rag")
        for area in snapshot["areas"]
        for item in area["data"].get("items", [])
        if item.get("rag")
    )
    return {rag.value: counts.get(rag.value, 0) for rag in Rag}


def compared_items(snapshot: dict) -> dict[str, dict]:
    """A snapshot's items by key, each with its area's title: what `what_changed` compares, and
    what a publication keeps beside its snapshot for the next one to be compared with."""
    return {
        item["key"]: {**item, "area": area["title"]}
        for area in snapshot["areas"]
        for item in area["data"].get("items", [])
    }


def what_changed(before: dict | None, after: dict) -> list[dict]:
    """Ratings that moved, statuses that changed, items that are new and items gone since the
    publication whose `items` are `before` (None: there is none); `after` is a snapshot."""
    old, new = before or {}, compared_items(after)
    changes = []
    for key, item in new.items():
        previous = old.get(key)
        if previous is None:
            if before is not None:
                changes.append({"kind": "new", "area": item["area"], "label": item["label"], "after": item})
            continue
        if previous.get("rag", "") != item.get("rag", ""):
            changes.append(
                {
                    "kind": "rating",
                    "area": item["area"],
                    "label": item["label"],
                    "before": previous,
                    "after": item,
                }
            )
        elif previous.get("status", "") != item.get("status", ""):
            changes.append(
                {
                    "kind": "status",
                    "area": item["area"],
                    "label": item["label"],
                    "before": previous,
                    "after": item,
                }
            )
    for key, item in old.items():
        if key not in new:
            changes.append({"kind": "closed", "area": item["area"], "label": item["label"], "before": item})
    order = {"rating": 0, "status": 1, "new": 2, "closed": 3}
    return sorted(changes, key=lambda c: (order[c["kind"]], c["area"], c["label"]))


def run_checks(scope: Scope) -> list[Finding]:
    findings = []
    for area in registry.areas():
        findings.extend(area.checks(scope))
    return sorted(findings, key=lambda f: f.level != "error")


def default_period(
    organisation: Organisation | None, periods: list[ReportingPeriod], today: datetime.date | None = None
) -> ReportingPeriod | None:
    """The quarter being prepared among `periods` (the quarters the page offers, oldest
    first): the one after the latest publication, never past today's; with no publication,
    today's (else the latest before today, else the earliest).

    Chosen among existing periods only: showing a page never creates one. One query, of the
    latest quarter published: the periods are the page's own list.
    """
    if organisation is None or not periods:
        return None
    today = today or timezone.localdate()
    started = [p for p in periods if p.start_date <= today]
    current = started[-1] if started else periods[0]
    latest = (
        Publication.objects.filter(organisation=organisation, period__quarter__isnull=False)
        .order_by("-period__start_year", "-period__quarter")
        # The quarter only: a publication's frozen snapshot is large and not needed here.
        .values_list("period__start_year", "period__quarter")
        .first()
    )
    if latest is None:
        return current
    after = next((p for p in periods if (p.start_year, p.quarter) > latest), None)
    if after is None or (after.start_year, after.quarter) > (current.start_year, current.quarter):
        return current
    return after
